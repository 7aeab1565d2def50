//! `[[llm.backends]]`: each backend's keys read, the legacy `api_key_env` reported with the
//! credential to write instead, and the defaults that depend on other keys (a stub's URL, the
//! kind's transports, hosting told from the URL).

use toml::de::DeTable;

use super::{BACKEND_KINDS, HOSTINGS, OPS, TRANSPORTS, calls, check_entry_name, headers};
use crate::diagnostic::Span;
use crate::diags;
use crate::keys;
use crate::legacy;
use crate::model::{Backend, CallSettings, Credential, Spanned};
use crate::parse::{RawKey, RawValue};
use crate::read::{Fields, Reader, span_of};
use crate::vocab::{self, BackendKind, Hosting, Op, Transport};

/// What was written about the keys whose absence has a rule of its own.
#[derive(Clone, Copy, Debug)]
struct Written {
    kind: bool,
    base_url: bool,
    /// `ops` absent or written as `[]`: nothing to serve, as opposed to a list of bad words.
    no_ops: bool,
    ops_span: Span,
}

/// The keys as read, before the defaults that depend on other keys.
#[derive(Debug)]
struct Read {
    name: Option<Spanned<String>>,
    kind: Option<Spanned<BackendKind>>,
    base_url: Option<Spanned<String>>,
    credential_ref: Option<Spanned<String>>,
    hosting: Option<Hosting>,
    model: Option<Spanned<String>>,
    ops: Vec<Spanned<Op>>,
    features: Vec<Spanned<String>>,
    transports: Option<Vec<Spanned<Transport>>>,
    weight: u32,
    priority: i32,
    auth_header: Option<Spanned<String>>,
    headers: Vec<(Spanned<String>, Spanned<String>)>,
    calls: CallSettings,
}

fn read_keys(r: &mut Reader, f: &mut Fields<'_, '_>) -> Read {
    let auth_header = headers::read_auth_header(r, f);
    let headers = headers::read_headers(r, f, auth_header.as_ref().map(Spanned::as_str));
    Read {
        name: f.string(r, "name"),
        kind: f.word(r, "kind", BACKEND_KINDS),
        base_url: f.string(r, "base_url"),
        credential_ref: f.string(r, "credential_ref"),
        hosting: f.word(r, "hosting", HOSTINGS).map(|h| h.value),
        model: f.string(r, "model"),
        ops: f.words(r, "ops", OPS).unwrap_or_default(),
        features: f.strings(r, "features").unwrap_or_default(),
        transports: f.words(r, "transports", TRANSPORTS),
        // In range: the reader checked the declared bounds.
        weight: f.integer_or_default(r, "weight") as u32,
        priority: f.integer_or_default(r, "priority") as i32,
        auth_header,
        headers,
        calls: calls::read_settings(r, f),
    }
}

/// What a backend's legacy `api_key_env` fix needs from the rest of the file.
#[derive(Debug)]
pub(super) struct Legacy<'c> {
    /// The credentials declared.
    pub(super) credentials: &'c [Credential],
    /// The start of the last credential table and of the first backend table, where a new
    /// credential table may go.
    places: (Option<usize>, Option<usize>),
    /// Where a new credential table goes, if it can go anywhere: found on first need, since
    /// finding it parses the file twice more (a config with no legacy backend never pays).
    insert_at: Option<Option<legacy::Insertion>>,
    /// `(env var, credential name)` proposed for earlier legacy backends of the file, so two
    /// backends reading one variable propose one credential and two variables never one name.
    proposed: Vec<(String, String)>,
}

impl<'c> Legacy<'c> {
    /// `last_credential` and `first_backend`: where the tables of each start, if any.
    pub(super) fn new(
        credentials: &'c [Credential],
        last_credential: Option<usize>,
        first_backend: Option<usize>,
    ) -> Self {
        Legacy {
            credentials,
            places: (last_credential, first_backend),
            insert_at: None,
            proposed: Vec::new(),
        }
    }

    fn insert_at(&mut self, r: &Reader) -> Option<legacy::Insertion> {
        let (last_credential, first_backend) = self.places;
        *self
            .insert_at
            .get_or_insert_with(|| super::credential_place(r, last_credential, first_backend))
    }

    /// The credential proposed for `env`, named as `migrate` names it.
    fn propose(&mut self, env: &str) -> String {
        if let Some((_, name)) = self.proposed.iter().find(|(e, _)| e == env) {
            return name.clone();
        }
        let taken = |n: &str| {
            self.credentials.iter().any(|c| c.name.value == n)
                || self.proposed.iter().any(|(_, p)| p == n)
        };
        let name = legacy::credential_name_for_env(env, taken);
        self.proposed.push((env.to_string(), name.clone()));
        name
    }
}

