// Warnings (here `unused-credential`) are printed but do not fail the build by default.
llmcfg::include_llm_config!("tests/pass/warnings.toml", deny_warnings = false);

fn main() {
    assert_eq!(credentials::ALL.len(), 2);
    assert_eq!(env::ALL, [env::ANTHROPIC_API_KEY, env::OPENAI_API_KEY]);
}
