llmcfg::include_llm_config!("tests/fail/empty_key_pool.toml");

fn main() {}
