// A misspelled `credential_ref` key: the error only, no `unused-credential` warning.
llmcfg::include_llm_config!("tests/fail/knock_on_warning.toml");

fn main() {}
