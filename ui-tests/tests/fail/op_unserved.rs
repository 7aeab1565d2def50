llmcfg::include_llm_config!("tests/fail/op_unserved.toml", deny_warnings = true);

fn main() {}
