// The path names a directory: the file cannot be read as a config.
llmcfg::include_llm_config!("tests/fail");

fn main() {}
