llmcfg::include_llm_config!("tests/fail/unknown_policy.toml");

fn main() {}
