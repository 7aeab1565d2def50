//! `[llm.aliases]`: each alias (an inline table or the `"provider/model"` shorthand), its name
//! and model checked, with help texts that guess what was meant.

use toml::de::DeValue;

use super::{ALIAS_KEYS, OPS, check_secret_name, missing};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{Alias, Spanned};
use crate::parse::{RawValue, Reader};
use crate::vocab;

pub(super) fn read_aliases(r: &mut Reader, value: &RawValue<'_>, out: &mut Vec<Alias>) {
    let Some(table) = value.get_ref().as_table() else {
        r.push(
            Diagnostic::new(
                Code::WrongType,
                value.span(),
                format!(
                    "`aliases` must be a table, found {}",
                    value.get_ref().type_str()
                ),
            )
            .with_label("expected a table")
            .with_help(format!(
                "write `[{}.aliases]` followed by `fast = {{ model = \"openai/gpt-5-nano\" }}`",
                r.table
            )),
        );
        return;
    };
    for (key, value) in table.iter() {
        let name = Spanned::new(key.get_ref().to_string(), key.span());
        if !vocab::is_alias_name(&name.value) {
            let lower = alias_name_for(&name.value);
            r.push(
                Diagnostic::new(
                    Code::InvalidAliasName,
                    name.span.clone(),
                    format!("invalid alias name `{}`", name.value),
                )
                .with_label("expected `[a-z0-9][a-z0-9_-]*`")
                .with_help(format!(
                    "use lowercase letters, digits, `_` and `-`, e.g. `{lower}`"
                )),
            );
        }
        let span = key.span().start..value.span().end;
        let (mut model, mut secret, mut backend, mut ops) = (None, None, None, Vec::new());
        match value.get_ref() {
            // `fast = "openai/gpt-5-nano"` is shorthand for `fast = { model = "…" }`.
            DeValue::String(_) => model = r.string("model", value),
            DeValue::Table(fields) => {
                for (k, v) in fields.iter() {
                    match k.get_ref().as_ref() {
                        "model" => model = r.string("model", v),
                        "secret" => secret = r.string("secret", v),
                        "backend" => backend = r.string("backend", v),
                        "ops" => ops = r.words("ops", v, OPS).unwrap_or_default(),
                        _ => {
                            let place = format!("alias `{}`", name.value);
                            r.unknown_key(k, v, ALIAS_KEYS, &place);
                        }
                    }
                }
            }
            other => {
                r.push(
                    Diagnostic::new(
                        Code::WrongType,
                        value.span(),
                        format!(
                            "alias `{}` must be a table or a string, found {}",
                            name.value,
                            other.type_str()
                        ),
                    )
                    .with_label("expected `{ model = \"provider/model\" }`")
                    .with_help(format!(
                        "write `{} = {{ model = \"openai/gpt-5-nano\" }}`",
                        name.value
                    )),
                );
                continue;
            }
        }
        if let Some(s) = &secret {
            check_secret_name(r, s);
        }
        let Some(model) = model else {
            if value.get_ref().is_table() {
                missing(
                    r,
                    &value.span(),
                    &format!("alias `{}`", name.value),
                    "model",
                    "\"openai/gpt-5-nano\"",
                );
            }
            continue;
        };
        let valid = model
            .value
            .split_once('/')
            .is_some_and(|(p, m)| !p.trim().is_empty() && !m.trim().is_empty());
        if !valid {
            let guess = match model.value.split_once('/') {
                Some((p, _)) if !p.is_empty() => format!("{p}/<model>"),
                Some((_, m)) if !m.is_empty() => format!("{}/{m}", guess_provider(m)),
                Some(_) => "openai/gpt-5-nano".to_string(),
                None => format!("{}/{}", guess_provider(&model.value), model.value),
            };
            r.push(
                Diagnostic::new(
                    Code::InvalidModel,
                    model.span.clone(),
                    format!(
                        "alias `{}`: `{}` is not `provider/model`",
                        name.value, model.value
                    ),
                )
                .with_label("expected `provider/model`")
                .with_help(format!(
                    "name the provider and the model, e.g. `model = \"{guess}\"`"
                )),
            );
        }
        out.push(Alias {
            span,
            name,
            model,
            secret,
            backend,
            ops,
        });
    }
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
