llmcfg::include_llm_config!("tests/fail/no_ops.toml");

fn main() {}
