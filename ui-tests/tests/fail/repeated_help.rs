llmcfg::include_llm_config!("tests/fail/repeated_help.toml");

fn main() {}
