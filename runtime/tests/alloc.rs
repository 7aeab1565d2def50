//! Resolving an alias allocates nothing but the returned key, proved with a counting global
//! allocator (`allocation-counter` installs it).
//!
//! The counts are per thread: the test harness's own allocations on other threads (printing
//! the result of the test that ended first, say) cannot land in a measurement, as they did
//! when the counters were process-wide.

mod common;

use allocation_counter::{AllocationInfo, measure};
use common::*;
use llmcfg::{Policy, Resolved, Resolver};

/// Resolves `alias` on this thread and counts the allocations it made; the key is dropped
/// outside the count, so `count_current` is what the result holds.
fn counted<'a>(r: &'a Resolver<'_>, alias: Option<&'a str>) -> (Resolved<'a>, AllocationInfo) {
    let mut resolved = None;
    let info = measure(|| resolved = Some(r.resolve(alias).expect("resolves")));
    (resolved.expect("measured"), info)
}

fn config(policy: Policy) -> llmcfg::Config {
    let mut cfg = Cfg::new().policy(policy).cred(cred("main", "MAIN_KEY"));
    for i in 0..50 {
        cfg = cfg.back(
            openai(&format!("b{i}"))
                .cred("main")
                .priority(i % 3)
                .weight(1 + i as u32),
        );
        cfg = cfg.alias(alias(&format!("alias-{i}"), &format!("openai/model-{i}")));
    }
    cfg.back(back("local", "http://127.0.0.1:8080").model("local/llm"))
        .alias(alias("keyless", "local/llm"))
        .default_alias("alias-7")
        .build()
}

#[test]
fn selection_allocates_only_the_key() {
    for policy in [Policy::WeightedRandom, Policy::Priority, Policy::RoundRobin] {
        let config = config(policy);
        let r = Resolver::builder(&config)
            .env(env(&[("MAIN_KEY", "sk-test")]))
            .secrets(FakeSecrets::new())
            .seed(1)
            .build()
            .expect("resolver");
        // Warm up (nothing lazy should exist, but be fair).
        drop(r.resolve("alias-3").expect("resolves"));

        // The map env clones the value: one allocation, held by the key. Nothing else.
        let (resolved, info) = counted(&r, Some("ALIAS-42"));
        assert_eq!(info.count_total, 1, "{policy}: {info:?}");
        assert_eq!(info.count_current, 1, "{policy}: {info:?}");
        assert!(resolved.api_key().is_some());

        let (resolved, info) = counted(&r, None);
        assert_eq!(info.count_total, 1, "{policy}: {info:?}");
        assert_eq!(resolved.model(), "openai/model-7");

        // A keyless backend: no allocation at all.
        let (resolved, info) = counted(&r, Some("keyless"));
        assert_eq!(info.count_total, 0, "{policy}: {info:?}");
        assert!(resolved.api_key().is_none());
    }
}

#[test]
fn process_env_lookup_of_an_unset_variable_does_not_allocate() {
    let config = Cfg::new()
        .cred(cred("main", "LLMCFG_TEST_SURELY_UNSET_VAR"))
        .back(openai("a").cred("main"))
        .back(back("local", "http://127.0.0.1:8080").model("local/llm"))
        .alias(alias("keyless", "local/llm"))
        .build();
    let r = Resolver::builder(&config)
        .seed(1)
        .build()
        .expect("resolver");
    let (resolved, info) = counted(&r, Some("keyless"));
    assert_eq!(info.count_total, 0, "{info:?}");
    assert!(resolved.api_key().is_none());
}
