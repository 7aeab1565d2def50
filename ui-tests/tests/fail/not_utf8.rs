// `not_utf8.toml` is Latin-1: the file cannot be read as TOML text.
llmcfg::include_llm_config!("tests/fail/not_utf8.toml");

fn main() {}
