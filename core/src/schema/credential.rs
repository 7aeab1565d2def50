//! `[[llm.credentials]]`: each credential's keys read, its names checked, and the keys its kind
//! requires or forbids (`path` for `file`; `command`, `ttl`, `output` for `command`; `secret` for
//! `env`; `service`, `account` for `keyring`).

use toml::de::DeTable;

use super::{CREDENTIAL_KINDS, KEY_OUTPUTS, check_entry_name, check_secret_name};
use crate::diagnostic::Span;
use crate::diags;
use crate::keys;
use crate::model::{Credential, Spanned};
use crate::parse::looks_like_key;
use crate::read::{Fields, Reader};
use crate::vocab::{self, CredentialKind};

/// The kind as read: its value (`env` when not written or unknown), where it was written, and
/// whether it was unknown (reported once; the kind-specific checks would only guess).
#[derive(Clone, Copy, Debug)]
struct Kind {
    value: CredentialKind,
    span: Option<Span>,
    unknown: bool,
}

pub(super) fn read_credential(
    r: &mut Reader,
    table: &DeTable<'_>,
    span: Span,
) -> Option<Credential> {
    let mut f = Fields::new(&keys::CREDENTIAL, table);
    let name = f.string(r, "name");
    let kind = match f.string(r, "kind") {
        Some(s) => {
            let word = r.word(&s, CREDENTIAL_KINDS);
            Kind {
                value: word.unwrap_or_default(),
                span: Some(s.span),
                unknown: word.is_none(),
            }
        }
        None => Kind {
            value: CredentialKind::Env,
            span: None,
            unknown: false,
        },
    };
    // Written at all, even with a value of the wrong type (reported on its own): the kind
    // then does not also miss it.
    let env_written = f.written("api_key_env").is_some();
    let api_key_env = f.string_or_strings(r, "api_key_env");
    let secret = f.string(r, "secret");
    let path = f.string(r, "path");
    let command = f.take("command").and_then(|value| {
        let argv = r.strings("command", value)?;
        let argv: Vec<String> = argv.into_iter().map(|a| a.value).collect();
        Some(Spanned::new(argv, value.span()))
    });
    let ttl = f.duration(r, "ttl");
    let output = f.word(r, "output", KEY_OUTPUTS);
    let service = f.string(r, "service");
    let account = f.string(r, "account");
    let place = format!("a `[[{}.credentials]]` entry", r.table);
    f.finalize(r, &place);
    let Some(name) = name else {
        r.push(diags::missing_field(
            span,
            "credential",
            "name",
            "\"openai\"",
        ));
        return None;
    };
    check_entry_name(r, "credential", &name);
    if let Some(vars) = &api_key_env {
        check_pool(r, &name.value, vars, kind);
    }
    if let Some(s) = &secret {
        check_secret_name(r, s);
    }
    let credential = Credential {
        span,
        name,
        kind: kind.value,
        // A key written as the variable's name never reaches the typed config (or generated
        // code).
        api_key_env: api_key_env
            .map(|vars| vars.value)
            .unwrap_or_default()
            .into_iter()
            .filter(|env| !looks_like_key(&env.value))
            .collect(),
        secret,
        path,
        command,
        ttl,
        output,
        service,
        account,
    };
    kind_rules(r, &credential, kind, env_written);
    Some(credential)
}

/// Checks `api_key_env`: each name, and, for a key pool, that it names something, each
/// variable once, on a credential whose key comes from env vars.
fn check_pool(r: &mut Reader, credential: &str, vars: &Spanned<Vec<Spanned<String>>>, kind: Kind) {
    if vars.value.is_empty() {
        r.push(diags::empty_key_pool(vars.span, credential));
        return;
    }
    // The first place of each name: a pool of thousands stays one pass, not a scan per entry.
    let mut first_at = std::collections::HashMap::with_capacity(vars.value.len());
    for var in &vars.value {
        check_env_name(r, var);
        let first = *first_at.entry(var.value.as_str()).or_insert(var.span);
        if first != var.span {
            let diag = diags::duplicate_pool_key(var.span, first, credential, &var.value);
            let removal = r.removal_of(var.span);
            r.push(diags::with_removal(diag, removal));
        }
    }
    if vars.value.len() > 1 && !kind.unknown && kind.value != CredentialKind::Env {
        r.push(diags::pool_on_kind(
            vars.span,
            (kind.value.as_str(), kind.span),
        ));
    }
}

