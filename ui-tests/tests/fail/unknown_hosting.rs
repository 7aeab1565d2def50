llmcfg::include_llm_config!("tests/fail/unknown_hosting.toml");

fn main() {}
