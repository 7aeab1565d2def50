llmcfg::include_llm_config!("tests/fail/duplicate_name.toml");

fn main() {}
