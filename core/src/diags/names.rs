//! Diagnostics about what a single entry writes: its names (entries, aliases, env vars,
//! secrets, models), its credential keys, and secrets written where a name belongs.

use crate::code::Code;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Span};
use crate::legacy;

use super::values::with_word_fix;

/// `plaintext-secret`: `key` holds a secret (masked at `value` in every snippet).
pub(crate) fn plaintext_secret(span: Span, value: Span, key: &str, table: &str) -> Diagnostic {
    Diagnostic::new(
        Code::PlaintextSecret,
        span,
        format!("`{key}` holds a secret in plain text"),
    )
    .with_secret(value)
    .with_label("a key, token or password written into the file")
    .with_help(format!(
        "remove the value and rotate it; name the env var that holds it instead:\n\n\
         [[{table}.credentials]]\nname = \"openai\"\napi_key_env = \"OPENAI_API_KEY\"\n\n\
         then `export OPENAI_API_KEY=…` or `cargo llmcfg secrets set NAME --OPENAI_API_KEY=…`"
    ))
}

/// `api-key-env-holds-key`: the value at `span` is a key, not a variable's name.
pub(crate) fn api_key_env_holds_key(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::ApiKeyEnvHoldsKey,
        span,
        "`api_key_env` holds what looks like an API key",
    )
    .with_secret(span)
    .with_label("this should be the NAME of an env var")
    .with_help(
        "remove the key from the file and rotate it; write the variable's name instead, e.g. `api_key_env = \"OPENAI_API_KEY\"`",
    )
}

/// `legacy-api-key-env`: `who` (`backend \`x\``) names `env` itself; `existing` is a credential
/// that already reads it (and where it is named), `proposed` the name a new one would get.
pub(crate) fn legacy_api_key_env(
    span: Span,
    who: &str,
    table: &str,
    env: &str,
    (existing, proposed): (Option<(&str, Span)>, &str),
) -> Diagnostic {
    let diag = Diagnostic::new(
        Code::LegacyApiKeyEnv,
        span,
        format!("{who} uses the legacy `api_key_env` field"),
    )
    .with_label("backends reference a credential with `credential_ref` instead")
    .with_help(legacy::help(
        table,
        env,
        existing.map(|(name, _)| name),
        proposed,
    ));
    match existing {
        // The credential to reference: also how `check` knows an `unused-credential` warning
        // for it is a knock-on of this error.
        Some((name, at)) => diag.with_related(at, format!("credential `{name}` reads `{env}`")),
        None => diag,
    }
}

/// `diag` (a `legacy-api-key-env`) with its fix, when the edits could be made.
pub(crate) fn with_legacy_fix(diag: Diagnostic, edits: Option<Vec<Edit>>) -> Diagnostic {
    match edits {
        Some(edits) => diag.with_edits(
            "reference a credential with `credential_ref` instead",
            edits,
            Applicability::MachineApplicable,
        ),
        None => diag,
    }
}

/// `invalid-env-name`: `name` is not `[A-Za-z_][A-Za-z0-9_]*`; the help proposes it fixed.
pub(crate) fn invalid_env_name(span: Span, name: &str) -> Diagnostic {
    let (message, fixed) = if name.is_empty() {
        (
            "`api_key_env` is empty".to_string(),
            "OPENAI_API_KEY".to_string(),
        )
    } else {
        (
            format!("`{name}` is not a valid env-var name"),
            env_name_for(name),
        )
    };
    // The name made valid is a guess at the variable meant; for an empty one, an example.
    let sure = if name.is_empty() {
        Applicability::HasPlaceholders
    } else {
        Applicability::MaybeIncorrect
    };
    let diag = Diagnostic::new(Code::InvalidEnvName, span, message)
        .with_label("expected `[A-Za-z_][A-Za-z0-9_]*`")
        .with_help(format!(
            "name the variable with letters, digits and `_`, not starting with a digit, e.g. `\"{fixed}\"`"
        ));
    with_word_fix(diag, span, Some((&fixed, sure)))
}

/// `name` uppercased, other characters as `_`, never starting with a digit.
fn env_name_for(name: &str) -> String {
    let fixed: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if fixed.starts_with(|c: char| c.is_ascii_digit()) || fixed.is_empty() {
        format!("_{fixed}")
    } else {
        fixed
    }
}

/// `invalid-secret-name`.
pub(crate) fn invalid_secret_name(span: Span, name: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidSecretName,
        span,
        format!("`{name}` is not a valid secret name"),
    )
    .with_label("expected 1–128 of `[A-Za-z0-9_.-]`, not starting with `.`")
    .with_help(
        "name the secret with letters, digits, `_`, `.` and `-`, e.g. `secret = \"openai-creds\"`",
    )
}

/// `invalid-name`: the `name` of a `what` (`credential`, `backend`).
pub(crate) fn invalid_name(span: Span, what: &str, name: &str) -> Diagnostic {
    let message = if name.is_empty() {
        format!("{what} name is empty")
    } else {
        format!("invalid {what} name `{name}`")
    };
    Diagnostic::new(Code::InvalidName, span, message)
        .with_label(
            "expected letters, digits, `_`, `-`, `.` or `/`, starting with a letter or digit",
        )
        .with_help(format!("rename the {what}, e.g. `name = \"openai-chat\"`"))
}

/// `invalid-alias-name`.
pub(crate) fn invalid_alias_name(span: Span, name: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidAliasName,
        span,
        format!("invalid alias name `{name}`"),
    )
    .with_label("expected `[a-z0-9][a-z0-9_-]*`")
    .with_help(format!(
        "use lowercase letters, digits, `_` and `-`, e.g. `{}`",
        alias_name_for(name)
    ))
}

