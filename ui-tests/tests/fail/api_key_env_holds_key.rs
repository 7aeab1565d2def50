llmcfg::include_llm_config!("tests/fail/api_key_env_holds_key.toml");

fn main() {}
