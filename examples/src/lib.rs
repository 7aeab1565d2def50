//! The example application's library: its compile-time checked config, an OpenAI-compatible
//! chat request built from a resolved alias, and a local mock server for the demo and tests.

pub mod chat;
pub mod mock;

/// The application's LLM config, validated while this crate compiles.
pub mod llm {
    llmcfg::include_llm_config!("llm.toml");
}
