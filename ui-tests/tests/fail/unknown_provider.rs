llmcfg::include_llm_config!("tests/fail/unknown_provider.toml");

fn main() {}
