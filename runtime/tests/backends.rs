//! Backend candidates, filters with reasons, policies and failover.

mod common;

use common::*;
use llmcfg::{
    BackendKind, Config, KeySource, Op, Policy, Reason, ResolveError, Resolver, Status, Transport,
};

fn resolver<'c>(config: &'c Config, pairs: &[(&str, &str)], secrets: FakeSecrets) -> Resolver<'c> {
    Resolver::builder(config)
        .env(env(pairs))
        .secrets(secrets)
        .seed(42)
        .build()
        .expect("resolver")
}

fn reasons(err: ResolveError) -> Vec<(String, Reason)> {
    match err {
        ResolveError::NoBackend { filtered, .. } => filtered
            .into_iter()
            .map(|f| (f.backend, f.reason))
            .collect(),
        other => panic!("expected NoBackend, got {other:?}"),
    }
}

#[test]
fn alias_backend_wins() {
    let config = Cfg::new()
        .back(openai("a"))
        .back(back("pinned", "https://proxy.internal/v1"))
        .alias(alias("fast", "openai/gpt-5-nano").backend("pinned"))
        .build();
    let r = resolver(&config, &[], FakeSecrets::new());
    for _ in 0..20 {
        let resolved = r.resolve("fast").expect("resolves");
        assert_eq!(resolved.backend().map(|b| b.name()), Some("pinned"));
    }
}

#[test]
fn model_bound_and_provider_backends_then_builtin() {
    let config = Cfg::new()
        .policy(Policy::RoundRobin)
        .back(openai("bound").model("gpt-5-nano"))
        .back(openai("other-model").model("gpt-4o"))
        .back(openai("any-openai"))
        .back(
            back("anthropic", "https://api.anthropic.com/v1").kind(BackendKind::AnthropicMessages),
        )
        .alias(alias("fast", "openai/gpt-5-nano"))
        .alias(alias("mistral", "mistral/mistral-large"))
        .build();
    let r = resolver(&config, &[("MISTRAL_API_KEY", "m")], FakeSecrets::new());
    let names: Vec<_> = (0..4)
        .map(|_| r.resolve("fast").expect("resolves").endpoint().name())
        .collect();
    assert_eq!(names, ["bound", "any-openai", "bound", "any-openai"]);
    let resolved = r.resolve("mistral").expect("resolves");
    assert!(resolved.endpoint().is_builtin());
    assert_eq!(resolved.base_url(), "https://api.mistral.ai/v1");
    assert_eq!(
        resolved.key_source(),
        Some(KeySource::Env {
            var: "MISTRAL_API_KEY"
        })
    );
}

#[test]
fn builtin_table_covers_the_named_providers() {
    let config = Cfg::new().build();
    let names = [
        "openai",
        "anthropic",
        "openrouter",
        "ollama",
        "gemini",
        "mistral",
        "groq",
        "deepseek",
        "xai",
    ];
    let vars: Vec<(String, String)> = llmcfg::PROVIDERS
        .iter()
        .filter_map(|p| {
            p.api_key_env
                .map(|v| (v.to_string(), format!("key-{}", p.name)))
        })
        .collect();
    let pairs: Vec<(&str, &str)> = vars.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let r = resolver(&config, &pairs, FakeSecrets::new());
    for name in names {
        let model = format!("{name}/some-model");
        let resolved = r.resolve(model.as_str()).expect(name);
        let p = llmcfg::PROVIDERS
            .iter()
            .find(|p| p.name == name)
            .expect("in table");
        assert_eq!(resolved.base_url(), p.base_url);
        assert_eq!(resolved.endpoint().kind(), p.kind);
        match p.api_key_env {
            Some(var) => {
                assert_eq!(resolved.key_source(), Some(KeySource::Env { var }));
                let expected = format!("key-{name}");
                assert_eq!(
                    resolved.api_key().map(|k| k.expose_secret()),
                    Some(expected.as_str())
                );
            }
            None => assert!(resolved.api_key().is_none(), "{name} is keyless"),
        }
    }
}

