//! Unit tests of the secret store: round trips, merge rules, name and key validation, and the
//! refusal of insecure files.

use super::*;

fn kv(pairs: &[(&str, &str)]) -> Vec<(String, SecretString)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), SecretString::from(*v)))
        .collect()
}

fn store() -> (tempfile::TempDir, SecretStore) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = SecretStore::open(tmp.path().join("secrets")).expect("open");
    (tmp, store)
}

fn value(secret: &Secret, key: &str) -> String {
    secret
        .values()
        .get(key)
        .map(|v| v.expose_secret().to_owned())
        .unwrap_or_default()
}

#[test]
fn missing_store_reads_as_empty() {
    let (_tmp, store) = store();
    assert!(store.get("nope").expect("get").is_none());
    assert!(store.list().expect("list").secrets.is_empty());
    assert!(!store.delete("nope").expect("delete"));
    assert!(!store.dir().exists(), "reads never create the store");
}

/// A store path that is a file is refused as such, on reads too (`ENOTDIR` from the open).
#[test]
fn a_file_where_the_store_should_be_is_refused() {
    let (_tmp, store) = store();
    std::fs::write(store.dir(), "not a directory").expect("write");
    let err = store.get("a").expect_err("a file is no store");
    assert!(
        matches!(
            &err,
            StoreError::Io {
                action: "use as the store directory",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn set_creates_then_merges() {
    let (_tmp, store) = store();
    let out = store
        .set(
            "openai-creds",
            kv(&[("OPENAI_API_KEY", "sk-1"), ("ORG", "o")]),
            Visibility::Public,
        )
        .expect("set");
    assert!(out.created);
    assert_eq!(out.added, ["OPENAI_API_KEY", "ORG"]);
    assert!(out.overwritten.is_empty());

    let out = store
        .set(
            "openai-creds",
            kv(&[("OPENAI_API_KEY", "sk-2"), ("NEW", "n")]),
            Visibility::Private,
        )
        .expect("set");
    assert!(!out.created);
    assert_eq!(out.added, ["NEW"]);
    assert_eq!(out.overwritten, ["OPENAI_API_KEY"]);
    // Private on an existing public secret makes it private.
    assert_eq!(out.secret.visibility(), Visibility::Private);
    assert!(out.made_private);

    let secret = store.get("openai-creds").expect("get").expect("exists");
    assert_eq!(
        secret.values().keys().collect::<Vec<_>>(),
        ["NEW", "OPENAI_API_KEY", "ORG"]
    );
    assert_eq!(value(&secret, "OPENAI_API_KEY"), "sk-2");
    assert_eq!(value(&secret, "ORG"), "o");
    assert!(secret.is_private());
    // Public never downgrades a private secret.
    let out = store
        .set("openai-creds", kv(&[("ORG", "p")]), Visibility::Public)
        .expect("set");
    assert!(out.secret.is_private() && !out.made_private);
    assert!(secret.updated() >= secret.created());
}

#[cfg(unix)]
#[test]
fn modes_follow_visibility() {
    use std::os::unix::fs::PermissionsExt;
    let (_tmp, store) = store();
    store
        .set("pub", kv(&[("A", "1")]), Visibility::Public)
        .expect("set");
    store
        .set("priv", kv(&[("A", "1")]), Visibility::Private)
        .expect("set");
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o7777;
    assert_eq!(mode(store.dir()), 0o700);
    assert_eq!(mode(&store.dir().join("pub.json")), 0o640);
    assert_eq!(mode(&store.dir().join("priv.json")), 0o600);
    assert!(
        store
            .get("priv")
            .expect("get")
            .expect("exists")
            .is_private()
    );
}

#[test]
fn list_is_sorted_and_ignores_other_files() {
    let (_tmp, store) = store();
    for name in ["b", "a.x", "C"] {
        store
            .set(name, kv(&[("K", "v")]), Visibility::Public)
            .expect("set");
    }
    std::fs::write(store.dir().join("README"), "x").expect("write");
    let names: Vec<_> = store
        .list()
        .expect("list")
        .secrets
        .iter()
        .map(|s| s.name().to_owned())
        .collect();
    assert_eq!(names, ["C", "a.x", "b"]);
    assert!(store.delete("b").expect("delete"));
    assert!(store.get("b").expect("get").is_none());
}

#[test]
fn bad_input_is_refused_before_the_disk() {
    let (_tmp, store) = store();
    for name in ["", "../x", "a/b", ".hidden", "a\0b", "..", &"a".repeat(129)] {
        assert!(
            matches!(store.get(name), Err(StoreError::InvalidName { .. })),
            "{name:?}"
        );
        assert!(
            matches!(
                store.set(name, kv(&[("K", "v")]), Visibility::Public),
                Err(StoreError::InvalidName { .. })
            ),
            "{name:?}"
        );
        assert!(
            matches!(store.delete(name), Err(StoreError::InvalidName { .. })),
            "{name:?}"
        );
    }
    assert!(matches!(
        store.set("s", kv(&[("1X", "v")]), Visibility::Public),
        Err(StoreError::InvalidKey { .. })
    ));
    assert!(matches!(
        store.set("s", kv(&[("K", "")]), Visibility::Public),
        Err(StoreError::EmptyValue { .. })
    ));
    assert!(matches!(
        store.set("s", kv(&[("K", "a"), ("K", "b")]), Visibility::Public),
        Err(StoreError::DuplicateKey { .. })
    ));
    assert!(matches!(
        store.set("s", kv(&[]), Visibility::Public),
        Err(StoreError::NoValues { .. })
    ));
    assert!(!store.dir().exists());
}

#[test]
fn debug_and_errors_never_show_values() {
    let (_tmp, store) = store();
    let out = store
        .set("s", kv(&[("K", "hunter2-value")]), Visibility::Private)
        .expect("set");
    assert!(!format!("{out:?}").contains("hunter2"));
    let secret = store.get("s").expect("get").expect("exists");
    assert!(!format!("{secret:?}").contains("hunter2"));
    // A value of the wrong type in a hand-edited file is reported without echoing it.
    let path = store.dir().join("s.json");
    let text = std::fs::read_to_string(&path)
        .expect("read")
        .replace("\"hunter2-value\"", "12345678987654321");
    std::fs::write(&path, text).expect("write");
    let err = store.get("s").expect_err("corrupt");
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    assert!(!err.to_string().contains("12345678987654321"), "{err}");
}

#[test]
fn corrupt_and_mismatched_files_are_errors() {
    let (_tmp, store) = store();
    store
        .set("s", kv(&[("K", "v")]), Visibility::Private)
        .expect("set");
    let path = store.dir().join("s.json");
    let good = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, &good[..good.len() / 2]).expect("write");
    assert!(matches!(store.get("s"), Err(StoreError::Corrupt { .. })));
    std::fs::write(&path, good.replace("\"name\": \"s\"", "\"name\": \"t\"")).expect("write");
    assert!(matches!(store.get("s"), Err(StoreError::Corrupt { .. })));
    // A later write replaces a corrupt file only through a readable one: the error stands.
    assert!(
        store
            .set("s", kv(&[("K", "w")]), Visibility::Private)
            .is_err()
    );
}

#[cfg(unix)]
#[test]
fn insecure_files_and_dirs_are_refused_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let (_tmp, store) = store();
    store
        .set("s", kv(&[("K", "v")]), Visibility::Private)
        .expect("set");
    let path = store.dir().join("s.json");
    let chmod = |p: &Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).expect("chmod")
    };

    chmod(&path, 0o666);
    let err = store.get("s").expect_err("world-writable");
    let msg = err.to_string();
    assert!(
        msg.contains(&path.display().to_string()) && msg.contains("chmod 600"),
        "{msg}"
    );

    chmod(&path, 0o640);
    let msg = store
        .get("s")
        .expect_err("private but group-readable")
        .to_string();
    assert!(msg.contains("chmod 600"), "{msg}");
    chmod(&path, 0o600);
    assert!(store.get("s").expect("get").is_some());

    chmod(store.dir(), 0o777);
    let msg = store.get("s").expect_err("dir world-writable").to_string();
    assert!(
        msg.contains("chmod 700") && msg.contains(&store.dir().display().to_string()),
        "{msg}"
    );
    assert!(SecretStore::open(store.dir()).is_err());
    chmod(store.dir(), 0o700);
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed() {
    let (tmp, store) = store();
    store
        .set("s", kv(&[("K", "v")]), Visibility::Private)
        .expect("set");
    let outside = tmp.path().join("outside.json");
    std::fs::copy(store.dir().join("s.json"), &outside).expect("copy");
    std::os::unix::fs::symlink(&outside, store.dir().join("t.json")).expect("symlink");
    assert!(matches!(store.get("t"), Err(StoreError::NotAFile { .. })));
    assert!(
        store
            .set("t", kv(&[("K", "v")]), Visibility::Private)
            .is_err()
    );
}

#[test]
fn stale_temp_files_are_removed_by_the_next_write() {
    let (_tmp, store) = store();
    store
        .set("s", kv(&[("K", "v")]), Visibility::Private)
        .expect("set");
    let stale = store.dir().join(".tmp-dead.json");
    std::fs::write(&stale, "{").expect("write");
    store
        .set("s", kv(&[("L", "w")]), Visibility::Private)
        .expect("set");
    assert!(!stale.exists());
}

fn temp_files(store: &SecretStore) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(store.dir())
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tmp-"))
        .collect();
    names.sort();
    names
}

