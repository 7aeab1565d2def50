llmcfg::include_llm_config!("tests/fail/invalid_alias_name.toml");

fn main() {}
