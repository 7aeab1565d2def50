llmcfg::include_llm_config!();

fn main() {}
