llmcfg::include_llm_config!("tests/fail/wrong_type.toml");

fn main() {}