#[test]
fn stale_temp_files_are_cleared_by_delete_list_and_reads() {
    let (_tmp, store) = store();
    store
        .set("s", kv(&[("K", "v")]), Visibility::Private)
        .expect("set");
    let stale = store.dir().join(".tmp-dead.json");
    // A writer killed mid-write left its new value; `delete` must not leave a copy behind.
    std::fs::write(&stale, "{\"values\":{\"K\":\"leftover-value\"}}").expect("write");
    assert!(store.delete("s").expect("delete"));
    assert!(temp_files(&store).is_empty(), "delete");
    std::fs::write(&stale, "x").expect("write");
    assert!(store.list().expect("list").secrets.is_empty());
    assert!(temp_files(&store).is_empty(), "list");
    std::fs::write(&stale, "x").expect("write");
    assert!(store.get("s").expect("get").is_none());
    assert!(temp_files(&store).is_empty(), "get");
}

#[test]
fn a_reader_leaves_the_temp_file_of_a_live_writer() {
    let (_tmp, store) = store();
    store
        .set("s", kv(&[("K", "v")]), Visibility::Private)
        .expect("set");
    let lock = std::fs::File::open(store.dir().join(".lock")).expect("lock file");
    lock.lock().expect("hold the lock");
    let live = store.dir().join(".tmp-live.json");
    std::fs::write(&live, "x").expect("write");
    assert!(store.get("s").expect("get").is_some());
    assert!(store.list().expect("list").secrets.len() == 1);
    assert!(
        live.exists(),
        "a writer holding the lock owns its temp file"
    );
}

