//! Compile-time checked LLM configuration for Rust applications.
//!
//! A TOML file names credentials (env-var names, never keys), backends and model aliases.
//! `include_llm_config!` validates it while the crate compiles and emits typed constants; this
//! crate resolves an alias to a backend, a model and an API key at run time:
//!
//! ```
//! mod llm {
//!     // Validated while the crate compiles; `llm.toml` holds names, never keys.
//!     llmcfg::include_llm_config!("doc/llm.toml");
//! }
//!
//! # fn main() -> Result<(), llmcfg::ResolveError> {
//! // In production `Resolver::new(&llm::CONFIG)` reads the process environment and the
//! // default secret store; here the environment is a map.
//! let env = std::collections::BTreeMap::from([("OPENAI_API_KEY".to_string(), "sk-example".to_string())]);
//! let resolver = llmcfg::Resolver::builder(&llm::CONFIG).env(env).build()?;
//!
//! let fast = resolver.resolve(llm::aliases::FAST)?;
//! assert_eq!(fast.model(), "openai/gpt-5-nano");
//! assert_eq!(fast.base_url(), "https://api.openai.com/v1");
//! assert_eq!(fast.api_key().map(|k| k.expose_secret()), Some("sk-example"));
//! assert_eq!(format!("{:?}", fast.api_key()), "Some(ApiKey([REDACTED]))");
//!
//! // A raw `provider/model` works too; Ollama needs no key.
//! let local = resolver.resolve("ollama/llama3.2")?;
//! assert!(local.api_key().is_none());
//! # Ok(())
//! # }
//! ```
//!
//! Everything but the macro lives in `llmcfg-runtime` and `llmcfg-macros`; this crate re-exports
//! both, so a cold build compiles the runtime while the proc macro (and the validator it runs)
//! compiles on the other core.

#[doc(inline)]
pub use llmcfg_runtime::*;

#[cfg(feature = "macros")]
pub use llmcfg_macros::include_llm_config;
