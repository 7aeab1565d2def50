llmcfg::include_llm_config!("tests/fail/constant_collision.toml");

fn main() {}
