//! What can go wrong in the store, and what it warns about: never carrying a secret value.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use super::SECRETS_DIR_VAR;

/// Errors of the secret store. Never carries a secret value.
#[derive(Debug)]
#[non_exhaustive]
pub enum StoreError {
    /// A secret name outside `[A-Za-z0-9_.-]{1,128}` or starting with `.`.
    InvalidName {
        /// The refused name.
        name: String,
    },
    /// A key that is not an environment-variable name.
    InvalidKey {
        /// The refused key.
        key: String,
    },
    /// A key given with an empty value.
    EmptyValue {
        /// The key.
        key: String,
    },
    /// The same key given twice in one write.
    DuplicateKey {
        /// The key.
        key: String,
    },
    /// A write with no key/value pair.
    NoValues {
        /// The secret's name.
        name: String,
    },
    /// No `LLMCFG_SECRETS_DIR` and no platform config directory (no home directory).
    NoStoreDir,
    /// An I/O operation failed.
    Io {
        /// What was being done (`"read"`, `"create directory"`, …).
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A store directory or secret file others could have written, or owned by another user.
    Insecure {
        /// The offending path.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
        /// The shell command that fixes it.
        fix: String,
    },
    /// A secret path that is a symlink, directory or other non-regular file.
    NotAFile {
        /// The offending path.
        path: PathBuf,
    },
    /// A secret file that does not parse or does not match its name.
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong, without any of the file's content.
        detail: String,
    },
    /// Another process held the store's write lock for the whole timeout.
    Locked {
        /// The lock file.
        path: PathBuf,
        /// How long this process waited.
        waited: Duration,
    },
}

// By hand rather than thiserror's derive: no syn in users' builds (issue 12).
impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidName { name } => write!(
                f,
                "invalid secret name {name:?}: use 1 to 128 characters of A-Z a-z 0-9 _ . - \
                 (not starting with '.')"
            ),
            Self::InvalidKey { key } => write!(
                f,
                "invalid key {key:?}: keys are environment-variable names ([A-Za-z_][A-Za-z0-9_]*)"
            ),
            Self::EmptyValue { key } => {
                write!(
                    f,
                    "empty value for key {key}: a secret value cannot be empty"
                )
            }
            Self::DuplicateKey { key } => write!(f, "key {key} is given more than once"),
            Self::NoValues { name } => write!(f, "no key/value pairs given for secret {name}"),
            Self::NoStoreDir => write!(
                f,
                "cannot locate the secret store: {SECRETS_DIR_VAR} is not set and there is no \
                 platform config directory (no home directory)"
            ),
            Self::Io { action, path, .. } => write!(f, "cannot {action} {}", path.display()),
            Self::Insecure { path, problem, fix } => write!(
                f,
                "refusing {}: {problem}; fix it with `{fix}`",
                path.display()
            ),
            Self::NotAFile { path } => write!(
                f,
                "refusing {}: not a regular file (symlinks are not followed inside the store)",
                path.display()
            ),
            Self::Corrupt { path, detail } => {
                write!(f, "secret file {} is corrupt: {detail}", path.display())
            }
            Self::Locked { path, waited } => write!(
                f,
                "the secret store is locked by another process ({path} held for {waited:?}); retry when \
                 it finishes, or find it with `fuser {path}`",
                path = path.display()
            ),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            _ => None,
        }
    }
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
            Self::Locked { .. } => "locked",
        }
    }
}

/// Something about the store that does not stop it from working but should be fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreWarning {
    /// The directory holding the store can be written by group or others, who could rename
    /// the store away and put their own in its place.
    WritableParent {
        /// The parent directory.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
        /// The shell command that fixes it.
        fix: String,
    },
}

impl fmt::Display for StoreWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WritableParent { path, mode, fix } => write!(
                f,
                "{} (the directory holding the secret store) is writable by group or others \
                 (mode {mode:04o}), so they could replace the store; fix it with `{fix}`",
                path.display()
            ),
        }
    }
}
