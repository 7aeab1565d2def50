//! Diagnostics across entries: names defined twice, references to names nobody defines,
//! credentials nobody references, and names that collide as generated constants.

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Span};
use crate::suggest;

use super::values::{Near, with_word_fix};

/// `duplicate-name`: a second `what` named `name`, the first at `first`.
pub(crate) fn duplicate_name(span: Span, first: Span, what: &str, name: &str) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateName,
        span,
        format!("duplicate {what} name `{name}`"),
    )
    .with_label("defined again here")
    .with_related(first, "first defined here")
    .with_help(format!(
        "rename or remove one of the two {what}s named `{name}`"
    ))
}

/// `unknown-credential-ref`: backend `backend` references `reference`; `near` is the
/// credential it most likely meant, `table` the llm table (for the declaration to add).
pub(crate) fn unknown_credential_ref(
    span: Span,
    backend: &str,
    reference: &str,
    near: Near<'_>,
    table: &str,
) -> Diagnostic {
    let help = match near.map(|(n, _)| n) {
        Some(near) => format!("did you mean `credential_ref = \"{near}\"`?"),
        None => format!(
            "declare it:\n\n[[{table}.credentials]]\nname = \"{reference}\"\napi_key_env = \"OPENAI_API_KEY\"\n\nor remove `credential_ref` for a no-auth backend"
        ),
    };
    let diag = Diagnostic::new(
        Code::UnknownCredentialRef,
        span,
        format!("backend `{backend}` references unknown credential `{reference}`"),
    )
    .with_label(format!("no credential named `{reference}`"))
    .with_help(help);
    with_word_fix(diag, span, near)
}

/// `unused-credential`.
pub(crate) fn unused_credential(span: Span, name: &str) -> Diagnostic {
    Diagnostic::new(
        Code::UnusedCredential,
        span,
        format!("credential `{name}` is not used by any backend"),
    )
    .with_label("never referenced")
    .with_help(format!(
        "reference it from a backend with `credential_ref = \"{name}\"`, or remove it"
    ))
}

/// `unknown-backend-ref`: alias `alias` is pinned to `pin`; `near` is the backend it most
/// likely meant.
pub(crate) fn unknown_backend_ref(
    span: Span,
    alias: &str,
    pin: &str,
    near: Near<'_>,
) -> Diagnostic {
    let help = match near.map(|(n, _)| n) {
        Some(near) => format!("did you mean `backend = \"{near}\"`?"),
        None => "name a `[[…backends]]` entry, or remove `backend` to let the runtime choose"
            .to_string(),
    };
    let diag = Diagnostic::new(
        Code::UnknownBackendRef,
        span,
        format!("alias `{alias}` is pinned to unknown backend `{pin}`"),
    )
    .with_label(format!("no backend named `{pin}`"))
    .with_help(help);
    with_word_fix(diag, span, near)
}

/// `unknown-default-alias`: `default_alias = "name"`; `aliases` are the defined ones, `near`
/// the one it most likely meant, `table` the llm table.
pub(crate) fn unknown_default_alias(
    span: Span,
    name: &str,
    (near, aliases): (Near<'_>, &[&str]),
    table: &str,
) -> Diagnostic {
    let help = match near.map(|(n, _)| n) {
        Some(near) => format!("did you mean `default_alias = \"{near}\"`?"),
        None if aliases.is_empty() => format!(
            "define it under `[{table}.aliases]`, e.g. `{name} = {{ model = \"openai/gpt-5-nano\" }}`, or remove `default_alias`"
        ),
        None => format!("use one of {}", suggest::one_of(aliases.iter().copied())),
    };
    let diag = Diagnostic::new(
        Code::UnknownDefaultAlias,
        span,
        format!("`default_alias` names unknown alias `{name}`"),
    )
    .with_label(format!("no alias named `{name}`"))
    .with_help(help);
    with_word_fix(diag, span, near)
}

/// `unknown-provider`: alias `alias` names `provider/model`; `near` is the built-in
/// provider it most likely meant.
pub(crate) fn unknown_provider(
    span: Span,
    alias: &str,
    (provider, model): (&str, &str),
    near: Near<'_>,
) -> Diagnostic {
    let hint = near.map_or_else(String::new, |(p, _)| {
        format!("did you mean `{p}/{model}`? otherwise ")
    });
    let fixed = near.map(|(p, sure)| (format!("{p}/{model}"), sure));
    let diag = Diagnostic::new(
        Code::UnknownProvider,
        span,
        format!("alias `{alias}` names unknown provider `{provider}` and no backend serves it"),
    )
    .with_label(format!("`{provider}` is not a built-in provider"))
    .with_help(format!(
        "{hint}pin the alias to a configured backend with `backend = \"…\"`, or bind a backend with `model = \"{provider}/{model}\"`"
    ));
    match &fixed {
        Some((text, sure)) => with_word_fix(diag, span, Some((text, *sure))),
        None => diag,
    }
}

/// `op-unserved`: alias `alias` lists `op`, which none of its backends serves.
pub(crate) fn op_unserved(span: Span, alias: &str, op: &str) -> Diagnostic {
    Diagnostic::new(
        Code::OpUnserved,
        span,
        format!("alias `{alias}` is used for `{op}` but none of its backends serves it"),
    )
    .with_label("no backend of this alias serves this op")
    .with_help(format!(
        "pin the alias to a backend that lists `\"{op}\"` in `ops`, or add the op to one of its backends"
    ))
}

/// Two names that become one generated constant.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Collision<'a> {
    /// The generated module (`aliases`, `backends`, `credentials`, `env`).
    pub(crate) module: &'a str,
    /// The constant both become.
    pub(crate) constant: &'a str,
    /// The name seen first, and where.
    pub(crate) first: (&'a str, Span),
}

/// `constant-collision`: `name` becomes the same constant as an earlier name.
pub(crate) fn constant_collision(span: Span, name: &str, c: Collision<'_>) -> Diagnostic {
    let (module, constant, (first, first_span)) = (c.module, c.constant, c.first);
    Diagnostic::new(
        Code::ConstantCollision,
        span,
        format!("`{name}` and `{first}` both become the constant `{module}::{constant}`"),
    )
    .with_label(format!("becomes `{module}::{constant}`"))
    .with_related(
        first_span,
        format!("`{first}` becomes `{module}::{constant}` too"),
    )
    .with_help(format!(
        "rename `{name}` so it differs from `{first}` in more than case and punctuation"
    ))
}
