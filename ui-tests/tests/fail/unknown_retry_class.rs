llmcfg::include_llm_config!("tests/fail/unknown_retry_class.toml");

fn main() {}
