//! Property: no `Debug`, `Display`, error, `explain()` or snapshot output contains a key value,
//! wherever the key came from (env, secret, file, command) and whether resolution succeeded.

mod common;

use common::*;
use llmcfg::{Config, Request, Resolver};
use proptest::prelude::*;

fn config() -> Config {
    Cfg::new()
        .cred(cred("env-cred", "ENV_KEY").secret("env-creds"))
        .cred(cred("file-cred", "FILE_KEY").file("/run/secrets/k"))
        .cred(cred("cmd-cred", "CMD_KEY").command(&["op", "read", "op://vault/k"]))
        .cred(cred("unset-cred", "UNSET_KEY").secret("lacking"))
        .back(openai("env-b").cred("env-cred").model("gpt-env"))
        .back(openai("file-b").cred("file-cred").model("gpt-file"))
        .back(openai("cmd-b").cred("cmd-cred").model("gpt-cmd"))
        .back(openai("unset-b").cred("unset-cred").model("gpt-unset"))
        .alias(alias("env", "openai/gpt-env"))
        .alias(alias("file", "openai/gpt-file"))
        .alias(alias("cmd", "openai/gpt-cmd"))
        .alias(alias("unset", "openai/gpt-unset"))
        .alias(alias("builtin", "anthropic/claude").secret("anthropic-creds"))
        .default_alias("env")
        .build()
}

fn outputs(config: &Config, key: &str, env_set: bool) -> Vec<String> {
    let mut pairs = vec![("OTHER", "x")];
    if env_set {
        pairs.push(("ENV_KEY", key));
    }
    let secrets = FakeSecrets::new()
        .secret("env-creds", &[("ENV_KEY", key)])
        .secret("lacking", &[("SOMETHING_ELSE", key)])
        .secret("anthropic-creds", &[("ANTHROPIC_API_KEY", key)])
        .secret("app", &[("APP_TOKEN", key)])
        .file("/run/secrets/k", key)
        .command("op", key);
    let r = Resolver::builder(config)
        .env(env(&pairs))
        .secrets(secrets)
        .seed(9)
        .build()
        .expect("resolver");
    let mut out = vec![format!("{r:?}"), format!("{config:?}"), r.snapshot_json()];
    out.push(format!("{:?}", r.global_environment()));
    out.push(r.global_environment().to_string());
    for model in [
        "env",
        "file",
        "cmd",
        "unset",
        "builtin",
        "openai/gpt-env",
        "bad",
        "nope/x",
    ] {
        let resolved = r.resolve(model);
        out.push(format!("{resolved:?}"));
        match &resolved {
            Ok(x) => {
                // The key is there, and only behind expose_secret().
                if model != "unset" {
                    assert!(x.api_key().is_some_and(|k| k.expose_secret() == key));
                }
                out.push(x.to_string());
                out.push(format!("{:?}", x.api_key()));
                out.push(x.api_key().map(|k| k.to_string()).unwrap_or_default());
            }
            Err(e) => out.push(e.to_string()),
        }
        let explained = r.explain(Request::new().model(model));
        out.push(format!("{explained:?}"));
        if let Ok(e) = &explained {
            out.push(e.to_string());
        }
        let failover = r.failover(model);
        out.push(format!("{failover:?}"));
        if let Err(e) = &failover {
            out.push(e.to_string());
        }
    }
    let secret = r.get_secret("app");
    out.push(format!("{secret:?}"));
    let senv = r.secret_environment(&["app", "env-creds"]);
    out.push(format!("{senv:?}"));
    if let Ok(e) = &senv {
        out.push(e.to_string());
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn no_output_contains_a_key(key in "sk-[A-Za-z0-9_-]{20,40}", env_set in any::<bool>()) {
        let config = config();
        for text in outputs(&config, &key, env_set) {
            prop_assert!(!text.contains(&key), "leaked in: {}", text);
        }
    }
}

#[test]
fn canary_fixed() {
    let config = config();
    let texts = outputs(&config, "sk-CANARY-0123456789abcdef", true);
    assert!(texts.len() > 40);
    for text in texts {
        assert!(!text.contains("CANARY"), "leaked in: {text}");
    }
}
