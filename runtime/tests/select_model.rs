//! Model selection: explicit → LLMCFG_DEFAULT_MODEL → default alias → only alias → error, and
//! the interpretation of requested strings.

mod common;

use common::*;
use llmcfg::{ResolveError, Resolver, Selection};

fn two_aliases() -> Cfg {
    Cfg::new()
        .alias(alias("fast", "openai/gpt-5-nano"))
        .alias(alias("smart", "anthropic/claude-sonnet-4"))
}

fn keys() -> Vec<(&'static str, &'static str)> {
    vec![("OPENAI_API_KEY", "k1"), ("ANTHROPIC_API_KEY", "k2")]
}

fn resolver_with<'c>(config: &'c llmcfg::Config, extra: &[(&str, &str)]) -> Resolver<'c> {
    let mut pairs = keys();
    pairs.extend_from_slice(extra);
    Resolver::builder(config)
        .env(env(&pairs))
        .secrets(FakeSecrets::new())
        .seed(1)
        .build()
        .expect("resolver")
}

#[test]
fn explicit_alias_is_case_insensitive() {
    let config = two_aliases().default_alias("smart").build();
    let r = resolver_with(&config, &[("LLMCFG_DEFAULT_MODEL", "smart")]);
    let resolved = r.resolve("FAST").expect("resolves");
    assert_eq!(resolved.selection(), Selection::Explicit);
    assert_eq!(resolved.alias().map(|a| a.name()), Some("fast"));
    assert_eq!(resolved.model(), "openai/gpt-5-nano");
    assert_eq!(resolved.model_name(), "gpt-5-nano");
    assert_eq!(resolved.provider(), "openai");
}

#[test]
fn explicit_raw_model_is_not_an_alias() {
    let config = two_aliases().build();
    let r = resolver_with(&config, &[]);
    let resolved = r.resolve("openai/gpt-4o").expect("resolves");
    assert_eq!(resolved.alias(), None);
    assert_eq!(resolved.model_name(), "gpt-4o");
    assert!(resolved.endpoint().is_builtin());
    assert_eq!(resolved.base_url(), "https://api.openai.com/v1");
    // Provider prefixes are case-insensitive; model parts keep slashes.
    let resolved = r.resolve("OpenRouter/meta-llama/llama-3-70b");
    assert!(resolved.is_err(), "OPENROUTER_API_KEY is unset");
    let r = resolver_with(&config, &[("OPENROUTER_API_KEY", "k")]);
    let resolved = r
        .resolve("OpenRouter/meta-llama/llama-3-70b")
        .expect("resolves");
    assert_eq!(resolved.provider(), "openrouter");
    assert_eq!(resolved.model_name(), "meta-llama/llama-3-70b");
}

#[test]
fn env_default_model_comes_second() {
    let config = two_aliases().default_alias("fast").build();
    let r = resolver_with(&config, &[("LLMCFG_DEFAULT_MODEL", "smart")]);
    let resolved = r.resolve(None).expect("resolves");
    assert_eq!(resolved.selection(), Selection::EnvDefault);
    assert_eq!(resolved.alias().map(|a| a.name()), Some("smart"));
    // A raw provider/model works there too.
    let r = resolver_with(&config, &[("LLMCFG_DEFAULT_MODEL", "openai/gpt-4.1")]);
    let resolved = r.resolve(None).expect("resolves");
    assert_eq!(resolved.selection(), Selection::EnvDefault);
    assert_eq!(resolved.alias(), None);
    assert_eq!(resolved.model(), "openai/gpt-4.1");
}

#[test]
fn blank_env_default_model_is_an_error() {
    let config = two_aliases().default_alias("fast").build();
    for blank in ["", "   "] {
        let r = resolver_with(&config, &[("LLMCFG_DEFAULT_MODEL", blank)]);
        let err = r.resolve(None).expect_err("blank");
        assert_eq!(err, ResolveError::BlankDefaultModel);
        assert!(err.to_string().contains("LLMCFG_DEFAULT_MODEL"));
        // An explicit model does not need the default.
        assert!(r.resolve("fast").is_ok());
    }
}

#[test]
fn default_alias_comes_third() {
    let config = two_aliases().default_alias("smart").build();
    let r = resolver_with(&config, &[]);
    let resolved = r.resolve(None).expect("resolves");
    assert_eq!(resolved.selection(), Selection::DefaultAlias);
    assert_eq!(resolved.alias().map(|a| a.name()), Some("smart"));
}

