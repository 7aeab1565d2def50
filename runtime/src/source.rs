//! Key sources beyond the environment: `kind = "file"` (secret mounts) and `kind = "command"`
//! (a secret manager's CLI, run as argv without a shell).
//!
//! INTERFACE STUB — the secret-store work (issue 5) replaces the bodies.

use std::path::Path;
use std::time::Duration;

use secrecy::SecretString;

/// Why a file or command could not give a key. Never carries the key or the command's stdout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// Not implemented yet (interface stub).
    #[error("{0}: not available yet")]
    Unavailable(String),
}

/// How long a `kind = "command"` credential may run before it is killed.
pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_secs(10);

/// Reads a key from a file, stripping one trailing newline.
pub fn read_key_file(path: &Path) -> Result<SecretString, SourceError> {
    Err(SourceError::Unavailable(path.display().to_string()))
}

/// Runs `argv` (no shell) and returns its trimmed stdout as the key.
pub fn run_key_command(argv: &[&str], timeout: Duration) -> Result<SecretString, SourceError> {
    let _ = timeout;
    Err(SourceError::Unavailable(argv.first().copied().unwrap_or("").to_string()))
}
