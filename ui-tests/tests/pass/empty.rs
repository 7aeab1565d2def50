// An llm table with nothing in it still gives every module and `CONFIG`.
llmcfg::include_llm_config!("tests/pass/empty.toml",);

fn main() {
    assert!(aliases::ALL.is_empty() && backends::ALL.is_empty());
    assert!(credentials::ALL.is_empty() && env::ALL.is_empty());
    assert_eq!(CONFIG.default_policy(), llmcfg::Policy::WeightedRandom);
    assert_eq!(CONFIG.default_alias(), None);
}
