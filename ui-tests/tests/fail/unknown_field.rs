llmcfg::include_llm_config!("tests/fail/unknown_field.toml");

fn main() {}
