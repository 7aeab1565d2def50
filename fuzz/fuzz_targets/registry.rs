//! The reader of `LLMCFG_MODEL_REGISTRY`, through the public path (`Resolver::builder(..)
//! .env(..).build()`, then resolving and explaining every alias); see `registry_input` in
//! `tests/tests/fuzz_regressions/contract.rs` for the contract. Saved inputs are replayed by
//! `tests/tests/fuzz_regressions.rs`.

#![no_main]

#[path = "../../tests/tests/fuzz_regressions/contract.rs"]
#[allow(dead_code)]
mod contract;

libfuzzer_sys::fuzz_target!(|data: &[u8]| contract::registry_input(data));
