llmcfg::include_llm_config!("tests/fail/invalid_model.toml");

fn main() {}
