llmcfg::include_llm_config!("tests/fail/invalid_name.toml");

fn main() {}
