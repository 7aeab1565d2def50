llmcfg::include_llm_config!("tests/fail/unknown_key_output.toml");

fn main() {}
