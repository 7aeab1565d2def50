llmcfg::include_llm_config!("tests/fail/unknown_backend_kind.toml");

fn main() {}
