llmcfg::include_llm_config!("tests/fail/unknown_backend_ref.toml");

fn main() {}
