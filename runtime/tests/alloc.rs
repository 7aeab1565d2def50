//! Resolving an alias allocates nothing but the returned key, proved with a counting global
//! allocator.

mod common;

use std::alloc::System;

use common::*;
use llmcfg::{Policy, Resolver};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The counters are process-wide: tests of this file take turns.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

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
    let _turn = SERIAL.lock();
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

        let region = Region::new(GLOBAL);
        let resolved = r.resolve("ALIAS-42").expect("resolves");
        let stats = region.change();
        // The map env clones the value (one allocation); converting it to the secret may
        // shrink it (a reallocation at most). Nothing else.
        assert!(stats.allocations <= 1, "{policy}: {stats:?}");
        assert!(stats.reallocations <= 1, "{policy}: {stats:?}");
        drop(resolved);

        let region = Region::new(GLOBAL);
        let resolved = r.resolve(None).expect("default alias");
        let stats = region.change();
        assert!(stats.allocations <= 1, "{policy}: {stats:?}");
        drop(resolved);

        // A keyless backend: no allocation at all.
        let region = Region::new(GLOBAL);
        let resolved = r.resolve("keyless").expect("resolves");
        let stats = region.change();
        assert_eq!(stats.allocations, 0, "{policy}: {stats:?}");
        assert_eq!(stats.reallocations, 0, "{policy}: {stats:?}");
        assert!(resolved.api_key().is_none());
    }
}

#[test]
fn process_env_lookup_of_an_unset_variable_does_not_allocate() {
    let _turn = SERIAL.lock();
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
    let region = Region::new(GLOBAL);
    let resolved = r.resolve("keyless").expect("resolves");
    let stats = region.change();
    assert_eq!(stats.allocations, 0, "{stats:?}");
    drop(resolved);
}
