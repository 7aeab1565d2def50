//! The key lookup chain, `global_environment`, `get_secret` / `secret_environment`, and the
//! `LLMCFG_MODEL_REGISTRY` transport.

mod common;

use common::*;
use llmcfg::{
    Config, ExposeSecret, KeySource, Reason, ResolveError, Resolver, SecretError, Selection,
};

fn resolver<'c>(config: &'c Config, pairs: &[(&str, &str)], secrets: FakeSecrets) -> Resolver<'c> {
    Resolver::builder(config)
        .env(env(pairs))
        .secrets(secrets)
        .seed(3)
        .build()
        .expect("resolver")
}

fn one_backend(c: Cred) -> Config {
    Cfg::new()
        .cred(c)
        .back(openai("main").cred("main"))
        .alias(alias("fast", "openai/gpt-5-nano"))
        .build()
}

fn key_of(r: &Resolver<'_>) -> (String, String) {
    let resolved = r.resolve("fast").expect("resolves");
    let source = resolved.key_source().expect("has a key").to_string();
    let key = resolved.api_key().expect("key").expose_secret().to_string();
    (key, source)
}

#[test]
fn env_first_then_linked_secret() {
    let config = one_backend(cred("main", "MAIN_KEY").secret("main-creds"));
    let secrets = || FakeSecrets::new().secret("main-creds", &[("MAIN_KEY", "from-secret")]);
    let r = resolver(&config, &[("MAIN_KEY", "from-env")], secrets());
    assert_eq!(key_of(&r), ("from-env".into(), "env MAIN_KEY".into()));
    // Unset or blank → the secret.
    for pairs in [&[][..], &[("MAIN_KEY", "")][..], &[("MAIN_KEY", " ")][..]] {
        let r = resolver(&config, pairs, secrets());
        assert_eq!(
            key_of(&r),
            (
                "from-secret".into(),
                "secret `main-creds` key MAIN_KEY".into()
            )
        );
    }
}

#[test]
fn alias_secret_backs_builtin_endpoints_and_unlinked_credentials() {
    let config = Cfg::new()
        .cred(cred("main", "MAIN_KEY"))
        .back(openai("main").cred("main"))
        .alias(alias("fast", "openai/gpt-5-nano").secret("openai-creds"))
        .alias(alias("smart", "anthropic/claude").secret("anthropic-creds"))
        .build();
    let secrets = FakeSecrets::new()
        .secret("openai-creds", &[("MAIN_KEY", "s1")])
        .secret("anthropic-creds", &[("ANTHROPIC_API_KEY", "s2")]);
    let r = resolver(&config, &[], secrets);
    assert_eq!(key_of(&r).0, "s1");
    let smart = r.resolve("smart").expect("resolves");
    assert_eq!(
        smart.key_source(),
        Some(KeySource::Secret {
            secret: "anthropic-creds",
            key: "ANTHROPIC_API_KEY"
        })
    );
    assert_eq!(smart.api_key().map(|k| k.expose_secret()), Some("s2"));
}

#[test]
fn unset_everywhere_names_the_variable_and_both_fixes() {
    let config = Cfg::new()
        .alias(alias("fast", "openai/gpt-5-nano").secret("openai-creds"))
        .build();
    let r = resolver(&config, &[], FakeSecrets::new().secret("openai-creds", &[]));
    let msg = r.resolve("fast").expect_err("no key").to_string();
    assert!(msg.contains("OPENAI_API_KEY"), "{msg}");
    assert!(msg.contains("`export OPENAI_API_KEY=…`"), "{msg}");
    assert!(
        msg.contains("`cargo llmcfg secrets set openai-creds --OPENAI_API_KEY=…`"),
        "{msg}"
    );

    let config = Cfg::new().alias(alias("fast", "openai/gpt-5-nano")).build();
    let r = resolver(&config, &[], FakeSecrets::new());
    let err = r.resolve("fast").expect_err("no key");
    let msg = err.to_string();
    assert!(msg.contains("`export OPENAI_API_KEY=…`"), "{msg}");
    assert!(
        msg.contains("`cargo llmcfg secrets set openai-creds --OPENAI_API_KEY=…`"),
        "{msg}"
    );
    assert!(msg.contains("secret = \"openai-creds\""), "{msg}");
}

