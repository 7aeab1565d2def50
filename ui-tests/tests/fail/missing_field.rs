llmcfg::include_llm_config!("tests/fail/missing_field.toml");

fn main() {}
