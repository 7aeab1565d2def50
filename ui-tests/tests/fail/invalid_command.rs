llmcfg::include_llm_config!("tests/fail/invalid_command.toml");

fn main() {}
