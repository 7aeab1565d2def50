llmcfg::include_llm_config!("tests/fail/invalid_header.toml");

fn main() {}
