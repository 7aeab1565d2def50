llmcfg::include_llm_config!(llm_toml);

fn main() {}
