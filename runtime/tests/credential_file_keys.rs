//! Issue 15's file keys reach the key lookup: a command credential's `ttl` and `output`, and
//! `kind = "keyring"` with its `service` and `account`, from the file through the resolver.
//! Times come from a [`ManualKeyClock`], so no test waits for a TTL.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use llmcfg::source::{ManualKeyClock, SourceError};
use llmcfg::{
    Config, KeySource, Reason, ResolveError, Resolver, SecretMap, SecretSource, SecretSourceError,
    SecretString, StoreSecrets,
};

/// Counts its runs in `$0` and prints `sk-run-<n>`.
const LINE: &str = r#"echo run >> "$0"; echo "sk-run-$(wc -l < "$0" | tr -d " ")""#;
/// Counts its runs in `$0` and prints a JSON answer expiring at the time in the file `$1`.
const JSON: &str = r#"echo run >> "$0"; printf '{"api_key": "sk-json-%s", "expires_at": "%s"}' "$(wc -l < "$0" | tr -d " ")" "$(cat "$1")""#;

/// 2023-11-14T22:13:20Z.
fn wall() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

/// A config whose one credential is `credential` (TOML lines), serving alias `fast`.
fn config(credential: &str) -> &'static Config {
    let toml = format!(
        "[[llm.credentials]]\nname = \"vault\"\n{credential}\n\n\
         [[llm.backends]]\nname = \"main\"\nkind = \"openai_chat_completion\"\n\
         base_url = \"https://api.openai.com/v1\"\ncredential_ref = \"vault\"\n\
         model = \"openai/gpt-5-nano\"\nops = [\"chat_completions\"]\n\n\
         [llm.aliases]\nfast = \"openai/gpt-5-nano\"\n"
    );
    match Config::from_toml_str(&toml) {
        Ok(c) => Box::leak(Box::new(c)),
        Err(e) => panic!("test config invalid: {e}\n{toml}"),
    }
}

fn resolver(config: &'static Config, secrets: impl SecretSource + 'static) -> Resolver<'static> {
    Resolver::builder(config)
        .env(BTreeMap::<String, String>::new())
        .secrets(secrets)
        .build()
        .expect("resolver")
}

fn key(resolver: &Resolver<'_>) -> String {
    let r = resolver.resolve("fast").expect("resolves");
    r.api_key().expect("a key").expose_secret().to_owned()
}

fn quoted(argv: &[String]) -> String {
    argv.iter()
        .map(|a| format!("{a:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn the_files_ttl_decides_how_long_a_command_key_is_reused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let runs = dir.path().join("runs").display().to_string();
    let argv = ["sh".to_string(), "-c".into(), LINE.into(), runs.clone()];
    let cfg = config(&format!(
        "kind = \"command\"\ncommand = [{}]\nttl = \"30s\"",
        quoted(&argv)
    ));
    assert_eq!(cfg.credentials()[0].ttl(), Some(Duration::from_secs(30)));
    let clock = ManualKeyClock::at(wall());
    let store = StoreSecrets::at(dir.path().join("store")).key_clock(clock.clone());
    let resolver = resolver(cfg, store);
    assert_eq!(key(&resolver), "sk-run-1");
    clock.advance(Duration::from_secs(29));
    assert_eq!(key(&resolver), "sk-run-1", "within the file's 30 s");
    clock.advance(Duration::from_secs(1));
    assert_eq!(
        key(&resolver),
        "sk-run-2",
        "the file's TTL, not the 5 min default"
    );
    let count = std::fs::read_to_string(&runs)
        .expect("runs")
        .lines()
        .count();
    assert_eq!(count, 2);
}

#[test]
fn output_json_in_the_file_reads_the_key_and_its_expiry() {
    let dir = tempfile::tempdir().expect("tempdir");
    let runs = dir.path().join("runs").display().to_string();
    let expiry = dir.path().join("expiry");
    // Ten minutes after the clock's start.
    std::fs::write(&expiry, "2023-11-14T22:23:20Z").expect("expiry");
    let argv = [
        "sh".to_string(),
        "-c".into(),
        JSON.into(),
        runs,
        expiry.display().to_string(),
    ];
    let cfg = config(&format!(
        "kind = \"command\"\ncommand = [{}]\noutput = \"json\"",
        quoted(&argv)
    ));
    let clock = ManualKeyClock::at(wall());
    let store = StoreSecrets::at(dir.path().join("store")).key_clock(clock.clone());
    let resolver = resolver(cfg, store);
    assert_eq!(key(&resolver), "sk-json-1");
    // The expiry less the margin (60 s), not the default TTL (5 min), decides.
    clock.advance(Duration::from_secs(539));
    assert_eq!(key(&resolver), "sk-json-1");
    clock.advance(Duration::from_secs(1));
    assert_eq!(key(&resolver), "sk-json-2");
}

/// A source whose OS keyring holds one entry.
struct Keyring;

impl SecretSource for Keyring {
    fn secret(&self, _: &str) -> Result<Option<SecretMap>, SecretSourceError> {
        Ok(None)
    }
    fn read_keyring(&self, service: &str, account: &str) -> Result<SecretString, SourceError> {
        if (service, account) == ("llmcfg", "openai") {
            Ok(SecretString::from("sk-keyring-canary"))
        } else {
            llmcfg::source::read_keyring("llmcfg-no-such-service-for-tests", account)
        }
    }
}

#[test]
fn kind_keyring_reads_the_entry_the_file_names() {
    let cfg = config("kind = \"keyring\"\nservice = \"llmcfg\"\naccount = \"openai\"");
    let c = &cfg.credentials()[0];
    assert_eq!((c.service(), c.account()), (Some("llmcfg"), Some("openai")));
    let resolver = resolver(cfg, Keyring);
    let r = resolver.resolve("fast").expect("resolves");
    assert_eq!(
        r.key_source(),
        Some(KeySource::Keyring {
            service: "llmcfg",
            account: "openai"
        })
    );
    assert_eq!(
        r.key_source().map(|s| s.to_string()).as_deref(),
        Some("keyring service `llmcfg` account `openai`")
    );
    assert_eq!(key(&resolver), "sk-keyring-canary");
    assert!(!format!("{r:?}").contains("sk-keyring-canary"));

    // An entry the store lacks: a reason naming the entry, never a value.
    let other = config("kind = \"keyring\"\nservice = \"llmcfg\"\naccount = \"anthropic\"");
    let err = resolver_err(other);
    let text = err.to_string();
    assert!(text.contains("account `anthropic`"), "{text}");
    assert!(!text.contains("sk-keyring"), "{text}");
}

fn resolver_err(cfg: &'static Config) -> ResolveError {
    let resolver = resolver(cfg, Keyring);
    let err = resolver.resolve("fast").expect_err("no key");
    let ResolveError::NoBackend { filtered, .. } = &err else {
        panic!("{err:?}");
    };
    assert!(
        filtered
            .iter()
            .any(|f| matches!(f.reason, Reason::KeyringFailed { .. })),
        "{err:?}"
    );
    err
}