#[test]
fn op_feature_and_transport_filters_keep_reasons() {
    let config = Cfg::new()
        .back(openai("chat-only").ops(&[Op::ChatCompletions]))
        .back(
            openai("embed")
                .ops(&[Op::Embeddings, Op::ChatCompletions])
                .features(&["batch"]),
        )
        .back(
            openai("ws")
                .kind(BackendKind::OpenaiRealtimeWs)
                .ops(&[Op::RealtimeVoice])
                .transports(&[Transport::Websocket]),
        )
        .alias(alias("any", "openai/gpt-4o"))
        .build();
    let r = resolver(&config, &[], FakeSecrets::new());
    let emb = r
        .resolve(llmcfg::Request::new().model("any").op(Op::Embeddings))
        .expect("embeddings");
    assert_eq!(emb.endpoint().name(), "embed");
    let ws = r
        .resolve(
            llmcfg::Request::new()
                .model("any")
                .transports(&[Transport::Websocket]),
        )
        .expect("websocket");
    assert_eq!(ws.endpoint().name(), "ws");

    let err = r
        .resolve(
            llmcfg::Request::new()
                .model("any")
                .op(Op::Embeddings)
                .features(&["supports_tools"]),
        )
        .expect_err("nothing has tools");
    let got = reasons(err);
    assert_eq!(got.len(), 3);
    assert_eq!(
        got[0],
        (
            "chat-only".into(),
            Reason::OpNotServed { op: Op::Embeddings }
        )
    );
    assert_eq!(
        got[1],
        (
            "embed".into(),
            Reason::FeatureMissing {
                feature: "supports_tools".into()
            }
        )
    );
    assert_eq!(
        got[2],
        ("ws".into(), Reason::OpNotServed { op: Op::Embeddings })
    );

    let err = r
        .resolve(
            llmcfg::Request::new()
                .model("any")
                .transports(&[Transport::Grpc]),
        )
        .expect_err("no grpc");
    assert!(reasons(err).iter().all(|(_, reason)| *reason
        == Reason::TransportMissing {
            transport: Transport::Grpc
        }));

    // The built-in endpoint is filtered by op too.
    let err = r
        .resolve(
            llmcfg::Request::new()
                .model("anthropic/claude")
                .op(Op::Embeddings),
        )
        .expect_err("anthropic has no embeddings");
    assert_eq!(
        reasons(err),
        [(
            "built-in anthropic".to_string(),
            Reason::OpNotServed { op: Op::Embeddings }
        )]
    );
}

#[test]
fn credential_filters_keep_reasons() {
    let config = Cfg::new()
        .cred(cred("unset", "UNSET_KEY"))
        .cred(cred("missing-secret", "MS_KEY").secret("nope"))
        .cred(cred("lacking", "LK_KEY").secret("openai-creds"))
        .cred(cred("filecred", "FILE_KEY").file("/run/secrets/none"))
        .cred(cred("cmdcred", "CMD_KEY").command(&["vault", "kv", "get"]))
        .back(openai("b-ghost").cred("ghost"))
        .back(openai("b-unset").cred("unset"))
        .back(openai("b-missing").cred("missing-secret"))
        .back(openai("b-lacking").cred("lacking"))
        .back(openai("b-file").cred("filecred"))
        .back(openai("b-cmd").cred("cmdcred"))
        .alias(alias("fast", "openai/gpt-5-nano"))
        .build();
    let secrets = FakeSecrets::new().secret("openai-creds", &[("OTHER", "x")]);
    let r = resolver(&config, &[("IRRELEVANT", "1")], secrets);
    let err = r.resolve("fast").expect_err("nothing usable");
    let msg = err.to_string();
    let got = reasons(err);
    assert_eq!(got.len(), 6, "{msg}");
    assert_eq!(
        got[0].1,
        Reason::UnknownCredential {
            credential: "ghost".into()
        }
    );
    assert_eq!(
        got[1].1,
        Reason::EnvUnset {
            var: "UNSET_KEY".into(),
            suggested_secret: "unset".into()
        }
    );
    assert_eq!(
        got[2].1,
        Reason::SecretMissing {
            var: "MS_KEY".into(),
            secret: "nope".into()
        }
    );
    assert_eq!(
        got[3].1,
        Reason::SecretLacksKey {
            var: "LK_KEY".into(),
            secret: "openai-creds".into()
        }
    );
    assert!(
        matches!(&got[4].1, Reason::FileUnreadable { path, .. } if path == "/run/secrets/none")
    );
    assert!(matches!(&got[5].1, Reason::CommandFailed { program, .. } if program == "vault"));
    // Every credential reason names the variable and how to fix it.
    assert!(msg.contains("UNSET_KEY is not set: run `export UNSET_KEY=…` or `cargo llmcfg secrets set unset --UNSET_KEY=…`"), "{msg}");
    assert!(
        msg.contains("`cargo llmcfg secrets set nope --MS_KEY=…`"),
        "{msg}"
    );
    assert!(
        msg.contains("secret `openai-creds` has no key LK_KEY"),
        "{msg}"
    );
    assert!(msg.contains("export FILE_KEY=…"), "{msg}");
    assert!(msg.contains("export CMD_KEY=…"), "{msg}");

    // A broken store is a reason of its own.
    let r = resolver(&config, &[], FakeSecrets::new().broken());
    let got = reasons(r.resolve("fast").expect_err("nothing usable"));
    assert!(matches!(&got[2].1, Reason::SecretStoreFailed { secret, .. } if secret == "nope"));

    // explain() reports the same, in failover order, and what is usable.
    let r = resolver(&config, &[("CMD_KEY", "c")], FakeSecrets::new());
    let explanation = r.explain("fast").expect("explains");
    assert_eq!(explanation.candidates.len(), 6);
    assert_eq!(explanation.usable().count(), 1);
    assert_eq!(explanation.filtered().count(), 5);
    let text = explanation.to_string();
    assert!(
        text.contains("usable    b-cmd https://api.openai.com/v1 (key from env CMD_KEY)"),
        "{text}"
    );
    assert!(
        text.contains("filtered  b-ghost: credential_ref `ghost` names no credential"),
        "{text}"
    );
    assert!(
        text.contains("filtered  b-unset: UNSET_KEY is not set"),
        "{text}"
    );
}

