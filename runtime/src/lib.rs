//! Compile-time checked LLM configuration for Rust applications.
//!
//! A TOML file names credentials (env-var names, never keys), backends and model aliases.
//! `include_llm_config!` validates it while the crate compiles and emits typed constants; this
//! crate resolves an alias to a backend, a model and an API key at run time.

mod config;
pub mod source;
pub mod store;

pub use config::{Alias, Backend, BackendKind, Config, Credential, CredentialKind, Hosting, Op, Policy, Transport};

#[cfg(feature = "macros")]
pub use llmcfg_macros::include_llm_config;

/// Runtime internals reached by code that `include_llm_config!` generates. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::config::construct::*;
    pub use std::borrow::Cow::Borrowed;
    pub use std::option::Option::{None, Some};
    pub use llmcfg_core::vocab::{BackendKind, CredentialKind, Hosting, Op, Policy, Transport};
    pub use crate::{Alias, Backend, Config, Credential};
}
