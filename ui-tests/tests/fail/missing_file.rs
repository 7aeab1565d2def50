llmcfg::include_llm_config!("tests/fail/no_such_file.toml");

fn main() {}
