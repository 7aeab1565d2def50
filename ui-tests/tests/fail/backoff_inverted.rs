llmcfg::include_llm_config!("tests/fail/backoff_inverted.toml");

fn main() {}
