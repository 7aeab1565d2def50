llmcfg::include_llm_config!("tests/fail/unsupported_transport.toml");

fn main() {}
