llmcfg::include_llm_config!("tests/fail/llm.toml", tabel = "llm");

fn main() {}
