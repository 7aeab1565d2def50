// Spear's own `config/spearlet/config.toml`, unchanged, read at `table = "spearlet.llm"`.
llmcfg::include_llm_config!("tests/pass/spear.toml", table = "spearlet.llm");

fn main() {
    assert_eq!(backends::OPENAI_CHAT.model(), Some("gpt-4o-mini"));
    assert_eq!(backends::OPENAI_REALTIME_ASR.kind(), llmcfg::BackendKind::OpenaiRealtimeWs);
    assert_eq!(credentials::OPENAI_CHAT.api_key_env(), Some("OPENAI_API_KEY"));
    assert_eq!(credentials::OPENAI_REALTIME.api_key_env(), Some("OPENAI_API_KEY"));
    // Two credentials read one variable: listed once.
    assert_eq!(env::ALL, [env::OPENAI_API_KEY]);
    assert_eq!(CONFIG.backends().len(), 2);
    assert!(aliases::ALL.is_empty());
}
