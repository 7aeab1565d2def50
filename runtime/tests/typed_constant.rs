//! `resolve(aliases::FAST)`: a typed alias constant carries its position in the sorted alias
//! list, so resolving it is no search; `LLMCFG_MODEL_REGISTRY` still wins over it, and a
//! constant that does not belong to the resolver's config is found by its name.

mod common;

use std::borrow::Cow::Borrowed as B;

use common::*;
use llmcfg::__private as p;
use llmcfg::{Alias, Config, Op, Policy, Request, ResolveError, Resolver, Selection};

mod llm {
    llmcfg::include_llm_config!("../llmcfg/doc/llm.toml");
}

fn resolver<'c>(config: &'c Config, pairs: &[(&str, &str)]) -> Resolver<'c> {
    Resolver::builder(config)
        .env(env(pairs))
        .secrets(FakeSecrets::new())
        .seed(1)
        .build()
        .expect("resolver")
}

const fn alias(name: &'static str, model: &'static str, position: u32) -> Alias {
    p::alias(p::AliasParts {
        name: B(name),
        model: B(model),
        secret: None,
        backend: None,
        candidates: B(&[]),
        position,
        fallbacks: B(&[]),
        calls: p::CallOverrides::NONE,
    })
}

/// Out of order on purpose: every name before `alpha` sorts after it, so a binary search for
/// `alpha` only ever looks left and misses it; only the position of the constant reaches it.
static UNSORTED: &[Alias] = &[
    alias("beta", "openai/gpt-5-nano", 0),
    alias("delta", "openai/gpt-5-nano", 1),
    alias("gamma", "openai/gpt-5-nano", 2),
    alias("zeta", "openai/gpt-5-nano", 3),
    alias("alpha", "anthropic/claude-sonnet-4", 4),
];
static UNSORTED_CONFIG: Config = p::config(p::ConfigParts {
    default_policy: Policy::WeightedRandom,
    default_alias: None,
    credentials: B(&[]),
    backends: B(&[]),
    aliases: B(UNSORTED),
    env_vars: B(&[]),
    calls: p::CallOverrides::NONE,
});

const KEYS: &[(&str, &str)] = &[("OPENAI_API_KEY", "k1"), ("ANTHROPIC_API_KEY", "k2")];

#[test]
fn generated_constants_resolve_like_their_names() {
    let r = resolver(&llm::CONFIG, KEYS);
    for constant in llm::aliases::ALL {
        let typed = r.resolve(constant).expect("typed");
        let named = r.resolve(constant.name()).expect("named");
        assert_eq!(typed.model(), named.model());
        assert_eq!(typed.endpoint(), named.endpoint());
        assert_eq!(typed.selection(), Selection::Explicit);
        assert!(
            typed.alias().is_some_and(|a| std::ptr::eq(a, constant)),
            "the resolved alias is the constant itself"
        );
    }
    let fast = r.resolve(llm::aliases::FAST).expect("fast");
    assert_eq!(fast.backend().map(|b| b.name()), Some("openai-chat"));
}

#[test]
fn a_constant_goes_to_its_position_without_searching() {
    let r = resolver(&UNSORTED_CONFIG, KEYS);
    let constant = &UNSORTED_CONFIG.aliases()[4];
    let typed = r.resolve(constant).expect("reached by its position");
    assert_eq!(typed.model(), "anthropic/claude-sonnet-4");
    assert_eq!(typed.alias().map(Alias::name), Some("alpha"));
    // The string goes through the search, which this list defeats.
    let err = r.resolve("alpha").expect_err("searched");
    assert!(matches!(err, ResolveError::MissingProvider { .. }), "{err}");
}

#[test]
fn request_alias_keeps_the_constant_with_an_op() {
    let r = resolver(&UNSORTED_CONFIG, KEYS);
    let constant = &UNSORTED_CONFIG.aliases()[4];
    let request = Request::new().alias(constant).op(Op::ChatCompletions);
    assert_eq!(request.requested_model(), Some("alpha"));
    let typed = r.resolve(request).expect("typed with an op");
    assert_eq!(typed.model(), "anthropic/claude-sonnet-4");
    let explained = r.explain(request).expect("explain");
    assert_eq!(explained.alias.as_deref(), Some("alpha"));
    let failover = r.failover(request).expect("failover");
    assert_eq!(failover.len(), 1);
}

#[test]
fn registry_aliases_still_win_over_a_constant() {
    let registry = r#"{"aliases":{"fast":{"model":"anthropic/claude-haiku"}}}"#;
    let mut pairs = KEYS.to_vec();
    pairs.push(("LLMCFG_MODEL_REGISTRY", registry));
    let r = resolver(&llm::CONFIG, &pairs);
    let typed = r.resolve(llm::aliases::FAST).expect("transported");
    assert_eq!(typed.model(), "anthropic/claude-haiku");
    assert!(
        typed
            .alias()
            .is_some_and(|a| !std::ptr::eq(a, llm::aliases::FAST)),
        "the transported alias, not the constant"
    );
    // An alias the registry does not carry still comes from the config.
    let local = r.resolve(llm::aliases::LOCAL).expect("config alias");
    assert_eq!(local.model(), "ollama/llama3.2");
}

#[test]
fn a_constant_of_another_config_is_found_by_name() {
    // `fast` sits at position 0 in the generated config and at 1 here.
    let other = Cfg::new()
        .alias(alias_spec("aaa", "anthropic/claude-sonnet-4"))
        .alias(alias_spec("fast", "anthropic/claude-haiku"))
        .build();
    let r = resolver(&other, KEYS);
    let typed = r.resolve(llm::aliases::FAST).expect("found by name");
    assert_eq!(typed.model(), "anthropic/claude-haiku");
    assert_eq!(typed.alias().map(Alias::name), Some("fast"));
    // `local` is at position 1 in the generated config, where `other` has `fast`.
    let err = r.resolve(llm::aliases::LOCAL).expect_err("no `local` here");
    assert!(matches!(err, ResolveError::MissingProvider { .. }), "{err}");
}

fn alias_spec(name: &str, model: &str) -> Al {
    common::alias(name, model)
}
