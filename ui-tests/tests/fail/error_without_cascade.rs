// A config with errors still defines every name it declares: the user sees the two real
// errors, not unresolved `CONFIG` or `aliases::FAST` on top.
llmcfg::include_llm_config!("tests/fail/error_without_cascade.toml");

fn main() {
    let _ = CONFIG.default_policy();
    let _ = aliases::FAST.name();
    let _ = backends::OPENAI_CHAT.base_url();
}