/// A valid alias name close to `name`, for help texts: lowercase, other characters as `-`,
/// leading separators dropped (`Fast` → `fast`, `gpt.4o` → `gpt-4o`, `-x` → `x`).
fn alias_name_for(name: &str) -> String {
    let lower: String = name
        .trim()
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '_' | '-') => c,
            _ => '-',
        })
        .collect();
    let trimmed = lower.trim_start_matches(['-', '_']);
    if trimmed.is_empty() {
        "fast".to_string()
    } else {
        trimmed.to_string()
    }
}

/// `invalid-model`: alias `alias` names `model`, which is not `provider/model`.
pub(crate) fn invalid_model(span: Span, alias: &str, model: &str) -> Diagnostic {
    // The provider is guessed from the model's family: never certain; a missing model is left
    // as a placeholder.
    let (guess, sure) = match model.split_once('/') {
        Some((p, _)) if !p.is_empty() => (format!("{p}/<model>"), Applicability::HasPlaceholders),
        Some((_, m)) if !m.is_empty() => (
            format!("{}/{m}", guess_provider(m)),
            Applicability::MaybeIncorrect,
        ),
        Some(_) => (
            "openai/gpt-5-nano".to_string(),
            Applicability::HasPlaceholders,
        ),
        None => (
            format!("{}/{model}", guess_provider(model)),
            Applicability::MaybeIncorrect,
        ),
    };
    let diag = Diagnostic::new(
        Code::InvalidModel,
        span,
        format!("alias `{alias}`: `{model}` is not `provider/model`"),
    )
    .with_label("expected `provider/model`")
    .with_help(format!(
        "name the provider and the model, e.g. `model = \"{guess}\"`"
    ));
    with_word_fix(diag, span, Some((&guess, sure)))
}

/// The provider a bare model name most likely belongs to, for help texts only.
fn guess_provider(model: &str) -> &'static str {
    const FAMILIES: &[(&str, &str)] = &[
        ("claude", "anthropic"),
        ("gemini", "gemini"),
        ("mistral", "mistral"),
        ("mixtral", "mistral"),
        ("codestral", "mistral"),
        ("grok", "xai"),
        ("deepseek", "deepseek"),
        ("llama", "ollama"),
        ("qwen", "ollama"),
    ];
    let lower = model.to_ascii_lowercase();
    FAMILIES
        .iter()
        .find(|(family, _)| lower.starts_with(family))
        .map_or("openai", |(_, provider)| provider)
}

/// `invalid-command`: the argv of `what` is empty or has an empty string.
pub(crate) fn invalid_command(span: Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidCommand,
        span,
        format!("the command of {what} has an empty program or argument"),
    )
    .with_label("empty argv or empty string")
    .with_help("write the argv of the program that prints the key, e.g. `command = [\"pass\", \"show\", \"llm/openai\"]`")
}

/// `field-kind-mismatch`: `key` belongs to `kind = "owner"`, the credential is of `kind`
/// (written at `kind_span`, if it was).
pub(crate) fn field_kind_mismatch(
    span: Span,
    key: &str,
    (kind, kind_span): (&str, Option<Span>),
    owner: &str,
) -> Diagnostic {
    let diag = Diagnostic::new(
        Code::FieldKindMismatch,
        span,
        format!("`{key}` does not apply to a credential of kind `{kind}`"),
    )
    .with_label(format!("only used by `kind = \"{owner}\"`"))
    .with_help(format!("set `kind = \"{owner}\"` or remove `{key}`"));
    match kind_span {
        Some(at) => diag.with_related(at, format!("the kind is `{kind}` here")),
        None => diag,
    }
}

/// `empty-key-pool`: `api_key_env = []`.
pub(crate) fn empty_key_pool(span: Span, credential: &str) -> Diagnostic {
    Diagnostic::new(
        Code::EmptyKeyPool,
        span,
        format!("credential `{credential}` names no variable in `api_key_env`"),
    )
    .with_label("an empty key pool")
    .with_help(
        "name the variable holding the key, `api_key_env = \"OPENAI_API_KEY\"`, or several for a pool, \
         `api_key_env = [\"OPENAI_KEY_A\", \"OPENAI_KEY_B\"]`",
    )
}

/// `duplicate-pool-key`: a variable named twice in one pool.
pub(crate) fn duplicate_pool_key(
    span: Span,
    first: Span,
    credential: &str,
    var: &str,
) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicatePoolKey,
        span,
        format!("credential `{credential}` names `{var}` twice in its key pool"),
    )
    .with_label("named again here")
    .with_related(first, "first named here")
    .with_help(format!(
        "remove the second `\"{var}\"`: each key of a pool is used in turn, once"
    ))
}

/// `field-kind-mismatch`: a key pool on a credential whose key does not come from env vars.
pub(crate) fn pool_on_kind(span: Span, (kind, kind_span): (&str, Option<Span>)) -> Diagnostic {
    let diag = Diagnostic::new(
        Code::FieldKindMismatch,
        span,
        format!("a key pool does not apply to a credential of kind `{kind}`"),
    )
    .with_label("several variables: a key pool, only used by `kind = \"env\"`")
    .with_help(format!(
        "name one variable (it overrides the {kind} when set), or set `kind = \"env\"` for a pool"
    ));
    match kind_span {
        Some(at) => diag.with_related(at, format!("the kind is `{kind}` here")),
        None => diag,
    }
}
