llmcfg::include_llm_config!("tests/fail/llm.toml", deny_warnings = "yes");

fn main() {}