#[test]
fn missing_pinned_backend_is_a_reason() {
    let config = Cfg::new()
        .back(openai("a"))
        .alias(alias("fast", "openai/gpt-5-nano").backend("gone"))
        .build();
    let r = resolver(&config, &[], FakeSecrets::new());
    let got = reasons(r.resolve("fast").expect_err("gone"));
    assert_eq!(
        got,
        [(
            "gone".to_string(),
            Reason::MissingBackend {
                backend: "gone".into()
            }
        )]
    );
    let explanation = r.explain("fast").expect("explains");
    assert!(matches!(
        &explanation.candidates[0].status,
        Status::Filtered(Reason::MissingBackend { .. })
    ));
}

#[test]
fn a_pick_whose_key_is_missing_falls_to_the_next() {
    let config = Cfg::new()
        .cred(cred("no", "NO_KEY"))
        .back(openai("broken").cred("no").weight(1000))
        .back(openai("fine").weight(1))
        .alias(alias("fast", "openai/gpt-5-nano"))
        .build();
    for policy_config in [config.clone()] {
        let r = resolver(&policy_config, &[], FakeSecrets::new());
        for _ in 0..50 {
            assert_eq!(
                r.resolve("fast").expect("falls back").endpoint().name(),
                "fine"
            );
        }
    }
}

#[test]
fn weighted_random_matches_the_shares() {
    let config = Cfg::new()
        .back(openai("a").weight(10))
        .back(openai("b").weight(30))
        .back(openai("c").weight(60))
        .back(openai("zero").weight(0))
        .alias(alias("fast", "openai/gpt-5-nano"))
        .build();
    let r = resolver(&config, &[], FakeSecrets::new());
    let mut counts = [0usize; 4];
    const DRAWS: usize = 100_000;
    for _ in 0..DRAWS {
        let resolved = r.resolve("fast").expect("resolves");
        let i = ["a", "b", "c", "zero"]
            .iter()
            .position(|n| *n == resolved.endpoint().name())
            .expect("known");
        counts[i] += 1;
    }
    for (count, share) in counts.iter().zip([0.10, 0.30, 0.60, 0.0]) {
        let got = *count as f64 / DRAWS as f64;
        assert!((got - share).abs() <= 0.02, "{counts:?}");
    }
    // Same seed, same picks.
    let a = resolver(&config, &[], FakeSecrets::new());
    let b = resolver(&config, &[], FakeSecrets::new());
    for _ in 0..100 {
        assert_eq!(
            a.resolve("fast").expect("a").endpoint().name(),
            b.resolve("fast").expect("b").endpoint().name()
        );
    }
}

