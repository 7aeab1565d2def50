llmcfg::include_llm_config!("tests/fail/fallback_cycle.toml", deny_warnings = true);

fn main() {}
