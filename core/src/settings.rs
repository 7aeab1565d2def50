//! The call settings (`timeout`, `max_retries`, `backoff`, …), declared once.
//!
//! [`call_settings!`](crate::call_settings) hands the one list below to a macro of the caller's,
//! which writes from it what that consumer needs: the keys of the file's declaration
//! (`keys/tables.rs`, hence the JSON Schema and `docs/keys.md`), the spanned fields the reader
//! fills (`model::CallSettings`), the lowered layer (`lower::CallLayer`) and the code the macro
//! emits for it, and in the runtime the executor's `CallOverrides` and `Config::load`'s
//! conversion, and the CLI's `resolve` rows. A setting added to the list reaches all of them;
//! what is left by hand is its effect (the runtime's `CallPolicy`, which gives it a meaning and a
//! built-in default) and the docs (`LLMCFG_BLESS=1 cargo test -p llmcfg-core docs_keys`).
//!
//! Each entry is `field: kind = default, "doc"`, then `(table.key)` when the key sits in a
//! sub-table (`backoff.initial`) rather than directly in the layer:
//!
//! - `field` names the setting in every struct, and is its key in the file unless `(table.key)`
//!   says otherwise;
//! - `kind` is one of `duration` (`"30s"`), `count` (an integer `0..=u32::MAX`) or `classes`
//!   (a list of retry classes), and picks each consumer's type and conversion;
//! - `default` is the built-in value as the file would write it, shown by `[llm.calls]`'s
//!   declaration (the runtime's `CallPolicy::DEFAULT` is held to it by
//!   `built_in_defaults_are_the_declared_ones` in `runtime/src/call/policy.rs`);
//! - `"doc"` is the key's documentation, as the JSON Schema and the docs show it.
//!
//! Which layers take which setting (only `[llm.calls]` takes `retry_on`) is the tables'
//! business: `keys/tables.rs` lists them. A key of a sub-table is read by that table's reader
//! (`read_backoff` in `schema/calls.rs`); every other key by the reader of its kind. A new kind
//! is one arm in each consumer's kind macro, and the compiler names each consumer lacking it.

/// Calls `$callback! { … }` with every call setting; see [the module](crate::settings).
#[doc(hidden)]
#[macro_export]
macro_rules! call_settings {
    ($callback:ident) => {
        $callback! {
            timeout: duration = "30s",
                "One attempt, from connect to last byte (a stream: until it is opened).";
            connect_timeout: duration = "5s",
                "The wait for the connection, handed to the client of each attempt.";
            deadline: duration = "90s",
                "The whole call: retries, failover and fallbacks together; no attempt starts after it.";
            first_chunk_timeout: duration = "10s",
                "Streaming: the wait for the first chunk; failover happens only before it.";
            idle_timeout: duration = "30s",
                "Streaming: the longest gap between two chunks.";
            max_retries: count = 2,
                "Retries per backend, on the failures `retry_on` lists, before failing over.";
            retry_on: classes = ["rate_limit", "server_error", "timeout", "connect"],
                "The failures retried on the same backend; auth and bad-request failures never are.";
            backoff_initial: duration = "250ms",
                "The ceiling of the first wait." (backoff.initial);
            backoff_max: duration = "10s",
                "The largest ceiling." (backoff.max);
            allowed_fails: count = 3,
                "Consecutive failures before a backend cools down; 0 turns the breaker off.";
            cooldown: duration = "30s",
                "How long a backend is skipped after `allowed_fails` failures, before one probe.";
        }
    };
}

/// A setting's key as `resolve` and the docs name it: `timeout`, `backoff.initial`.
#[doc(hidden)]
#[macro_export]
macro_rules! call_setting_path {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident ($table:ident . $key:ident)) => {
        concat!(stringify!($table), ".", stringify!($key))
    };
}

/// The names of every call setting, in declaration order, as [`call_setting_path!`] writes
/// them.
pub const CALL_SETTING_PATHS: &[&str] = {
    macro_rules! paths {
        ($($field:ident: $kind:ident = $default:expr, $doc:literal $(($table:ident . $key:ident))?;)*) => {
            &[$($crate::call_setting_path!($field $(($table . $key))?)),*]
        };
    }
    crate::call_settings!(paths)
};

#[cfg(test)]
mod tests {
    use super::CALL_SETTING_PATHS;

    #[test]
    fn paths_name_sub_table_keys_with_their_table() {
        assert_eq!(CALL_SETTING_PATHS.first(), Some(&"timeout"));
        assert!(CALL_SETTING_PATHS.contains(&"backoff.initial"));
        assert!(CALL_SETTING_PATHS.contains(&"backoff.max"));
        assert_eq!(CALL_SETTING_PATHS.len(), 11);
    }
}
