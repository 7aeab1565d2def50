//! `kind = "keyring"`: a key in the OS credential store, through the `keyring` crate family
//! (`keyring-core` and one store crate per platform), behind the `keyring` feature.

#[cfg(feature = "keyring")]
use std::sync::Arc;

use secrecy::SecretString;

use super::SourceError;
#[cfg(feature = "keyring")]
use super::off_async_workers;

#[cfg(feature = "keyring")]
pub use keyring_core;

/// What went wrong reading an OS keyring entry. Never carries the entry's content.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyringProblem {
    /// This build has no keyring support (the `keyring` feature is off).
    NotBuilt,
    /// No store to read: no default was set and the platform has no built-in fallback.
    NoStore,
    /// The store has no entry for the service and account.
    Missing,
    /// The store is locked or access was refused; the platform's reason.
    NoAccess(String),
    /// The store failed; the platform's reason.
    Failed(String),
    /// Several entries match the service and account.
    Ambiguous,
    /// The entry is not UTF-8 text, or is malformed for its store.
    NotText,
    /// The entry is empty or holds a control character, which no key holds.
    NotAKey,
}

impl std::fmt::Display for KeyringProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyringProblem::NotBuilt => f.write_str(
                "this build cannot read OS keyrings: enable the `keyring` feature of llmcfg",
            ),
            KeyringProblem::NoStore => f.write_str(
                "no credential store is set: call \
                 `llmcfg::source::keyring_core::set_default_store(…)` at start-up with your \
                 platform's store",
            ),
            KeyringProblem::Missing => f.write_str("there is no such entry"),
            KeyringProblem::NoAccess(reason) => write!(f, "access was refused: {reason}"),
            KeyringProblem::Failed(reason) => write!(f, "the store failed: {reason}"),
            KeyringProblem::Ambiguous => f.write_str("several entries match"),
            KeyringProblem::NotText => f.write_str("the entry is not UTF-8 text"),
            KeyringProblem::NotAKey => {
                f.write_str("the entry is empty or holds a control character")
            }
        }
    }
}

/// Reads the key stored for `service` and `account` in the OS credential store. The entry's
/// text, trimmed, is the key; an empty one, or one holding a control character, is refused.
///
/// Which store is read: the one the application made `keyring-core`'s default with
/// `llmcfg::source::keyring_core::set_default_store(…)` (re-exported so the versions match) —
/// the macOS Keychain (`apple-native-keyring-store`), the Windows Credential Manager
/// (`windows-native-keyring-store`), Secret Service (`dbus-secret-service-keyring-store`) —
/// else, on Linux, the kernel keyring (`linux-keyutils-keyring-store`), which needs no daemon
/// but does need a session keyring (a login session, or `keyctl session`): a process left with
/// only the user-session fallback cannot link keys there and gets
/// [`KeyringProblem::NoAccess`]. Elsewhere, without a default store, the lookup fails with
/// [`KeyringProblem::NoStore`], which says which call to add.
///
/// Tested how: against `keyring-core`'s mock store (a key found and trimmed, a missing entry,
/// the store's `NoEntry`, `BadEncoding`, `Ambiguous` and `NoStorageAccess` errors, blank or
/// control-character content) and, on Linux, against the real kernel keyring (a key added
/// through `linux-keyutils-keyring-store`, read back, deleted, then reported missing). The
/// macOS, Windows and Secret Service stores are not exercised by this crate's tests.
pub fn read_keyring(service: &str, account: &str) -> Result<SecretString, SourceError> {
    #[cfg(feature = "keyring")]
    {
        match default_store() {
            Some(store) => read_keyring_in(&store, service, account),
            None => Err(failed(service, account, KeyringProblem::NoStore)),
        }
    }
    #[cfg(not(feature = "keyring"))]
    {
        Err(failed(service, account, KeyringProblem::NotBuilt))
    }
}

/// [`read_keyring`] from a given store (a test passes `keyring_core::mock::Store::new()`).
#[cfg(feature = "keyring")]
pub fn read_keyring_in(
    store: &Arc<keyring_core::CredentialStore>,
    service: &str,
    account: &str,
) -> Result<SecretString, SourceError> {
    let problem = |p| failed(service, account, p);
    let read = off_async_workers(|| {
        keyring_core::Entry::new_in_store(store, service, account)?.get_secret()
    });
    let bytes = zeroize::Zeroizing::new(read.map_err(|e| problem(classify(e)))?);
    let text = std::str::from_utf8(&bytes).map_err(|_| problem(KeyringProblem::NotText))?;
    let key = text.trim();
    if key.is_empty() || key.chars().any(char::is_control) {
        return Err(problem(KeyringProblem::NotAKey));
    }
    Ok(SecretString::from(key))
}

