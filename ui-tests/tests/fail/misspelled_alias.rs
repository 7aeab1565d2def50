// A typo in an alias is a compile error, not a run-time surprise.
llmcfg::include_llm_config!("tests/fail/llm.toml");

fn main() {
    let _ = aliases::FATS.name();
}
