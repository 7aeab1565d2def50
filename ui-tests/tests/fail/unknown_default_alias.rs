llmcfg::include_llm_config!("tests/fail/unknown_default_alias.toml");

fn main() {}
