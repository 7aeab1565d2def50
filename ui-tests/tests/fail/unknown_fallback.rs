llmcfg::include_llm_config!("tests/fail/unknown_fallback.toml");

fn main() {}