#[test]
fn one_corrupt_secret_does_not_hide_the_others() {
    let (_tmp, store) = store();
    for name in ["a", "b", "c"] {
        store
            .set(name, kv(&[("K", "v")]), Visibility::Private)
            .expect("set");
    }
    std::fs::write(store.dir().join("b.json"), "{ not json").expect("corrupt");
    let listing = store.list().expect("list");
    let names: Vec<_> = listing.secrets.iter().map(Secret::name).collect();
    assert_eq!(names, ["a", "c"]);
    assert_eq!(listing.problems.len(), 1);
    let problem = listing.problems[0].to_string();
    assert!(
        problem.contains("b.json") && problem.contains("corrupt"),
        "{problem}"
    );
}

#[cfg(unix)]
#[test]
fn a_store_more_open_than_0700_is_refused_and_a_writable_parent_warned() {
    use std::os::unix::fs::PermissionsExt;
    let (tmp, store) = store();
    store
        .set("s", kv(&[("K", "v")]), Visibility::Public)
        .expect("set");
    let chmod = |p: &Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).expect("chmod")
    };
    chmod(store.dir(), 0o755);
    let msg = store.get("s").expect_err("0755 store").to_string();
    assert!(msg.contains("chmod 700"), "{msg}");
    assert!(store.list().is_err());
    chmod(store.dir(), 0o700);
    assert!(store.warnings().is_empty());
    chmod(tmp.path(), 0o770);
    let warnings = store.warnings();
    chmod(tmp.path(), 0o700);
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].to_string().contains("chmod go-w"),
        "{}",
        warnings[0]
    );
}

#[test]
fn a_held_lock_is_waited_for_with_a_notice_then_times_out() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NOTICES: AtomicUsize = AtomicUsize::new(0);
    fn notice(_: &Path, _: Duration) {
        NOTICES.fetch_add(1, Ordering::SeqCst);
    }
    let (_tmp, store) = store();
    store
        .set("s", kv(&[("K", "v")]), Visibility::Private)
        .expect("set");
    let lock = std::fs::File::open(store.dir().join(".lock")).expect("lock file");
    lock.lock().expect("hold the lock");
    let store = store
        .with_lock_timeout(Duration::from_millis(80))
        .on_lock_wait(notice);
    let err = store
        .set("s", kv(&[("K", "w")]), Visibility::Private)
        .expect_err("locked");
    assert!(matches!(err, StoreError::Locked { .. }), "{err}");
    assert!(err.to_string().contains(".lock"), "{err}");
    assert_eq!(NOTICES.load(Ordering::SeqCst), 1);
    assert!(matches!(store.delete("s"), Err(StoreError::Locked { .. })));
    lock.unlock().expect("unlock");
    assert!(store.delete("s").expect("delete"));
}

#[test]
fn blank_values_are_refused_like_empty_ones() {
    let (_tmp, store) = store();
    for blank in ["   ", "\t", " \n "] {
        assert!(matches!(
            store.set("s", kv(&[("K", blank)]), Visibility::Public),
            Err(StoreError::EmptyValue { .. })
        ));
    }
    assert!(!store.dir().exists());
}
