llmcfg::include_llm_config!("tests/fail/field_kind_mismatch.toml");

fn main() {}
