llmcfg::include_llm_config!("tests/fail/duplicate_fallback.toml");

fn main() {}
