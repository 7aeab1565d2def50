//! Issue 15: a `kind = "file"` key rotated the way Kubernetes updates a secret volume is
//! picked up by the next resolve, without a restart, through the default secret source.
//!
//! The kubelet's layout: the key file is a symlink `key -> ..data/key`, `..data` a symlink to
//! a timestamped directory. To rotate it writes a new timestamped directory beside the old
//! one, points a temporary symlink at it and renames that over `..data` (atomic), then
//! removes the old directory.

#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use llmcfg::{Config, Resolver, StoreSecrets};

/// A secret volume holding one key.
struct Volume {
    dir: tempfile::TempDir,
    version: u32,
}

impl Volume {
    fn new(key: &str) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut volume = Self { dir, version: 0 };
        let first = volume.write_version(key);
        symlink(&first, volume.root().join("..data")).expect("..data");
        symlink("..data/key", volume.key_path()).expect("key");
        volume
    }
    fn root(&self) -> &Path {
        self.dir.path()
    }
    fn key_path(&self) -> PathBuf {
        self.root().join("key")
    }
    /// `..2026_01_01_00_00_0N.000000001/key`, as the kubelet names them.
    fn write_version(&mut self, key: &str) -> String {
        self.version += 1;
        let name = format!("..2026_01_01_00_00_{:02}.000000001", self.version);
        std::fs::create_dir(self.root().join(&name)).expect("version dir");
        std::fs::write(self.root().join(&name).join("key"), key).expect("key");
        name
    }
    /// The kubelet's atomic swap.
    fn rotate(&mut self, key: &str) {
        let old = std::fs::read_link(self.root().join("..data")).expect("..data");
        let new = self.write_version(key);
        let tmp = self.root().join("..data_tmp");
        symlink(&new, &tmp).expect("tmp link");
        std::fs::rename(&tmp, self.root().join("..data")).expect("atomic swap");
        std::fs::remove_dir_all(self.root().join(old)).expect("old version");
    }
}

fn config(path: &Path) -> &'static Config {
    let toml = format!(
        "[llm]\n\n[[llm.credentials]]\nname = \"mounted\"\nkind = \"file\"\npath = '{}'\n\n\
         [[llm.backends]]\nname = \"main\"\nkind = \"openai_chat_completion\"\n\
         base_url = \"https://api.openai.com/v1\"\ncredential_ref = \"mounted\"\n\
         model = \"openai/gpt-5-nano\"\nops = [\"chat_completions\"]\n\n\
         [llm.aliases]\nfast = \"openai/gpt-5-nano\"\n",
        path.display()
    );
    match Config::from_toml_str(&toml) {
        Ok(c) => Box::leak(Box::new(c)),
        Err(e) => panic!("test config invalid: {e:?}\n{toml}"),
    }
}

fn resolver(volume: &Volume) -> Resolver<'static> {
    Resolver::builder(config(&volume.key_path()))
        .env(std::collections::BTreeMap::<String, String>::new())
        .secrets(StoreSecrets::at(volume.root().join("no-store")))
        .build()
        .expect("resolver")
}

fn key(resolver: &Resolver<'_>) -> String {
    let r = resolver.resolve("fast").expect("resolves");
    r.api_key().expect("a key").expose_secret().to_owned()
}

#[test]
fn a_symlink_swap_rotation_is_seen_by_the_next_resolve() {
    let mut volume = Volume::new("sk-old-0001\n");
    let resolver = resolver(&volume);
    assert_eq!(key(&resolver), "sk-old-0001");
    assert_eq!(key(&resolver), "sk-old-0001");
    // Same length: only the file's identity tells the versions apart.
    volume.rotate("sk-new-0002\n");
    assert_eq!(key(&resolver), "sk-new-0002");
    volume.rotate("sk-new-0003\n");
    assert_eq!(key(&resolver), "sk-new-0003");
}

/// Resolves racing a rotation see the old key or the new one, never an error: the swap is
/// atomic and a lookup reads whichever version the path names at that moment.
#[test]
fn resolves_during_rotations_see_one_version_or_the_other() {
    let mut volume = Volume::new("sk-v-1");
    let resolver = resolver(&volume);
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        let readers: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    let mut seen = Vec::new();
                    while !done.load(Ordering::SeqCst) {
                        seen.push(key(&resolver));
                    }
                    seen
                })
            })
            .collect();
        for n in 2..=20 {
            volume.rotate(&format!("sk-v-{n}"));
        }
        done.store(true, Ordering::SeqCst);
        for reader in readers {
            let seen = reader.join().expect("no panic");
            assert!(seen.iter().all(|k| k.starts_with("sk-v-")), "{seen:?}");
        }
    });
    assert_eq!(key(&resolver), "sk-v-20");
}
