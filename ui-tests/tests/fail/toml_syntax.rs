llmcfg::include_llm_config!("tests/fail/toml_syntax.toml");

fn main() {}