#[test]
fn file_kind_env_first_then_file() {
    let config = one_backend(cred("main", "MAIN_KEY").file("/run/secrets/openai"));
    let files = || FakeSecrets::new().file("/run/secrets/openai", "from-file");
    let r = resolver(&config, &[("MAIN_KEY", "from-env")], files());
    assert_eq!(key_of(&r).0, "from-env");
    let r = resolver(&config, &[], files());
    assert_eq!(
        key_of(&r),
        ("from-file".into(), "file /run/secrets/openai".into())
    );
    // Without an env var name, the file alone.
    let config = one_backend(cred("main", "X").no_env().file("/run/secrets/openai"));
    let r = resolver(&config, &[], files());
    assert_eq!(key_of(&r).0, "from-file");
    let r = resolver(&config, &[], FakeSecrets::new());
    let err = r.resolve("fast").expect_err("unreadable").to_string();
    assert!(
        err.contains("key file /run/secrets/openai does not exist"),
        "{err}"
    );
    assert_eq!(
        err.matches("/run/secrets/openai").count(),
        1,
        "the file is named once: {err}"
    );
    // An empty file is not a key.
    let r = resolver(
        &config,
        &[],
        FakeSecrets::new().file("/run/secrets/openai", "  "),
    );
    assert!(r.resolve("fast").is_err());
}

#[test]
fn command_kind_env_first_then_command() {
    let config = one_backend(cred("main", "MAIN_KEY").command(&["pass", "show", "llm/openai"]));
    let cmds = || FakeSecrets::new().command("pass", "from-cmd");
    let r = resolver(&config, &[("MAIN_KEY", "from-env")], cmds());
    assert_eq!(key_of(&r).0, "from-env");
    let r = resolver(&config, &[], cmds());
    assert_eq!(key_of(&r), ("from-cmd".into(), "command `pass`".into()));
    let r = resolver(&config, &[], FakeSecrets::new());
    let err = r.resolve("fast").expect_err("fails");
    let msg = err.to_string();
    // The program, never its arguments (issue 11 item 1: an argument may hold a token).
    assert!(msg.contains("key command `pass` failed"), "{msg}");
    assert!(!msg.contains("llm/openai"), "{msg}");
    assert_eq!(msg.matches("key command").count(), 1, "said once: {msg}");
    assert!(msg.contains("export MAIN_KEY=…"), "{msg}");
}

