llmcfg::include_llm_config!("tests/fail/fallback_self.toml");

fn main() {}
