llmcfg::include_llm_config!("tests/fail/duplicate_pool_key.toml");

fn main() {}