#[test]
fn credential_without_variable_uses_the_providers_standard_one() {
    let config = one_backend(cred("main", "X").no_env());
    let r = resolver(&config, &[("OPENAI_API_KEY", "std")], FakeSecrets::new());
    assert_eq!(key_of(&r), ("std".into(), "env OPENAI_API_KEY".into()));
    // A proxy with no provider: no variable at all.
    let config = Cfg::new()
        .cred(cred("main", "X").no_env())
        .back(
            back("proxy", "https://proxy.internal")
                .model("openai/gpt-5-nano")
                .cred("main"),
        )
        .alias(alias("fast", "openai/gpt-5-nano"))
        .build();
    let r = resolver(&config, &[], FakeSecrets::new());
    match r.resolve("fast") {
        Err(ResolveError::NoBackend { filtered, .. }) => {
            assert_eq!(
                filtered[0].reason,
                Reason::NoKeySource {
                    credential: "main".into()
                }
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn global_environment_is_only_referenced_set_non_empty_vars() {
    let config = Cfg::new()
        .cred(cred("a", "A_KEY"))
        .cred(cred("b", "B_KEY"))
        .cred(cred("c", "C_KEY"))
        .cred(cred("d", "D_KEY"))
        .back(openai("x").cred("a"))
        .alias(alias("fast", "openai/gpt-5-nano"))
        .alias(alias("smart", "anthropic/claude"))
        .build();
    let mut pairs: Vec<(String, String)> = (0..200)
        .map(|i| (format!("UNRELATED_{i}"), format!("value-{i}")))
        .collect();
    pairs.push(("A_KEY".into(), "a".into()));
    pairs.push(("B_KEY".into(), "".into()));
    pairs.push(("D_KEY".into(), "d".into()));
    pairs.push(("ANTHROPIC_API_KEY".into(), "an".into()));
    pairs.push(("OPENAI_API_KEY".into(), "op".into()));
    let map: std::collections::BTreeMap<String, String> = pairs.into_iter().collect();
    let r = Resolver::builder(&config)
        .env(map)
        .build()
        .expect("resolver");
    let got = r.global_environment();
    // OPENAI_API_KEY is not read: `fast` is served by backend `x`, whose credential names A_KEY.
    assert_eq!(
        got.names().collect::<Vec<_>>(),
        ["ANTHROPIC_API_KEY", "A_KEY", "D_KEY"]
    );
    assert_eq!(got.get("D_KEY").map(|v| v.expose_secret()), Some("d"));
    assert!(!format!("{got:?}").contains("\"d\""));
}

#[test]
fn secrets_for_non_llm_use() {
    let config = Cfg::new().build();
    let secrets = FakeSecrets::new()
        .secret("db", &[("DB_PASSWORD", "pw"), ("DB_USER", "u")])
        .secret("other", &[("DB_USER", "v"), ("TOKEN", "t")])
        .secret("weird", &[("not-a-var", "x")]);
    let r = resolver(&config, &[], secrets);
    let db = r.get_secret("db").expect("exists");
    assert_eq!(db.keys().collect::<Vec<_>>(), ["DB_PASSWORD", "DB_USER"]);
    assert_eq!(db.get("DB_PASSWORD").map(|v| v.expose_secret()), Some("pw"));
    assert!(!format!("{db:?}").contains("pw"));
    assert_eq!(
        r.get_secret("missing").expect_err("missing"),
        SecretError::NotFound {
            name: "missing".into()
        }
    );
    assert!(matches!(
        r.get_secret("../etc"),
        Err(SecretError::InvalidName { .. })
    ));
    let envmap = r.secret_environment(&["db", "other"]).expect("env");
    assert_eq!(
        envmap.names().collect::<Vec<_>>(),
        ["DB_PASSWORD", "DB_USER", "TOKEN"]
    );
    assert_eq!(envmap.get("DB_USER").map(|v| v.expose_secret()), Some("v"));
    assert!(matches!(
        r.secret_environment(&["db", "missing"]),
        Err(SecretError::NotFound { .. })
    ));
    assert!(matches!(
        r.secret_environment(&["weird"]),
        Err(SecretError::InvalidKey { .. })
    ));
    let r = resolver(&config, &[], FakeSecrets::new().broken());
    let err = r.get_secret("db").expect_err("broken");
    assert!(err.to_string().contains("world-writable"));
}

fn registry_config() -> Config {
    Cfg::new()
        .back(openai("oa"))
        .back(
            back("anth", "https://api.anthropic.com/v1")
                .kind(llmcfg::BackendKind::AnthropicMessages),
        )
        .alias(alias("fast", "openai/gpt-5-nano").secret("openai-creds"))
        .alias(alias("smart", "anthropic/claude"))
        .default_alias("fast")
        .build()
}

#[test]
fn registry_entries_and_default_win() {
    let config = registry_config();
    let json = r#"{"aliases":{"fast":{"model":"anthropic/claude-haiku","backend":"anth"},"Local":{"model":"ollama/llama3"}},"default":"local"}"#;
    let r = resolver(
        &config,
        &[("LLMCFG_MODEL_REGISTRY", json)],
        FakeSecrets::new(),
    );
    let fast = r.resolve("fast").expect("resolves");
    assert_eq!(fast.model(), "anthropic/claude-haiku");
    assert_eq!(fast.endpoint().name(), "anth");
    let default = r.resolve(None).expect("resolves");
    assert_eq!(default.selection(), Selection::RegistryDefault);
    assert_eq!(default.alias().map(|a| a.name()), Some("local"));
    assert_eq!(default.base_url(), "http://127.0.0.1:11434");
    // Untouched local aliases still resolve.
    assert_eq!(
        r.resolve("smart").expect("resolves").endpoint().name(),
        "anth"
    );
    // LLMCFG_DEFAULT_MODEL still beats the registry default.
    let r = resolver(
        &config,
        &[
            ("LLMCFG_MODEL_REGISTRY", json),
            ("LLMCFG_DEFAULT_MODEL", "smart"),
        ],
        FakeSecrets::new(),
    );
    assert_eq!(
        r.resolve(None).expect("resolves").selection(),
        Selection::EnvDefault
    );
}

#[test]
fn registry_optional_fields_may_be_missing() {
    let config = registry_config();
    for json in [
        r#"{}"#,
        r#"{"aliases":{}}"#,
        r#"{"aliases":{"x":{"model":"openai/o3"}}}"#,
        "  ",
    ] {
        let r = resolver(
            &config,
            &[("LLMCFG_MODEL_REGISTRY", json)],
            FakeSecrets::new(),
        );
        assert_eq!(
            r.resolve(None).expect("default").alias().map(|a| a.name()),
            Some("fast")
        );
    }
}

#[test]
fn invalid_registry_is_an_error_naming_the_variable() {
    let config = registry_config();
    for json in [
        "not json",
        r#"{"aliases":[]}"#,
        r#"{"aliases":{"x":{"model":"openai/o3","api_key":"sk"}}}"#,
        r#"{"aliases":{"x":{"model":"o3"}}}"#,
        r#"{"aliases":{"x":{"model":"openai/"}}}"#,
        r#"{"aliases":{"bad name":{"model":"openai/o3"}}}"#,
        r#"{"aliases":{"x":{"model":"openai/o3","secret":"../up"}}}"#,
        r#"{"aliases":{"x":{"model":"openai/o3"}},"default":"nope"}"#,
        r#"{"aliases":{},"extra":1}"#,
    ] {
        let err = Resolver::builder(&config)
            .env(env(&[("LLMCFG_MODEL_REGISTRY", json)]))
            .build()
            .expect_err(json);
        assert!(matches!(err, ResolveError::Registry(_)), "{json}");
        assert!(
            err.to_string().contains("LLMCFG_MODEL_REGISTRY"),
            "{json}: {err}"
        );
    }
}

#[test]
fn snapshot_is_names_only_and_round_trips() {
    let config = registry_config();
    let r = resolver(
        &config,
        &[("OPENAI_API_KEY", "sk-live")],
        FakeSecrets::new(),
    );
    let json = r.snapshot_json();
    assert_eq!(
        json,
        r#"{"aliases":{"fast":{"model":"openai/gpt-5-nano","secret":"openai-creds"},"smart":{"model":"anthropic/claude"}},"default":"fast"}"#
    );
    let transported =
        r#"{"aliases":{"smart":{"model":"openai/o3","backend":"oa"}},"default":"smart"}"#;
    let r = resolver(
        &config,
        &[("LLMCFG_MODEL_REGISTRY", transported)],
        FakeSecrets::new(),
    );
    let json = r.snapshot_json();
    assert_eq!(
        json,
        r#"{"aliases":{"fast":{"model":"openai/gpt-5-nano","secret":"openai-creds"},"smart":{"model":"openai/o3","backend":"oa"}},"default":"smart"}"#
    );
    // What one side writes, the other reads.
    let bare = Cfg::new().back(openai("oa")).build();
    let remote = resolver(
        &bare,
        &[("LLMCFG_MODEL_REGISTRY", &json)],
        FakeSecrets::new(),
    );
    assert_eq!(remote.snapshot_json(), json);
    let resolved = remote.resolve(None).expect("resolves");
    assert_eq!(resolved.model(), "openai/o3");
    assert_eq!(resolved.endpoint().name(), "oa");
    // A transported alias pinned to a backend this config lacks is filtered with a reason.
    let empty = Cfg::new().build();
    let remote = resolver(
        &empty,
        &[("LLMCFG_MODEL_REGISTRY", &json)],
        FakeSecrets::new(),
    );
    let err = remote.resolve(None).expect_err("no such backend");
    assert!(err.to_string().contains("pinned to backend `oa`"), "{err}");
}