/// The application's default store, else the kernel keyring on Linux.
#[cfg(feature = "keyring")]
fn default_store() -> Option<Arc<keyring_core::CredentialStore>> {
    if let Some(store) = keyring_core::get_default_store() {
        return Some(store);
    }
    #[cfg(target_os = "linux")]
    {
        let store: Arc<keyring_core::CredentialStore> =
            linux_keyutils_keyring_store::Store::new().ok()?;
        Some(store)
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// The store's error as a problem; the variants carrying the entry's bytes keep none of them.
#[cfg(feature = "keyring")]
fn classify(error: keyring_core::Error) -> KeyringProblem {
    use keyring_core::Error as E;
    match error {
        E::NoEntry => KeyringProblem::Missing,
        E::NoStorageAccess(e) => KeyringProblem::NoAccess(e.to_string()),
        E::PlatformFailure(e) => KeyringProblem::Failed(e.to_string()),
        E::BadEncoding(_) | E::BadDataFormat(..) => KeyringProblem::NotText,
        E::Ambiguous(_) => KeyringProblem::Ambiguous,
        E::NoDefaultStore => KeyringProblem::NoStore,
        other => KeyringProblem::Failed(other.to_string()),
    }
}

fn failed(service: &str, account: &str, problem: KeyringProblem) -> SourceError {
    SourceError::Keyring {
        service: service.to_string(),
        account: account.to_string(),
        problem: Box::new(problem),
    }
}

#[cfg(all(test, feature = "keyring"))]
mod tests {
    use super::*;
    use keyring_core::mock;
    use secrecy::ExposeSecret;

    fn store_with(
        service: &str,
        account: &str,
        secret: &[u8],
    ) -> Arc<keyring_core::CredentialStore> {
        let store: Arc<keyring_core::CredentialStore> = mock::Store::new().expect("mock store");
        let entry = keyring_core::Entry::new_in_store(&store, service, account).expect("entry");
        entry.set_secret(secret).expect("set");
        store
    }

    #[test]
    fn a_stored_key_is_read_trimmed() {
        let store = store_with("llmcfg", "openai", b"  sk-keyring\n");
        let key = read_keyring_in(&store, "llmcfg", "openai").expect("found");
        assert_eq!(key.expose_secret(), "sk-keyring");
    }

    #[test]
    fn a_missing_entry_names_the_service_and_account() {
        let store = store_with("llmcfg", "openai", b"sk-canary");
        let err = read_keyring_in(&store, "llmcfg", "anthropic").expect_err("missing");
        assert_eq!(
            err.to_string(),
            "OS keyring entry service `llmcfg` account `anthropic`: there is no such entry"
        );
    }

    /// No reason carries the entry: not its bytes, not the store's messages about them.
    #[test]
    fn store_errors_are_typed_and_carry_no_secret() {
        let cases = [
            (
                keyring_core::Error::BadEncoding(b"sk-canary\xff".to_vec()),
                KeyringProblem::NotText,
            ),
            (keyring_core::Error::NoEntry, KeyringProblem::Missing),
            (
                keyring_core::Error::Ambiguous(Vec::new()),
                KeyringProblem::Ambiguous,
            ),
            (
                keyring_core::Error::NoStorageAccess("the keychain is locked".into()),
                KeyringProblem::NoAccess("the keychain is locked".into()),
            ),
        ];
        for (error, want) in cases {
            let store = store_with("llmcfg", "openai", b"sk-canary");
            let entry =
                keyring_core::Entry::new_in_store(&store, "llmcfg", "openai").expect("entry");
            let cred: &mock::Cred = entry.as_any().downcast_ref().expect("a mock credential");
            cred.set_error(error);
            let err = read_keyring_in(&store, "llmcfg", "openai").expect_err("fails");
            assert!(
                matches!(&err, SourceError::Keyring { problem, .. } if **problem == want),
                "{err:?}"
            );
            assert!(!format!("{err} {err:?}").contains("canary"), "{err:?}");
        }
        for bad in [&b"sk-a\x1b[2J"[..], b"   ", b"sk\xffx"] {
            let store = store_with("llmcfg", "openai", bad);
            let err = read_keyring_in(&store, "llmcfg", "openai").expect_err("not a key");
            assert!(!format!("{err:?}").contains("sk-a"), "{err:?}");
        }
    }
}
