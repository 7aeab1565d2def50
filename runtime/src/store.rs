//! The embedded secret store: one file per secret under `LLMCFG_SECRETS_DIR` (else the
//! platform config dir), written atomically under an advisory lock, owner-only by default.
//!
//! Layout: the store directory (mode `0700`) holds `NAME.json` per secret (`0600` private,
//! `0640` public), a `.lock` file for the advisory write lock, and short-lived `.tmp-*` files
//! while a write is in flight. Secret names never start with `.`, so they cannot collide with
//! those, and they never contain a separator, so they cannot escape the directory.
//!
//! Every write is a read-modify-write under the exclusive lock: the new content goes to a temp
//! file in the same directory created with its final permissions, is fsynced, renamed over the
//! old file and the directory is fsynced. Readers take no lock: a rename is atomic, so a reader
//! sees the old or the new version, never a torn one. Before the content of any file is trusted
//! its owner and mode are checked; a file or directory others could have written is refused.

mod format;
mod fsx;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use llmcfg_core::vocab::{is_env_var_name, is_secret_name};
/// Re-exported so callers can build and read values without depending on `secrecy` directly.
pub use secrecy::{ExposeSecret, SecretString};

use crate::credential::SecretMap;

/// The environment variable naming the store directory.
pub const SECRETS_DIR_ENV: &str = "LLMCFG_SECRETS_DIR";

/// Errors of the secret store. Never carries a secret value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A secret name outside `[A-Za-z0-9_.-]{1,128}` or starting with `.`.
    #[error(
        "invalid secret name {name:?}: use 1 to 128 characters of A-Z a-z 0-9 _ . - \
         (not starting with '.')"
    )]
    InvalidName {
        /// The refused name.
        name: String,
    },
    /// A key that is not an environment-variable name.
    #[error("invalid key {key:?}: keys are environment-variable names ([A-Za-z_][A-Za-z0-9_]*)")]
    InvalidKey {
        /// The refused key.
        key: String,
    },
    /// A key given with an empty value.
    #[error("empty value for key {key}: a secret value cannot be empty")]
    EmptyValue {
        /// The key.
        key: String,
    },
    /// The same key given twice in one write.
    #[error("key {key} is given more than once")]
    DuplicateKey {
        /// The key.
        key: String,
    },
    /// A write with no key/value pair.
    #[error("no key/value pairs given for secret {name}")]
    NoValues {
        /// The secret's name.
        name: String,
    },
    /// No `LLMCFG_SECRETS_DIR` and no platform config directory (no home directory).
    #[error(
        "cannot locate the secret store: {SECRETS_DIR_ENV} is not set and there is no \
         platform config directory (no home directory)"
    )]
    NoStoreDir,
    /// An I/O operation failed.
    #[error("cannot {action} {path}")]
    Io {
        /// What was being done (`"read"`, `"create directory"`, …).
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A store directory or secret file others could have written, or owned by another user.
    #[error("refusing {path}: {problem}; fix it with `{fix}`")]
    Insecure {
        /// The offending path.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
        /// The shell command that fixes it.
        fix: String,
    },
    /// A secret path that is a symlink, directory or other non-regular file.
    #[error("refusing {path}: not a regular file (symlinks are not followed inside the store)")]
    NotAFile {
        /// The offending path.
        path: PathBuf,
    },
    /// A secret file that does not parse or does not match its name.
    #[error("secret file {path} is corrupt: {detail}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong, without any of the file's content.
        detail: String,
    },
}

impl StoreError {
    /// A short stable kebab-case code for machine-readable output.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidName { .. } => "invalid-name",
            Self::InvalidKey { .. } => "invalid-key",
            Self::EmptyValue { .. } => "empty-value",
            Self::DuplicateKey { .. } => "duplicate-key",
            Self::NoValues { .. } => "no-values",
            Self::NoStoreDir => "no-store-dir",
            Self::Io { .. } => "io",
            Self::Insecure { .. } => "insecure",
            Self::NotAFile { .. } => "not-a-file",
            Self::Corrupt { .. } => "corrupt",
        }
    }
}

/// Who may read a secret's file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Visibility {
    /// Owner and group may read the file (`0640`). The default, as in the reference tool.
    #[default]
    Public,
    /// Only the owner may read the file (`0600`).
    Private,
}

