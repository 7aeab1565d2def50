llmcfg::include_llm_config!("tests/fail/unknown_credential_kind.toml");

fn main() {}
