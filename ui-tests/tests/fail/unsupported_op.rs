llmcfg::include_llm_config!("tests/fail/unsupported_op.toml");

fn main() {}
