//! The embedded secret store: one file per secret under `LLMCFG_SECRETS_DIR` (else the
//! platform config dir), written atomically under an advisory lock, owner-only by default.
//!
//! INTERFACE STUB — the secret-store work (issue 5) replaces the bodies; the signatures are the
//! contract the resolver codes against.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use secrecy::SecretString;

/// Errors of the secret store. Never carries a secret value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store is not implemented yet (interface stub).
    #[error("the secret store at {path} is not available yet")]
    Unavailable {
        /// The store directory.
        path: PathBuf,
    },
}

/// A secret: named key/value pairs, each value a [`SecretString`].
#[derive(Debug)]
pub struct Secret {
    name: String,
    private: bool,
    values: BTreeMap<String, SecretString>,
}

impl Secret {
    /// The secret's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Whether the secret is private (owner-only file).
    pub fn is_private(&self) -> bool {
        self.private
    }
    /// The value stored under `key`.
    pub fn get(&self, key: &str) -> Option<&SecretString> {
        self.values.get(key)
    }
    /// The key names, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }
}

/// A secret store directory.
#[derive(Debug, Clone)]
pub struct SecretStore {
    dir: PathBuf,
}

impl SecretStore {
    /// Opens the store at `dir`.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, StoreError> {
        Ok(Self { dir: dir.as_ref().to_path_buf() })
    }
    /// Opens the store at `LLMCFG_SECRETS_DIR`, else the platform config dir.
    pub fn open_default() -> Result<Self, StoreError> {
        Err(StoreError::Unavailable { path: PathBuf::new() })
    }
    /// The store directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    /// Reads a secret; `Ok(None)` when it does not exist.
    pub fn get(&self, name: &str) -> Result<Option<Secret>, StoreError> {
        let _ = name;
        Err(StoreError::Unavailable { path: self.dir.clone() })
    }
}
