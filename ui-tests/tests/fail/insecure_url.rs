llmcfg::include_llm_config!("tests/fail/insecure_url.toml", deny_warnings = true);

fn main() {}
