//! The store under stress, through the real binary: 16 concurrent writers lose no key, and a
//! writer killed with SIGKILL at random points never leaves a torn or half-permissioned secret.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use llmcfg::store::{ExposeSecret, SecretStore};

fn set<S: AsRef<std::ffi::OsStr>>(dir: &Path, args: &[S]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-llmcfg"));
    cmd.env("LLMCFG_SECRETS_DIR", dir)
        .args(["secrets", "set"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

#[test]
fn sixteen_concurrent_writers_lose_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // The store does not exist yet: the writers also race to create it.
    let dir = tmp.path().join("store");
    for round in 0..3 {
        let name = format!("shared{round}");
        let children: Vec<Child> = (0..16)
            .map(|i| {
                set(&dir, &[&name, &format!("--KEY_{i}=v_{i}")])
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().expect("wait");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let secret = SecretStore::open(&dir)
            .expect("open")
            .get(&name)
            .expect("get")
            .expect("exists");
        assert_eq!(
            secret.values().len(),
            16,
            "round {round}: {:?}",
            secret.values().keys().collect::<Vec<_>>()
        );
        for i in 0..16 {
            let value = secret
                .values()
                .get(&format!("KEY_{i}"))
                .map(|v| v.expose_secret().to_owned());
            assert_eq!(value.as_deref(), Some(format!("v_{i}").as_str()));
        }
    }
}

/// A small xorshift generator: random enough to spread kill points, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[cfg(unix)]
#[test]
fn sigkill_at_random_points_never_tears_a_secret() {
    use std::os::unix::fs::PermissionsExt;

    const ITERATIONS: usize = 200;
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("store");
    let store = SecretStore::open(&dir).expect("open");
    // A large value makes a torn write visible; each version has its own filler byte.
    let big = |v: usize| {
        char::from(b'a' + (v % 26) as u8)
            .to_string()
            .repeat(32 * 1024)
    };
    let version_args = |v: usize| {
        vec![
            "crash".to_owned(),
            "--private".to_owned(),
            format!("--V={v}"),
            format!("--BIG={}", big(v)),
        ]
    };

    let out = set(&dir, &version_args(0)).output().expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // How long one uninterrupted write takes (best of 5), to spread the kills over a run: the
    // write itself comes last, after start-up, parsing, locking and reading the old version.
    let mut full_run = u64::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        let out = set(&dir, &version_args(0)).output().expect("run");
        assert!(out.status.success());
        full_run = full_run.min(start.elapsed().as_micros().max(1000) as u64);
    }

    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1)
        | 1;
    let mut rng = Rng(seed);
    let check = |allowed: &[usize]| -> usize {
        let secret = store
            .get("crash")
            .unwrap_or_else(|e| panic!("seed {seed}: unreadable secret: {e}"))
            .unwrap_or_else(|| panic!("seed {seed}: secret vanished"));
        assert!(secret.is_private(), "seed {seed}");
        let v: usize = secret
            .values()
            .get("V")
            .and_then(|v| v.expose_secret().parse().ok())
            .expect("V");
        assert!(
            allowed.contains(&v),
            "seed {seed}: version {v} not in {allowed:?}"
        );
        let filler = secret
            .values()
            .get("BIG")
            .map(|b| b.expose_secret() == big(v));
        assert_eq!(
            filler,
            Some(true),
            "seed {seed}: BIG does not match version {v}"
        );
        v
    };

    let mut current = 0;
    let mut killed = 0;
    let mut torn_window_hits = 0;
    let test_start = Instant::now();
    for i in 1..=ITERATIONS {
        let args = version_args(i);
        let mut child = set(&dir, &args).spawn().expect("spawn");
        // Uniform over [40%, 110%] of a run: from start-up to just past the rename.
        let delay = Duration::from_micros(full_run * 2 / 5 + rng.next() % (full_run * 7 / 10));
        // Read concurrently until the kill: every read sees the old or the new version.
        let deadline = Instant::now() + delay;
        let stop = Arc::new(AtomicBool::new(false));
        while Instant::now() < deadline && !stop.load(Ordering::Relaxed) {
            let _ = check(&[current, i]);
            if child.try_wait().ok().flatten().is_some() {
                stop.store(true, Ordering::Relaxed);
            }
        }
        if child.try_wait().ok().flatten().is_none() {
            killed += 1;
        }
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        current = check(&[current, i]);

        let meta = std::fs::metadata(dir.join("crash.json")).expect("metadata");
        assert_eq!(
            meta.permissions().mode() & 0o7777,
            0o600,
            "seed {seed}: iteration {i}"
        );
        // A temp file left by the kill is never readable by others, and the next write removes it.
        for entry in std::fs::read_dir(&dir).expect("read_dir") {
            let entry = entry.expect("entry");
            if entry.file_name().to_string_lossy().starts_with(".tmp-") {
                torn_window_hits += 1;
            }
            let mode = entry.metadata().expect("metadata").permissions().mode();
            assert_eq!(
                mode & 0o077,
                0,
                "seed {seed}: {:?} is mode {mode:o}",
                entry.file_name()
            );
        }
    }
    let leftovers = std::fs::read_dir(&dir)
        .expect("read_dir")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
        })
        .count();
    eprintln!(
        "{ITERATIONS} iterations, {killed} killed mid-run, {torn_window_hits} killed between temp file and \
         rename, final version {current}, {leftovers} stale temp files, {:.1}s (seed {seed}, one write \
         ~{full_run}µs)",
        test_start.elapsed().as_secs_f64()
    );
    assert!(
        killed > ITERATIONS / 4,
        "seed {seed}: only {killed} writers were killed mid-run"
    );
    // Stale temp files go with the next successful write.
    let out = set(&dir, &version_args(0)).output().expect("run");
    assert!(out.status.success());
    assert!(
        std::fs::read_dir(&dir)
            .expect("read_dir")
            .all(|e| e.is_ok_and(|e| !e.file_name().to_string_lossy().starts_with(".tmp-")))
    );
}
