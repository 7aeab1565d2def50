// A config with every kind of entry: constants, `ALL` lists and `CONFIG` agree with the file.
llmcfg::include_llm_config!("tests/pass/basic.toml");

use llmcfg::{BackendKind, CredentialKind, Hosting, Op, Policy};

fn main() {
    // Aliases are sorted by name, with their candidate backends precomputed.
    let names: Vec<&str> = aliases::ALL.iter().map(|a| a.name()).collect();
    assert_eq!(names, ["fast", "local", "smart"]);
    assert_eq!(aliases::FAST.model(), "openai/gpt-5-nano");
    assert_eq!(aliases::FAST.secret(), Some("openai-creds"));
    assert_eq!(aliases::FAST.candidates(), [0]);
    assert_eq!(aliases::SMART.backend(), Some("anthropic-main"));
    assert_eq!(aliases::SMART.candidates(), [1]);
    assert_eq!(aliases::LOCAL.candidates(), [2]);

    // Backends keep file order; `credential` is the index of `credential_ref`.
    assert_eq!(backends::ALL.len(), 3);
    assert_eq!(backends::OPENAI_CHAT.kind(), BackendKind::OpenaiChatCompletion);
    assert_eq!(backends::OPENAI_CHAT.ops(), [Op::ChatCompletions, Op::Embeddings]);
    assert_eq!(backends::OPENAI_CHAT.priority(), 2);
    assert_eq!(backends::ANTHROPIC_MAIN.weight(), 50);
    assert_eq!(backends::ANTHROPIC_MAIN.priority(), -1);
    assert_eq!(backends::ANTHROPIC_MAIN.provider(), Some("anthropic"));
    assert_eq!(backends::LOCAL.hosting(), Hosting::Local);
    assert_eq!(backends::LOCAL.credential_ref(), None);
    assert_eq!(
        CONFIG.credential_of(backends::ANTHROPIC_MAIN).map(|c| c.name()),
        Some("vault")
    );

    assert_eq!(credentials::OPENAI.api_key_env(), Some("OPENAI_API_KEY"));
    assert_eq!(credentials::VAULT.kind(), CredentialKind::Command);
    assert_eq!(credentials::VAULT.command(), ["pass", "show", "llm/anthropic"]);

    assert_eq!(env::OPENAI_API_KEY, "OPENAI_API_KEY");
    assert_eq!(env::ALL, ["OPENAI_API_KEY"]);

    assert_eq!(CONFIG.default_policy(), Policy::Priority);
    assert_eq!(CONFIG.default_alias(), Some("fast"));
    assert_eq!(CONFIG.alias("SMART").map(|a| a.model()), Some("anthropic/claude-sonnet-4"));
    assert!(std::ptr::eq(CONFIG.aliases(), aliases::ALL));
    assert_eq!(CONFIG.env_vars(), ["OPENAI_API_KEY"]);

    // The constants are `&'static`, so names borrowed from them outlive any statement.
    let fast: &'static str = aliases::FAST.name();
    let resolver = CONFIG.resolver();
    assert!(resolver.is_ok() || fast.is_empty());
}
