llmcfg::include_llm_config!("tests/fail/invalid_url.toml");

fn main() {}
