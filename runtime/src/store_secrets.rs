//! The default [`SecretSource`]: the embedded secret store, opened when first needed. Kept apart
//! from the key lookup chain so that the store, which holds [`SecretMap`]s, is a one-way
//! dependency of the resolver and never imports it back.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use secrecy::SecretString;

use crate::credential::SecretSource;
use crate::error::SecretSourceError;
use crate::source::{
    CachedKey, CommandSpec, FileKeyCache, KeyCache, KeyClock, KeyFreshness, SourceError,
};
use crate::store::SecretMap;
use crate::store::{Secret, SecretStore};

/// The embedded secret store ([`crate::store::SecretStore`]), opened when first needed, with
/// key commands cached ([`KeyCache`]) and key files read again only when they change
/// ([`FileKeyCache`]). Clones share the caches; each [`crate::Resolver`] built without a
/// secret source has its own.
#[derive(Clone, Debug, Default)]
pub struct StoreSecrets {
    dir: Option<PathBuf>,
    commands: Arc<KeyCache>,
    files: Arc<FileKeyCache>,
}

impl StoreSecrets {
    /// The store at `LLMCFG_SECRETS_DIR`, else the platform config dir.
    pub fn new() -> Self {
        Self::default()
    }

    /// The store at `dir`.
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: Some(dir.into()),
            ..Self::default()
        }
    }

    /// Times the command cache by `clock` instead of the system clock (tests pass a
    /// [`crate::source::ManualKeyClock`]). Starts an empty cache.
    pub fn key_clock(mut self, clock: impl KeyClock + 'static) -> Self {
        self.commands = Arc::new(KeyCache::with_clock(clock));
        self
    }

    /// Whether a usable key of `spec`'s command is cached and how fresh, without running it.
    pub fn command_state(&self, spec: &CommandSpec<'_>) -> Option<KeyFreshness> {
        self.commands.state(spec)
    }
}

impl SecretSource for StoreSecrets {
    fn secret(&self, name: &str) -> Result<Option<SecretMap>, SecretSourceError> {
        let store = match &self.dir {
            Some(dir) => SecretStore::open(dir),
            None => SecretStore::open_default(),
        }
        .map_err(SecretSourceError::new)?;
        let secret = store.get(name).map_err(SecretSourceError::new)?;
        Ok(secret.map(Secret::into_values))
    }

    fn read_file(&self, path: &Path) -> Result<SecretString, SourceError> {
        self.files.read(path)
    }

    /// The command with the default TTL and one-line output, through the cache.
    fn run_command(&self, argv: &[&str]) -> Result<SecretString, SourceError> {
        self.commands.get(&CommandSpec::new(argv)).map(|c| c.key)
    }

    /// The key of a command credential through the cache (its TTL and output mode in `spec`),
    /// and whether it is fresh or served after a failed refresh.
    fn command_key(&self, spec: &CommandSpec<'_>) -> Result<CachedKey, SourceError> {
        self.commands.get(spec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreError;

    #[cfg(unix)]
    #[test]
    fn store_errors_stay_typed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let store = dir.path().join("store");
        std::fs::create_dir(&store).expect("mkdir");
        std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        let err = StoreSecrets::at(&store)
            .secret("openai-creds")
            .expect_err("a world-writable store is refused");
        assert!(
            matches!(
                err.downcast_ref::<StoreError>(),
                Some(StoreError::Insecure { .. })
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("chmod"), "{err}");
        assert_eq!(err.clone(), err);
    }

    #[test]
    fn a_missing_store_has_no_secret() {
        let dir = tempfile::tempdir().expect("tempdir");
        let got = StoreSecrets::at(dir.path().join("none")).secret("x");
        assert!(matches!(got, Ok(None)), "{got:?}");
    }
}
