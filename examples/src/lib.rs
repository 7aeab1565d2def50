//! The example application's library: its compile-time checked config, local stand-ins for an
//! OpenAI-shaped and an Anthropic-shaped API, and the demo's calls through llmcfg's executor.

pub mod demo;
pub mod mock;

/// The application's LLM config, validated while this crate compiles.
pub mod llm {
    llmcfg::include_llm_config!("llm.toml");
}