#[test]
fn priority_takes_the_highest_usable_tier_weighted_inside() {
    let config = Cfg::new()
        .policy(Policy::Priority)
        .cred(cred("top", "TOP_KEY"))
        .back(openai("low").priority(0))
        .back(openai("top-a").priority(10).weight(25).cred("top"))
        .back(openai("top-b").priority(10).weight(75).cred("top"))
        .back(openai("mid").priority(5))
        .alias(alias("fast", "openai/gpt-5-nano"))
        .build();
    let r = resolver(&config, &[("TOP_KEY", "t")], FakeSecrets::new());
    let mut a = 0usize;
    const DRAWS: usize = 100_000;
    for _ in 0..DRAWS {
        match r.resolve("fast").expect("resolves").endpoint().name() {
            "top-a" => a += 1,
            "top-b" => {}
            other => panic!("picked {other} below the top tier"),
        }
    }
    let share = a as f64 / DRAWS as f64;
    assert!((share - 0.25).abs() <= 0.02, "{share}");
    // With the top tier's key missing, the next tier, exactly.
    let r = resolver(&config, &[], FakeSecrets::new());
    for _ in 0..100 {
        assert_eq!(
            r.resolve("fast").expect("resolves").endpoint().name(),
            "mid"
        );
    }
}

#[test]
fn round_robin_is_exact_and_skips_unusable() {
    let config = Cfg::new()
        .policy(Policy::RoundRobin)
        .cred(cred("c", "C_KEY"))
        .back(openai("a"))
        .back(openai("b"))
        .back(openai("c").cred("c"))
        .alias(alias("fast", "openai/gpt-5-nano"))
        .alias(alias("other", "openai/gpt-4o"))
        .build();
    let r = resolver(&config, &[("C_KEY", "k")], FakeSecrets::new());
    let mut picks = Vec::new();
    for _ in 0..7 {
        picks.push(r.resolve("fast").expect("resolves").endpoint().name());
        // Another alias has its own counter.
        r.resolve("other").expect("resolves");
    }
    assert_eq!(picks, ["a", "b", "c", "a", "b", "c", "a"]);
    let r = resolver(&config, &[], FakeSecrets::new());
    let picks: Vec<_> = (0..4)
        .map(|_| r.resolve("fast").expect("resolves").endpoint().name())
        .collect();
    assert!(picks.iter().all(|p| *p != "c"), "{picks:?}");
    assert!(picks.contains(&"a") && picks.contains(&"b"), "{picks:?}");
}

#[test]
fn failover_order_is_deterministic() {
    let config = Cfg::new()
        .cred(cred("x", "X_KEY"))
        .back(openai("p0-w100"))
        .back(openai("p5-w10").priority(5).weight(10))
        .back(openai("p5-w90").priority(5).weight(90))
        .back(openai("p0-w100-second"))
        .back(openai("p9-nokey").priority(9).cred("x"))
        .back(openai("p5-w10-second").priority(5).weight(10))
        .alias(alias("fast", "openai/gpt-5-nano"))
        .build();
    let r = resolver(&config, &[], FakeSecrets::new());
    let order: Vec<_> = r
        .failover("fast")
        .expect("failover")
        .iter()
        .map(|x| x.endpoint().name())
        .collect();
    assert_eq!(
        order,
        [
            "p5-w90",
            "p5-w10",
            "p5-w10-second",
            "p0-w100",
            "p0-w100-second"
        ]
    );
    for _ in 0..10 {
        let again: Vec<_> = r
            .failover("fast")
            .expect("failover")
            .iter()
            .map(|x| x.endpoint().name())
            .collect();
        assert_eq!(again, order);
    }
    let explanation = r.explain("fast").expect("explains");
    assert_eq!(explanation.candidates[0].backend, "p9-nokey");
    // Nothing usable → the same error as resolve.
    let config = Cfg::new()
        .cred(cred("x", "X_KEY"))
        .back(openai("only").cred("x"))
        .alias(alias("fast", "openai/gpt-5-nano"))
        .build();
    let r = resolver(&config, &[], FakeSecrets::new());
    assert!(matches!(
        r.failover("fast"),
        Err(ResolveError::NoBackend { .. })
    ));
}
