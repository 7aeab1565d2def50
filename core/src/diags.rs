//! Every diagnostic's wording, apart from the rules that detect it: one constructor per code
//! (message, label, related spans, help), grouped by area. A rule decides *that* something is
//! wrong and hands the facts to its constructor; how it reads is decided only here.
//!
//! Each pass (reading the tables, validating across entries) collects into one [`Sink`].

use crate::diagnostic::Diagnostic;

mod backends;
mod calls;
mod names;
mod refs;
mod values;

pub(crate) use backends::{
    HeaderProblem, InvalidUrl, insecure_url, invalid_header, invalid_url, no_ops,
    remote_discovery_url, unsupported_op, unsupported_transport, unsupported_url_scheme,
    zero_weight,
};
pub(crate) use calls::{
    DeadlineFrom, Edge, backoff_inverted, duplicate_fallback, excessive_retries, fallback_cycle,
    fallback_ops_unserved, fallback_self, timeout_exceeds_deadline, unknown_fallback,
    unknown_retry_class,
};
pub(crate) use names::{
    api_key_env_holds_key, duplicate_pool_key, empty_key_pool, field_kind_mismatch,
    invalid_alias_name, invalid_command, invalid_env_name, invalid_model, invalid_name,
    invalid_secret_name, legacy_api_key_env, plaintext_secret, pool_on_kind, with_legacy_fix,
};
pub(crate) use refs::{
    Collision, constant_collision, duplicate_name, op_unserved, unknown_backend_ref,
    unknown_credential_ref, unknown_default_alias, unknown_provider, unused_credential,
};
pub(crate) use values::{
    UnknownValue, UnknownWord, WrongType, duplicate_entry, invalid_duration, missing_field,
    out_of_range, table_not_found, unknown_backend_kind, unknown_credential_kind, unknown_field,
    unknown_hosting, unknown_key_output, unknown_op, unknown_policy, unknown_transport,
    unknown_value, with_removal, wrong_type,
};

/// The diagnostics of one pass, in the order the rules found them (reports sort by position).
#[derive(Debug, Default)]
pub(crate) struct Sink {
    diags: Vec<Diagnostic>,
}

impl Sink {
    /// Records one finding.
    pub(crate) fn push(&mut self, diag: Diagnostic) {
        self.diags.push(diag);
    }

    /// Ends the pass: everything it found.
    #[must_use]
    pub(crate) fn finish(self) -> Vec<Diagnostic> {
        self.diags
    }
}

// The fixes the constructors attach and the knock-on warnings `check` drops, through `check`.
#[cfg(test)]
#[path = "fix_tests.rs"]
mod fix_tests;
