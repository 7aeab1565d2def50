llmcfg::include_llm_config!("tests/fail/unknown_value.toml");

fn main() {}
