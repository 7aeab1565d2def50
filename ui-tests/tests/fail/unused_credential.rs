llmcfg::include_llm_config!("tests/fail/unused_credential.toml", deny_warnings = true);

fn main() {}
