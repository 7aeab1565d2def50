llmcfg::include_llm_config!("tests/fail/excessive_retries.toml", deny_warnings = true);

fn main() {}
