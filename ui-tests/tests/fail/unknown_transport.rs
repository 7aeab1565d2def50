llmcfg::include_llm_config!("tests/fail/unknown_transport.toml");

fn main() {}
