// Without `deny_warnings = true`, llmcfg warnings are `deprecated` lint warnings, so a crate
// can also deny them with the lint.
#![deny(deprecated)]

llmcfg::include_llm_config!("tests/fail/unused_credential.toml");

fn main() {}
