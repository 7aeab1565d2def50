llmcfg::include_llm_config!("tests/fail/invalid_duration.toml");

fn main() {}