/// Checks an env-var name (`api_key_env`): a name, not a key, and well formed.
fn check_env_name(r: &mut Reader, value: &Spanned<String>) {
    if looks_like_key(&value.value) {
        r.push(diags::api_key_env_holds_key(value.span));
    } else if !vocab::is_env_var_name(&value.value) {
        r.push(diags::invalid_env_name(value.span, &value.value));
    }
}

/// The keys the credential's kind requires and the ones it does not use, and the argv.
fn kind_rules(r: &mut Reader, c: &Credential, kind: Kind, env_written: bool) {
    let what = format!("credential `{}`", c.name.value);
    let missing = match kind.value {
        _ if kind.unknown => None,
        CredentialKind::Env if !env_written => Some(("api_key_env", "\"OPENAI_API_KEY\"")),
        CredentialKind::File if c.path.is_none() => {
            Some(("path", "\"/run/secrets/openai_api_key\""))
        }
        CredentialKind::Command if c.command.is_none() => {
            Some(("command", "[\"pass\", \"show\", \"llm/openai\"]"))
        }
        CredentialKind::Keyring if c.service.is_none() => Some(("service", "\"llmcfg\"")),
        _ => None,
    };
    if let Some((key, example)) = missing {
        r.push(diags::missing_field(c.span, &what, key, example));
    }
    if !kind.unknown && kind.value == CredentialKind::Keyring && c.account.is_none() {
        r.push(diags::missing_field(c.span, &what, "account", "\"openai\""));
    }
    let kind_word = (kind.value.as_str(), kind.span);
    let written = [
        (
            "path",
            CredentialKind::File,
            c.path.as_ref().map(|p| p.span),
        ),
        (
            "command",
            CredentialKind::Command,
            c.command.as_ref().map(|p| p.span),
        ),
        (
            "secret",
            CredentialKind::Env,
            c.secret.as_ref().map(|p| p.span),
        ),
        ("ttl", CredentialKind::Command, c.ttl.map(|t| t.span)),
        ("output", CredentialKind::Command, c.output.map(|o| o.span)),
        (
            "service",
            CredentialKind::Keyring,
            c.service.as_ref().map(|s| s.span),
        ),
        (
            "account",
            CredentialKind::Keyring,
            c.account.as_ref().map(|s| s.span),
        ),
    ];
    for (key, owner, at) in written {
        if let Some(at) = at.filter(|_| !kind.unknown && kind.value != owner) {
            r.push(diags::field_kind_mismatch(
                at,
                key,
                kind_word,
                owner.as_str(),
            ));
        }
    }
    if let Some(argv) = &c.command
        && (argv.value.is_empty() || argv.value.iter().any(String::is_empty))
    {
        r.push(diags::invalid_command(argv.span, &what));
    }
}

#[cfg(test)]
mod tests {
    use crate::vocab::KeyOutput;
    use crate::{Code, Options, check};
    use std::time::Duration;

    fn codes(credential: &str) -> Vec<Code> {
        let text = format!("[[llm.credentials]]\nname = \"c\"\n{credential}\n");
        check("t.toml", &text, &Options::default())
            .diagnostics
            .iter()
            .map(|d| d.code)
            .filter(|c| *c != Code::UnusedCredential)
            .collect()
    }