impl Visibility {
    /// `"public"` or `"private"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Private => "private",
        }
    }

    /// The Unix permission bits of a secret file with this visibility.
    pub fn file_mode(self) -> u32 {
        match self {
            Self::Public => 0o640,
            Self::Private => 0o600,
        }
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secret: named key/value pairs, each value a [`SecretString`].
///
/// `Debug` shows the name, visibility and key names, never a value.
pub struct Secret {
    name: String,
    visibility: Visibility,
    created: u64,
    updated: u64,
    values: SecretMap,
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secret")
            .field("name", &self.name)
            .field("visibility", &self.visibility)
            .field("created", &self.created)
            .field("updated", &self.updated)
            .field("keys", &self.values.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Secret {
    /// The secret's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Whether the secret is private (owner-only file).
    pub fn is_private(&self) -> bool {
        self.visibility == Visibility::Private
    }
    /// The secret's visibility.
    pub fn visibility(&self) -> Visibility {
        self.visibility
    }
    /// When the secret was created, in seconds since the Unix epoch.
    pub fn created(&self) -> u64 {
        self.created
    }
    /// When the secret was last written, in seconds since the Unix epoch.
    pub fn updated(&self) -> u64 {
        self.updated
    }
    /// The key/value pairs. `Debug` of the map shows keys only.
    pub fn values(&self) -> &SecretMap {
        &self.values
    }
    /// The key/value pairs, without the metadata.
    pub fn into_values(self) -> SecretMap {
        self.values
    }
}

/// What [`SecretStore::set`] did.
#[derive(Debug)]
#[non_exhaustive]
pub struct SetOutcome {
    /// The secret as written.
    pub secret: Secret,
    /// Whether the secret was created (else an existing one was updated).
    pub created: bool,
    /// Keys that were not in the secret before, sorted.
    pub added: Vec<String>,
    /// Keys whose value was replaced, sorted.
    pub overwritten: Vec<String>,
}

/// A secret store directory.
#[derive(Debug, Clone)]
pub struct SecretStore {
    dir: PathBuf,
}

impl SecretStore {
    /// Opens the store at `dir`. The directory is created on the first write; if it exists its
    /// ownership and permissions are checked now.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, StoreError> {
        let store = Self {
            dir: dir.as_ref().to_path_buf(),
        };
        store.check_dir_if_exists()?;
        Ok(store)
    }

    /// Opens the store at `LLMCFG_SECRETS_DIR` (when set and non-empty), else the platform
    /// config dir (`~/.config/llmcfg/secrets` on Linux).
    pub fn open_default() -> Result<Self, StoreError> {
        Self::open(Self::default_dir()?)
    }

    /// The directory [`open_default`](Self::open_default) uses.
    pub fn default_dir() -> Result<PathBuf, StoreError> {
        if let Some(dir) = std::env::var_os(SECRETS_DIR_ENV).filter(|d| !d.is_empty()) {
            return Ok(PathBuf::from(dir));
        }
        let base = directories::BaseDirs::new().ok_or(StoreError::NoStoreDir)?;
        Ok(base.config_dir().join("llmcfg").join("secrets"))
    }

    /// The store directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file that holds secret `name`; refuses names that are not secret names.
    pub fn secret_path(&self, name: &str) -> Result<PathBuf, StoreError> {
        if !is_secret_name(name) {
            return Err(StoreError::InvalidName {
                name: name.to_owned(),
            });
        }
        Ok(self.dir.join(format!("{name}.json")))
    }

    /// Reads a secret; `Ok(None)` when it does not exist.
    pub fn get(&self, name: &str) -> Result<Option<Secret>, StoreError> {
        let path = self.secret_path(name)?;
        if !self.check_dir_if_exists()? {
            return Ok(None);
        }
        self.read_checked(name, &path)
    }

    /// Every secret in the store, sorted by name. Files in the directory that are not secrets
    /// (hidden files, other extensions) are ignored; a secret file that is insecure or corrupt
    /// is an error.
    pub fn list(&self) -> Result<Vec<Secret>, StoreError> {
        if !self.check_dir_if_exists()? {
            return Ok(Vec::new());
        }
        let io = |source| StoreError::Io {
            action: "list",
            path: self.dir.clone(),
            source,
        };
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&self.dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            let file_name = entry.file_name();
            let Some(file_name) = file_name.to_str() else {
                continue;
            };
            if let Some(name) = file_name
                .strip_suffix(".json")
                .filter(|n| is_secret_name(n))
            {
                names.push(name.to_owned());
            }
        }
        names.sort();
        let mut secrets = Vec::with_capacity(names.len());
        for name in names {
            let path = self.dir.join(format!("{name}.json"));
            // A secret deleted between the listing and the read is simply gone.
            if let Some(secret) = self.read_checked(&name, &path)? {
                secrets.push(secret);
            }
        }
        Ok(secrets)
    }

    /// Creates secret `name` or updates it: the given keys are added or overwritten, the others
    /// kept. `visibility` applies when the secret is created; an existing secret keeps its own.
    ///
    /// Keys must be environment-variable names, values non-empty, keys distinct and at least
    /// one given; all of that is checked before the disk is touched.
    pub fn set<I, K>(
        &self,
        name: &str,
        values: I,
        visibility: Visibility,
    ) -> Result<SetOutcome, StoreError>
    where
        I: IntoIterator<Item = (K, SecretString)>,
        K: Into<String>,
    {
        let path = self.secret_path(name)?;
        let mut given = BTreeMap::new();
        for (key, value) in values {
            let key = key.into();
            if !is_env_var_name(&key) {
                return Err(StoreError::InvalidKey { key });
            }
            if value.expose_secret().is_empty() {
                return Err(StoreError::EmptyValue { key });
            }
            if given.contains_key(&key) {
                return Err(StoreError::DuplicateKey { key });
            }
            given.insert(key, value);
        }
        if given.is_empty() {
            return Err(StoreError::NoValues {
                name: name.to_owned(),
            });
        }

        self.ensure_dir()?;
        let _lock = fsx::lock_store(&self.dir)?;
        fsx::remove_stale_temp_files(&self.dir);
        let existing = self.read_checked(name, &path)?;
        let now = now_unix();
        let (mut secret, created) = match existing {
            Some(secret) => (secret, false),
            None => (
                Secret {
                    name: name.to_owned(),
                    visibility,
                    created: now,
                    updated: now,
                    values: SecretMap::new(),
                },
                true,
            ),
        };
        let mut added = Vec::new();
        let mut overwritten = Vec::new();
        for (key, value) in given {
            if secret
                .values
                .as_map_mut()
                .insert(key.clone(), value)
                .is_some()
            {
                overwritten.push(key);
            } else {
                added.push(key);
            }
        }
        secret.updated = now.max(secret.updated);
        let bytes = format::encode(&secret).map_err(|source| StoreError::Io {
            action: "encode",
            path: path.clone(),
            source: source.into(),
        })?;
        fsx::write_atomic(&self.dir, &path, &bytes, secret.visibility.file_mode())?;
        Ok(SetOutcome {
            secret,
            created,
            added,
            overwritten,
        })
    }

    /// Deletes secret `name`; `Ok(false)` when it did not exist.
    pub fn delete(&self, name: &str) -> Result<bool, StoreError> {
        let path = self.secret_path(name)?;
        if !self.check_dir_if_exists()? {
            return Ok(false);
        }
        let _lock = fsx::lock_store(&self.dir)?;
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(source) => {
                return Err(StoreError::Io {
                    action: "delete",
                    path,
                    source,
                });
            }
        }
        fsx::sync_dir(&self.dir)?;
        Ok(true)
    }

    /// Checks the directory when it exists; `Ok(false)` when it does not.
    fn check_dir_if_exists(&self) -> Result<bool, StoreError> {
        match std::fs::metadata(&self.dir) {
            Ok(meta) => {
                fsx::check_dir(&self.dir, &meta)?;
                Ok(true)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(source) => Err(StoreError::Io {
                action: "inspect",
                path: self.dir.clone(),
                source,
            }),
        }
    }

    fn ensure_dir(&self) -> Result<(), StoreError> {
        if !self.check_dir_if_exists()? {
            fsx::create_dir(&self.dir)?;
            self.check_dir_if_exists()?;
        }
        Ok(())
    }

    /// Reads, checks and parses the file of secret `name`.
    fn read_checked(&self, name: &str, path: &Path) -> Result<Option<Secret>, StoreError> {
        let Some(raw) = fsx::read_secret_file(path)? else {
            return Ok(None);
        };
        let secret = format::decode(name, path, &raw.bytes)?;
        fsx::check_visibility(path, raw.mode, secret.visibility)?;
        Ok(Some(secret))
    }
}

fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
