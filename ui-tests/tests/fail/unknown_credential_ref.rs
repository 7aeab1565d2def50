llmcfg::include_llm_config!("tests/fail/unknown_credential_ref.toml");

fn main() {}
