//! `include_llm_config!` and `Config::load` build the same config. The macro writes only the
//! fields of an entry that differ from its `*Parts::DEFAULT` (the rest come from `..__D`), so
//! the compiler no longer makes the generated code name every field: what keeps codegen's idea
//! of a default equal to the runtime's is this test. `every_field.toml` sets each field away
//! from its default somewhere (checked below, so the file cannot drift into testing less);
//! `defaults.toml` leaves every field it can out.

use llmcfg::__private as p;
use llmcfg::{Alias, Backend, Config, Credential};

mod every_field {
    llmcfg::include_llm_config!("tests/generated/every_field.toml");
}

mod defaults {
    llmcfg::include_llm_config!("tests/generated/defaults.toml");
}

const EVERY_FIELD: &str = include_str!("generated/every_field.toml");
const DEFAULTS: &str = include_str!("generated/defaults.toml");

fn assert_same(generated: &Config, text: &str) {
    let loaded = Config::from_toml_str(text).expect("a valid config");
    assert_eq!(generated.credentials(), loaded.credentials());
    assert_eq!(generated.backends(), loaded.backends());
    assert_eq!(generated.aliases(), loaded.aliases());
    assert_eq!(generated.env_vars(), loaded.env_vars());
    assert_eq!(generated.call_overrides(), loaded.call_overrides());
    assert_eq!(generated.default_policy(), loaded.default_policy());
    assert_eq!(generated.default_alias(), loaded.default_alias());
}

#[test]
fn every_field_set_generates_what_load_builds() {
    assert_same(&every_field::CONFIG, EVERY_FIELD);
}

#[test]
fn every_field_left_out_generates_what_load_builds() {
    assert_same(&defaults::CONFIG, DEFAULTS);
}

/// Whether some entry of `all` differs from `default` in what `get` reads.
fn some_differ<T, V: PartialEq>(all: &[T], default: &T, get: impl Fn(&T) -> V) -> bool {
    all.iter().any(|e| get(e) != get(default))
}

#[test]
fn every_field_toml_sets_every_field_away_from_its_default() {
    let config = &every_field::CONFIG;
    let c = p::credential(p::CredentialParts::DEFAULT);
    let all = config.credentials();
    let credentials = [
        some_differ(all, &c, |c| c.name().to_owned()),
        some_differ(all, &c, Credential::kind),
        some_differ(all, &c, |c| c.api_key_envs().to_vec()),
        some_differ(all, &c, |c| c.secret().map(str::to_owned)),
        some_differ(all, &c, |c| c.path().map(str::to_owned)),
        some_differ(all, &c, |c| c.command().to_vec()),
        some_differ(all, &c, Credential::ttl),
        some_differ(all, &c, Credential::output),
        some_differ(all, &c, |c| c.service().map(str::to_owned)),
        some_differ(all, &c, |c| c.account().map(str::to_owned)),
    ];
    assert!(
        credentials.iter().all(|&d| d),
        "credentials: {credentials:?}"
    );

    let b = p::backend(p::BackendParts::DEFAULT);
    let all = config.backends();
    let index = |b: &Backend| config.credential_of(b).map(Credential::name);
    let backends = [
        some_differ(all, &b, |b| b.name().to_owned()),
        some_differ(all, &b, Backend::kind),
        some_differ(all, &b, |b| b.base_url().to_owned()),
        some_differ(all, &b, |b| b.credential_ref().map(str::to_owned)),
        all.iter().any(|b| index(b).is_some()),
        some_differ(all, &b, Backend::hosting),
        some_differ(all, &b, |b| b.model().map(str::to_owned)),
        some_differ(all, &b, |b| b.provider().map(str::to_owned)),
        some_differ(all, &b, |b| b.ops().to_vec()),
        some_differ(all, &b, |b| b.features().to_vec()),
        some_differ(all, &b, |b| b.transports().to_vec()),
        some_differ(all, &b, Backend::weight),
        some_differ(all, &b, Backend::priority),
        some_differ(all, &b, |b| b.auth_header().map(str::to_owned)),
        some_differ(all, &b, |b| b.headers().to_vec()),
        some_differ(all, &b, |b| *b.call_overrides()),
    ];
    assert!(backends.iter().all(|&d| d), "backends: {backends:?}");

    let a = p::alias(p::AliasParts::DEFAULT);
    let all = config.aliases();
    let aliases = [
        some_differ(all, &a, |a| a.name().to_owned()),
        some_differ(all, &a, |a| a.model().to_owned()),
        some_differ(all, &a, |a| a.secret().map(str::to_owned)),
        some_differ(all, &a, |a| a.backend().map(str::to_owned)),
        some_differ(all, &a, |a| a.candidates().to_vec()),
        // Positions differ as soon as there are two aliases.
        all.len() > 1,
        some_differ(all, &a, |a| a.fallbacks().to_vec()),
        some_differ(all, &a, |a| *a.call_overrides()),
    ];
    assert!(aliases.iter().all(|&d| d), "aliases: {aliases:?}");

    // Every setting of `[llm.calls]` is set, so its literal has no `..NONE` either.
    assert_eq!(
        format!("{:?}", config.call_overrides())
            .matches("None")
            .count(),
        0,
        "{:?}",
        config.call_overrides()
    );
}

/// The typed constants still point into `ALL` (the resolver's pointer check relies on it),
/// now that `ALL` is a slice of chunked arrays.
#[test]
fn constants_are_entries_of_all() {
    let fast: &Alias = every_field::aliases::FAST;
    assert!(
        every_field::aliases::ALL
            .iter()
            .any(|a| std::ptr::eq(a, fast))
    );
    assert!(std::ptr::eq(
        every_field::backends::LOCAL,
        &every_field::backends::ALL[4]
    ));
    assert_eq!(every_field::CONFIG.backends().len(), 5);
    assert_eq!(every_field::backends::ALL.len(), 5);
}

mod chunks {
    llmcfg::include_llm_config!("tests/generated/chunks.toml");
}

/// Past one chunk of entries, with padding: `ALL` holds exactly the entries, in order, and each
/// constant is its entry.
#[test]
fn chunked_entries_are_all_and_only_the_entries() {
    assert_same(&chunks::CONFIG, include_str!("generated/chunks.toml"));
    let all = chunks::aliases::ALL;
    assert_eq!(all.len(), 71);
    assert_eq!(all[0].name(), "a00");
    assert_eq!(all[70].name(), "a70");
    assert!(std::ptr::eq(chunks::aliases::A35, &all[35]));
    assert!(std::ptr::eq(chunks::aliases::A36, &all[36]));
    assert!(std::ptr::eq(chunks::aliases::A70, &all[70]));
}