#[test]
fn the_only_alias_comes_fourth() {
    let config = Cfg::new().alias(alias("fast", "openai/gpt-5-nano")).build();
    let r = resolver_with(&config, &[]);
    let resolved = r.resolve(None).expect("resolves");
    assert_eq!(resolved.selection(), Selection::OnlyAlias);
    assert_eq!(resolved.alias().map(|a| a.name()), Some("fast"));
}

#[test]
fn no_default_is_an_error_that_says_how_to_set_one() {
    for config in [two_aliases().build(), Cfg::new().build()] {
        let r = resolver_with(&config, &[]);
        let err = r.resolve(None).expect_err("no default");
        assert!(matches!(err, ResolveError::NoModel { .. }));
        let msg = err.to_string();
        assert!(msg.contains("export LLMCFG_DEFAULT_MODEL="), "{msg}");
        assert!(msg.contains("default_alias"), "{msg}");
        assert!(msg.contains("cargo llmcfg model default"), "{msg}");
    }
}

#[test]
fn missing_provider_prefix() {
    let config = two_aliases().build();
    let r = resolver_with(&config, &[]);
    for request in ["gpt-4o", "/gpt-4o"] {
        let err = r.resolve(request).expect_err("no provider");
        assert!(
            matches!(err, ResolveError::MissingProvider { .. }),
            "{err:?}"
        );
        let msg = err.to_string();
        assert!(msg.contains("provider/"), "{msg}");
        assert!(msg.contains("fast, smart"), "{msg}");
    }
}

#[test]
fn empty_model_part() {
    let config = two_aliases().build();
    let r = resolver_with(&config, &[]);
    let err = r.resolve("openai/").expect_err("empty model");
    assert!(matches!(err, ResolveError::EmptyModel { .. }), "{err:?}");
    assert!(err.to_string().contains("openai/MODEL"));
}

#[test]
fn unknown_provider() {
    let config = two_aliases().build();
    let r = resolver_with(&config, &[]);
    let err = r.resolve("nope/model-x").expect_err("unknown provider");
    assert!(
        matches!(err, ResolveError::UnknownProvider { .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains("`nope`") && msg.contains("openai"), "{msg}");
    // Also reached through the env default.
    let r = resolver_with(&config, &[("LLMCFG_DEFAULT_MODEL", "nope/model-x")]);
    assert!(matches!(
        r.resolve(None),
        Err(ResolveError::UnknownProvider { .. })
    ));
}

#[test]
fn unknown_provider_served_by_a_configured_backend_is_fine() {
    let config = Cfg::new()
        .back(back("proxy", "http://127.0.0.1:4000").model("internal/llm-7b"))
        .build();
    let r = resolver_with(&config, &[]);
    let resolved = r.resolve("internal/llm-7b").expect("resolves");
    assert_eq!(resolved.backend().map(|b| b.name()), Some("proxy"));
    assert!(resolved.api_key().is_none());
}

/// SECURITY.md / issue 11 item 13: an explicit model is trimmed like `LLMCFG_DEFAULT_MODEL`,
/// and a blank one says the model is empty instead of suggesting `openai/`.
#[test]
fn explicit_model_is_trimmed_and_a_blank_one_is_empty() {
    let config = two_aliases().build();
    let r = resolver_with(&config, &[]);
    let resolved = r.resolve("  fast ").expect("the alias, trimmed");
    assert_eq!(resolved.alias().map(|a| a.name()), Some("fast"));
    assert_eq!(resolved.selection(), Selection::Explicit);
    let resolved = r
        .resolve("\topenai/gpt-4o\n")
        .expect("a raw model, trimmed");
    assert_eq!(resolved.model(), "openai/gpt-4o");
    for blank in ["", "   ", "\t\n"] {
        let err = r.resolve(blank).expect_err("blank");
        assert!(
            matches!(&err, ResolveError::BlankModel { known } if known == &["fast", "smart"]),
            "{blank:?}: {err}"
        );
        let msg = err.to_string();
        assert!(msg.contains("the requested model is empty"), "{msg}");
        assert!(!msg.contains("openai/"), "{msg}");
        assert!(r.explain(blank).is_err());
    }
}
