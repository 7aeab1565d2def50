llmcfg::include_llm_config!("tests/fail/plaintext_secret.toml");

fn main() {}
