llmcfg::include_llm_config!("tests/fail/legacy_api_key_env.toml");

fn main() {}
