llmcfg::include_llm_config!("/etc/llm.toml");

fn main() {}
