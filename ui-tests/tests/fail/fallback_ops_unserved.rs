llmcfg::include_llm_config!("tests/fail/fallback_ops_unserved.toml", deny_warnings = true);

fn main() {}
