llmcfg::include_llm_config!("tests/fail/invalid_env_name.toml");

fn main() {}