    #[test]
    fn command_ttl_and_output_and_keyring_entries_are_read() {
        let text = "[[llm.credentials]]\nname = \"v\"\nkind = \"command\"\ncommand = [\"vault\"]\n\
                    ttl = \"10m\"\noutput = \"json\"\n\
                    [[llm.credentials]]\nname = \"k\"\nkind = \"keyring\"\nservice = \"llmcfg\"\n\
                    account = \"openai\"\n";
        let report = check("t.toml", text, &Options::default());
        let c = &report.config.credentials;
        assert_eq!(c[0].ttl.map(|t| t.value), Some(Duration::from_secs(600)));
        assert_eq!(c[0].output.map(|o| o.value), Some(KeyOutput::Json));
        assert_eq!(c[1].service.as_ref().map(|s| s.as_str()), Some("llmcfg"));
        assert_eq!(c[1].account.as_ref().map(|s| s.as_str()), Some("openai"));
    }

    #[test]
    fn a_key_pool_is_read_in_order_and_checked() {
        let text = "[[llm.credentials]]\nname = \"p\"\napi_key_env = [\"KEY_A\", \"KEY_B\"]\n";
        let report = check("t.toml", text, &Options::default());
        let c = &report.config.credentials[0];
        let vars: Vec<&str> = c.api_key_env.iter().map(|v| v.as_str()).collect();
        assert_eq!(vars, ["KEY_A", "KEY_B"]);
        assert!(c.is_pool());
        assert_eq!(report.config.env_vars(), ["KEY_A", "KEY_B"]);

        assert_eq!(codes("api_key_env = []"), [Code::EmptyKeyPool]);
        assert_eq!(
            codes("api_key_env = [\"A\", \"B\", \"A\"]"),
            [Code::DuplicatePoolKey]
        );
        assert_eq!(
            codes("api_key_env = [\"A\", \"b-c\"]"),
            [Code::InvalidEnvName]
        );
        assert_eq!(
            codes("kind = \"file\"\npath = \"/k\"\napi_key_env = [\"A\", \"B\"]"),
            [Code::FieldKindMismatch]
        );
        // One variable in brackets is a plain credential, on any kind.
        assert_eq!(
            codes("kind = \"file\"\npath = \"/k\"\napi_key_env = [\"A\"]"),
            []
        );
        assert_eq!(codes("api_key_env = 3"), [Code::WrongType]);
    }

    #[test]
    fn a_duplicate_in_a_pool_points_at_both_names() {
        let text = "[[llm.credentials]]\nname = \"p\"\napi_key_env = [\"A\", \"A\"]\n";
        let report = check("t.toml", text, &Options::default());
        let d = report
            .diagnostics
            .iter()
            .find(|d| d.code == Code::DuplicatePoolKey)
            .expect("reported");
        assert_eq!(&text[d.span.range()], "\"A\"");
        assert!(d.span.start > d.related[0].span.start);
        assert!(d.help.contains("remove the second"), "{}", d.help);
        let fix = &d.suggestions[0].edits[0];
        let mut fixed = text.to_string();
        fixed.replace_range(fix.span.range(), &fix.replacement);
        assert!(fixed.contains("api_key_env = [\"A\"]\n"), "{fixed}");
    }

    #[test]
    fn each_kind_requires_its_keys_and_refuses_the_others() {
        assert_eq!(
            codes("kind = \"keyring\"\naccount = \"a\""),
            [Code::MissingField]
        );
        assert_eq!(
            codes("kind = \"keyring\"\nservice = \"s\""),
            [Code::MissingField]
        );
        assert_eq!(
            codes("api_key_env = \"K\"\nttl = \"1m\"\noutput = \"line\""),
            [Code::FieldKindMismatch, Code::FieldKindMismatch]
        );
        assert_eq!(
            codes("kind = \"command\"\ncommand = [\"x\"]\nservice = \"s\""),
            [Code::FieldKindMismatch]
        );
        assert_eq!(
            codes("kind = \"command\"\ncommand = [\"x\"]\noutput = \"yaml\""),
            [Code::UnknownKeyOutput]
        );
        assert_eq!(
            codes("kind = \"command\"\ncommand = [\"x\"]\nttl = \"0s\""),
            [Code::InvalidDuration]
        );
    }
}
