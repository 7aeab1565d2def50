//! `[llm.aliases]`: each alias, an inline table or the `"provider/model"` shorthand, its name
//! and model checked, its fallbacks and call settings read (checked against the other aliases
//! in [`crate::validate`]).

use toml::de::DeValue;

use super::{OPS, calls, check_secret_name};
use crate::diags::{self, WrongType};
use crate::keys;
use crate::model::{Alias, CallSettings, Spanned};
use crate::parse::RawValue;
use crate::read::{Fields, Reader, span_of};
use crate::vocab::{self, Op};

/// The keys of one alias as read.
#[derive(Debug, Default)]
struct Read {
    model: Option<Spanned<String>>,
    secret: Option<Spanned<String>>,
    backend: Option<Spanned<String>>,
    ops: Vec<Spanned<Op>>,
    fallbacks: Vec<Spanned<String>>,
    calls: CallSettings,
}

/// `[llm.aliases]`: each alias (an inline table or the `"provider/model"` shorthand), its name
/// and model checked.
pub(super) fn read_aliases(r: &mut Reader, value: &RawValue<'_>, out: &mut Vec<Alias>) {
    let Some(table) = value.get_ref().as_table() else {
        let what = WrongType::Aliases {
            found: value.get_ref().type_str(),
            table: &r.table,
        };
        let diag = diags::wrong_type(span_of(value), what);
        r.push(diag);
        return;
    };
    for (key, value) in crate::parse::entries(table) {
        let name = Spanned::new(key.get_ref().to_string(), key.span());
        if !vocab::is_alias_name(&name.value) {
            r.push(diags::invalid_alias_name(name.span, &name.value));
        }
        if let Some(alias) = read_alias(r, name, value) {
            out.push(alias);
        }
    }
}

/// One alias; `None` when it has no readable model (reported).
fn read_alias(r: &mut Reader, name: Spanned<String>, value: &RawValue<'_>) -> Option<Alias> {
    let span = name.span.to(span_of(value));
    let read = match value.get_ref() {
        // `fast = "openai/gpt-5-nano"` is shorthand for `fast = { model = "…" }`.
        DeValue::String(_) => Read {
            model: r.string("model", value),
            ..Read::default()
        },
        DeValue::Table(fields) => {
            let mut f = Fields::new(&keys::ALIAS, fields);
            let read = Read {
                model: f.string(r, "model"),
                secret: f.string(r, "secret"),
                backend: f.string(r, "backend"),
                ops: f.words(r, "ops", OPS).unwrap_or_default(),
                fallbacks: f.strings(r, "fallbacks").unwrap_or_default(),
                calls: calls::read_settings(r, &mut f),
            };
            f.finalize(r, &format!("alias `{}`", name.value));
            read
        }
        other => {
            let what = WrongType::Alias {
                name: &name.value,
                found: other.type_str(),
            };
            r.push(diags::wrong_type(span_of(value), what));
            return None;
        }
    };
    if let Some(s) = &read.secret {
        check_secret_name(r, s);
    }
    let Some(model) = read.model else {
        if value.get_ref().is_table() {
            let what = format!("alias `{}`", name.value);
            let example = "\"openai/gpt-5-nano\"";
            r.push(diags::missing_field(
                span_of(value),
                &what,
                "model",
                example,
            ));
        }
        return None;
    };
    let valid = model
        .value
        .split_once('/')
        .is_some_and(|(p, m)| !p.trim().is_empty() && !m.trim().is_empty());
    if !valid {
        r.push(diags::invalid_model(model.span, &name.value, &model.value));
    }
    Some(Alias {
        span,
        name,
        model,
        secret: read.secret,
        backend: read.backend,
        ops: read.ops,
        fallbacks: read.fallbacks,
        calls: read.calls,
    })
}
