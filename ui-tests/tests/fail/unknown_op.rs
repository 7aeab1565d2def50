llmcfg::include_llm_config!("tests/fail/unknown_op.toml");

fn main() {}
