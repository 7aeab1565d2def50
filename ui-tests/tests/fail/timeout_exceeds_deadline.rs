llmcfg::include_llm_config!("tests/fail/timeout_exceeds_deadline.toml", deny_warnings = true);

fn main() {}