pub(super) fn read_backend(
    r: &mut Reader,
    table: &DeTable<'_>,
    span: Span,
    legacy: &mut Legacy<'_>,
) -> Option<Backend> {
    let mut f = Fields::new(&keys::BACKEND, table);
    let written = Written {
        kind: f.written("kind").is_some(),
        base_url: f.written("base_url").is_some(),
        no_ops: f
            .written("ops")
            .is_none_or(|v| v.get_ref().as_array().is_some_and(|a| a.is_empty())),
        ops_span: f.written("ops").map_or(span, span_of),
    };
    let mut read = read_keys(r, &mut f);
    let legacy_entry = f.take_entry("api_key_env");
    let place = format!("a `[[{}.backends]]` entry", r.table);
    f.finalize(r, &place);
    if let Some((key, value)) = legacy_entry {
        legacy_api_key_env(r, (key, value), &read, legacy);
    }
    let Some(name) = read.name.take() else {
        r.push(diags::missing_field(
            span,
            "backend",
            "name",
            "\"openai-chat\"",
        ));
        return None;
    };
    check_entry_name(r, "backend", &name);
    Some(complete(r, read, (name, span), written))
}

/// The backend with what was omitted reported or defaulted from the other keys.
fn complete(
    r: &mut Reader,
    read: Read,
    (name, span): (Spanned<String>, Span),
    written: Written,
) -> Backend {
    let what = format!("backend `{}`", name.value);
    let kind_known = read.kind.is_some();
    let kind = read.kind.unwrap_or_else(|| {
        if !written.kind {
            r.push(diags::missing_field(
                span,
                &what,
                "kind",
                "\"openai_chat_completion\"",
            ));
        }
        Spanned::new(BackendKind::Stub, span)
    });
    let base_url = read.base_url.unwrap_or_else(|| {
        // Only a stub may go without a URL; a backend that names no kind at all most likely
        // is not one, so both omissions are reported in one pass.
        let may_omit = kind.value == BackendKind::Stub && (kind_known || written.kind);
        if !may_omit && !written.base_url {
            let example = "\"https://api.openai.com/v1\"";
            r.push(diags::missing_field(span, &what, "base_url", example));
        }
        Spanned::new(String::new(), span)
    });
    if read.ops.is_empty() && written.no_ops {
        let known = kind_known.then_some(kind.value);
        r.push(diags::no_ops(written.ops_span, &what, known));
    }
    let transports = read
        .transports
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| {
            let kinds = kind.value.transports().iter();
            kinds.map(|t| Spanned::new(*t, kind.span)).collect()
        });
    let hosting = read
        .hosting
        .unwrap_or_else(|| match vocab::url_host(&base_url.value) {
            Some(host) if vocab::is_loopback_host(host) => Hosting::Local,
            _ => Hosting::Remote,
        });
    Backend {
        span,
        name,
        kind,
        kind_known,
        base_url,
        credential_ref: read.credential_ref,
        hosting,
        model: read.model,
        ops: read.ops,
        features: read.features,
        transports,
        weight: read.weight,
        priority: read.priority,
        auth_header: read.auth_header,
        headers: read.headers,
        calls: read.calls,
    }
}

/// The backend names its key's env var itself: propose the credential that reads it, or the
/// one to declare, with the edits that do it.
fn legacy_api_key_env(
    r: &mut Reader,
    (key, value): (&RawKey<'_>, &RawValue<'_>),
    read: &Read,
    legacy: &mut Legacy<'_>,
) {
    let written = value.get_ref().as_str();
    let env = written.unwrap_or("OPENAI_API_KEY");
    let reading = legacy
        .credentials
        .iter()
        .find(|c| matches!(c.api_key_env.as_slice(), [only] if only.value == env))
        .map(|c| (c.name.value.as_str(), c.name.span));
    let existing = reading.map(|(name, _)| name);
    let proposed = existing.map_or_else(|| legacy.propose(env), str::to_string);
    let who = read.name.as_ref().map_or_else(
        || "a backend".to_string(),
        |n| format!("backend `{}`", n.value),
    );
    let span = span_of(key).to(span_of(value));
    // A key written as the variable's name is not copied anywhere, not even into a fix.
    let fixable = written.is_some_and(|e| !crate::parse::holds_secret(e));
    // `Some(place)` when a credential must be declared; `place` is `None` where none can go.
    let declare = existing.is_none().then(|| legacy.insert_at(r));
    let edits = fixable
        .then(|| legacy_fix((&r.table, &r.text), span, (env, &proposed), declare, read))
        .flatten();
    let diag = diags::legacy_api_key_env(span, &who, &r.table, env, (reading, &proposed));
    r.push(diags::with_legacy_fix(diag, edits));
}

/// The edits of the fix: `credential_ref` in place of the line (or the line emptied when the
/// backend has one), and the credential's table when it must be declared.
fn legacy_fix(
    (table, text): (&str, &str),
    line: Span,
    (env, name): (&str, &str),
    declare: Option<Option<legacy::Insertion>>,
    read: &Read,
) -> Option<Vec<crate::diagnostic::Edit>> {
    let has_ref = read.credential_ref.is_some();
    let declare = match declare {
        Some(at) if !has_ref => Some(((name, env), at?)),
        _ => None,
    };
    let fix = legacy::Fix {
        // Only going away: the whole line, so no blank line or lone indent is left.
        line: if has_ref {
            legacy::removal(text, line)
        } else {
            line
        },
        reference: (!has_ref).then_some(name),
        declare,
    };
    legacy::fix_edits(table, fix)
}
