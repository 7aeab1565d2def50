llmcfg::include_llm_config!("tests/fail/remote_discovery_url.toml");

fn main() {}
