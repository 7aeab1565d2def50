llmcfg::include_llm_config!("tests/fail/unsupported_url_scheme.toml");

fn main() {}
