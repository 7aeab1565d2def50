llmcfg::include_llm_config!("tests/fail/invalid_secret_name.toml");

fn main() {}
