llmcfg::include_llm_config!("tests/fail/zero_weight.toml", deny_warnings = true);

fn main() {}
