//! The runtime of [llmcfg](https://docs.rs/llmcfg): configs, alias resolution, keys, the call
//! executor and the adapters. Use it through the `llmcfg` crate, which re-exports all of it with
//! `include_llm_config!`.
//!
//! A crate of its own so that a cold build compiles it while the proc macro and the validator
//! it runs are compiled on the other core (issue 12): the facade waits for both, this crate for
//! neither.

pub mod adapter;
pub mod call;
mod config;
mod credential;
mod env;
mod error;
mod explain;
mod json;
mod key;
#[cfg(feature = "load")]
mod load;
mod registry;
mod request;
mod resolve;
mod select;
pub mod source;
pub mod store;
mod store_secrets;
#[cfg(unix)]
mod sys;

pub use call::{CallError, Called, Executor};
pub use config::{
    Alias, Backend, BackendKind, Config, Credential, CredentialKind, Hosting, KeyOutput, Op,
    Policy, Transport,
};
pub use credential::SecretSource;
pub use env::{Env, Environment, ProcessEnv};
pub use error::{Filtered, Reason, RegistryError, ResolveError, SecretError, SecretSourceError};
pub use explain::{Candidate, Explanation, KeyOrigin, KeyState, PoolKey, Status};
pub use key::{ApiKey, KeySource, KeySourceKind};
pub use llmcfg_core::Options;
pub use llmcfg_core::vocab::{PROVIDERS, Provider};
#[cfg(feature = "load")]
pub use load::LoadError;
pub use registry::REGISTRY_VAR;
pub use request::{Endpoint, Request, Resolved, Selection};
pub use resolve::{DEFAULT_MODEL_VAR, Resolver, ResolverBuilder};
pub use secrecy::{ExposeSecret, SecretString};
pub use store::SecretMap;
pub use store_secrets::StoreSecrets;

impl Config {
    /// A [`Resolver`] over the process environment and the default secret store.
    pub fn resolver(&self) -> Result<Resolver<'_>, ResolveError> {
        Resolver::new(self)
    }

    /// The env vars this config references that are set and non-empty in the process
    /// environment (see [`Resolver::global_environment`]).
    pub fn global_environment(&self) -> Environment {
        env::collect(&ProcessEnv, resolve::referenced_vars(self, &[]))
    }
}

/// Reads secret `name` from the default secret store, for non-LLM use.
pub fn get_secret(name: &str) -> Result<SecretMap, SecretError> {
    get_secret_from(&StoreSecrets::new(), name)
}

/// The env map for a child process: every key of each named secret in the default store
/// (later names win on a clash).
pub fn secret_environment(names: &[&str]) -> Result<Environment, SecretError> {
    secret_environment_from(&StoreSecrets::new(), names)
}

pub(crate) fn get_secret_from(
    source: &dyn SecretSource,
    name: &str,
) -> Result<SecretMap, SecretError> {
    if !llmcfg_core::vocab::is_secret_name(name) {
        return Err(SecretError::InvalidName {
            name: name.to_string(),
        });
    }
    match source.secret(name) {
        Ok(Some(secret)) => Ok(secret),
        Ok(None) => Err(SecretError::NotFound {
            name: name.to_string(),
        }),
        Err(error) => Err(SecretError::Store {
            name: name.to_string(),
            error,
        }),
    }
}

pub(crate) fn secret_environment_from(
    source: &dyn SecretSource,
    names: &[&str],
) -> Result<Environment, SecretError> {
    let mut out = Environment::new();
    for name in names {
        let secret = get_secret_from(source, name)?;
        for (key, value) in secret.iter() {
            if !llmcfg_core::vocab::is_env_var_name(key) {
                return Err(SecretError::InvalidKey {
                    name: name.to_string(),
                    key: key.to_string(),
                });
            }
            out.insert(key, value.clone());
        }
    }
    Ok(out)
}

/// Runtime internals reached by code that `include_llm_config!` generates. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::call::{CallOverrides, RetryOn};
    pub use crate::config::construct::*;
    pub use crate::{Alias, Backend, Config, Credential};
    pub use llmcfg_core::vocab::{
        BackendKind, CredentialKind, Hosting, KeyOutput, Op, Policy, RetryClass, Transport,
    };
    pub use std::borrow::Cow::Borrowed;
    pub use std::option::Option::{None, Some};
    pub use std::time::Duration;
}
