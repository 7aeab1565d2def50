llmcfg::include_llm_config!("tests/fail/out_of_range.toml");

fn main() {}
