llmcfg::include_llm_config!("tests/fail/table_not_found.toml", table = "app.llm");

fn main() {}
