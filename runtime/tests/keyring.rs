//! Issue 15: `read_keyring` through `keyring-core`'s default store, and on Linux against the
//! real kernel keyring when no default store is set. One test, because the default store is
//! process-wide state.

#![cfg(feature = "keyring")]

use std::sync::Arc;

use llmcfg::ExposeSecret;
use llmcfg::source::keyring_core::{self, CredentialStore, Entry, mock};
use llmcfg::source::{KeyringProblem, SourceError, read_keyring};

#[test]
fn read_keyring_uses_the_default_store_else_the_kernel_keyring() {
    // A service name no other process uses, so the session keyring is not shared.
    let service = format!("llmcfg-test-{}", std::process::id());
    #[cfg(target_os = "linux")]
    {
        // A session keyring of this thread's own: without a login session (CI, a container)
        // the process has only the user-session fallback, to which the store cannot link.
        linux_keyutils::KeyRing::from_special_id(linux_keyutils::KeyRingIdentifier::Session, true)
            .expect("a session keyring");
        let kernel: Arc<CredentialStore> =
            linux_keyutils_keyring_store::Store::new().expect("keyutils store");
        let entry = Entry::new_in_store(&kernel, &service, "openai").expect("entry");
        entry.set_password("sk-kernel-keyring").expect("add_key");
        let got = read_keyring(&service, "openai");
        let _ = entry.delete_credential();
        assert_eq!(
            got.expect("from the kernel keyring").expose_secret(),
            "sk-kernel-keyring"
        );
        let err = read_keyring(&service, "openai").expect_err("deleted");
        assert!(
            matches!(&err, SourceError::Keyring { problem, .. } if **problem == KeyringProblem::Missing),
            "{err}"
        );
    }

    let store: Arc<CredentialStore> = mock::Store::new().expect("mock store");
    Entry::new_in_store(&store, &service, "openai")
        .expect("entry")
        .set_password("sk-from-the-default-store")
        .expect("set");
    keyring_core::set_default_store(store);
    let got = read_keyring(&service, "openai");
    keyring_core::unset_default_store();
    assert_eq!(
        got.expect("from the default store").expose_secret(),
        "sk-from-the-default-store"
    );
}
