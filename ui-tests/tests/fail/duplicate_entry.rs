llmcfg::include_llm_config!("tests/fail/duplicate_entry.toml", deny_warnings = true);

fn main() {}
