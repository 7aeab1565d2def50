//! `llmcfg_core::check` on arbitrary input, with every diagnostic rendered in every form; see
//! `check_input` in `tests/tests/fuzz_regressions/contract.rs` for the input format and what is
//! asserted. Saved inputs are replayed by `tests/tests/fuzz_regressions.rs`.

#![no_main]

#[path = "../../tests/tests/fuzz_regressions/contract.rs"]
#[allow(dead_code)]
mod contract;

libfuzzer_sys::fuzz_target!(|data: &[u8]| contract::check_input(data));
