//! Issue 15: key commands through the default secret source's cache — single-flight on a cold
//! cache, the TTL, the expiry margin of `output = "json"`, a failed refresh serving the last
//! good key, and a cold refresh inside the async executor leaving the worker thread free.
//!
//! The commands are real (`sh -c`) and count their runs by appending to a file; time is a
//! [`ManualKeyClock`], so no test waits for a TTL.

use std::path::PathBuf;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant, SystemTime};

use llmcfg::source::{
    CommandOutput, CommandSpec, DEFAULT_KEY_TTL, EXPIRY_MARGIN, FAILED_REFRESH_PAUSE, KeyFreshness,
    ManualKeyClock, SourceError,
};
use llmcfg::{Config, ExposeSecret, Resolver, SecretSource, StoreSecrets};

/// Appends to `$0` (the counter), fails with a stderr line while `$1` exists, sleeps `$2`
/// seconds, then prints `sk-run-N` for its N-th run.
const LINE_SCRIPT: &str = r#"echo run >> "$0"; if [ -e "$1" ]; then echo "vault is sealed" >&2; exit 2; fi; sleep "$2"; echo "sk-run-$(wc -l < "$0" | tr -d " ")""#;

/// Like [`LINE_SCRIPT`], printing the JSON answer with `expires_at` read from the file `$1`.
const JSON_SCRIPT: &str = r#"echo run >> "$0"; printf '{"api_key": "sk-json-%s", "expires_at": "%s"}' "$(wc -l < "$0" | tr -d " ")" "$(cat "$1")""#;

/// 2023-11-14T22:13:20Z.
fn wall() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

/// A temporary directory with the run counter and the failure switch of one command.
struct Bench {
    dir: tempfile::TempDir,
}

impl Bench {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }
    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
    fn runs(&self) -> usize {
        std::fs::read_to_string(self.path("runs")).map_or(0, |s| s.lines().count())
    }
    fn fail(&self, on: bool) {
        let flag = PathBuf::from(self.path("fail"));
        if on {
            std::fs::write(flag, "").expect("fail flag");
        } else {
            std::fs::remove_file(flag).expect("clear fail flag");
        }
    }
    /// The argv of [`LINE_SCRIPT`].
    fn line_argv(&self, sleep: &str) -> Vec<String> {
        let script = LINE_SCRIPT.to_string();
        vec![
            "sh".into(),
            "-c".into(),
            script,
            self.path("runs"),
            self.path("fail"),
            sleep.into(),
        ]
    }
    fn store(&self, clock: &ManualKeyClock) -> StoreSecrets {
        StoreSecrets::at(self.path("store")).key_clock(clock.clone())
    }
}

fn refs(argv: &[String]) -> Vec<&str> {
    argv.iter().map(String::as_str).collect()
}

/// One command credential serving alias `fast`.
fn config(argv: &[String]) -> &'static Config {
    let command: Vec<String> = argv.iter().map(|a| format!("'{a}'")).collect();
    let toml = format!(
        "[llm]\n\n[[llm.credentials]]\nname = \"vault\"\nkind = \"command\"\ncommand = [{}]\n\n\
         [[llm.backends]]\nname = \"main\"\nkind = \"openai_chat_completion\"\n\
         base_url = \"https://api.openai.com/v1\"\ncredential_ref = \"vault\"\n\
         model = \"openai/gpt-5-nano\"\nops = [\"chat_completions\"]\n\n\
         [llm.aliases]\nfast = \"openai/gpt-5-nano\"\n",
        command.join(", ")
    );
    match Config::from_toml_str(&toml) {
        Ok(c) => Box::leak(Box::new(c)),
        Err(e) => panic!("test config invalid: {e:?}\n{toml}"),
    }
}

fn resolver(config: &'static Config, secrets: StoreSecrets) -> Resolver<'static> {
    Resolver::builder(config)
        .env(std::collections::BTreeMap::<String, String>::new())
        .secrets(secrets)
        .build()
        .expect("resolver")
}

fn key(resolver: &Resolver<'_>) -> String {
    let r = resolver.resolve("fast").expect("resolves");
    r.api_key().expect("a key").expose_secret().to_owned()
}

#[test]
fn a_hundred_concurrent_resolves_with_a_cold_cache_run_the_command_once() {
    let bench = Bench::new();
    // The command takes 200 ms, so all hundred resolves arrive while it runs.
    let argv = bench.line_argv("0.2");
    let clock = ManualKeyClock::at(wall());
    let resolver = resolver(config(&argv), bench.store(&clock));
    let start = Barrier::new(100);
    let keys: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..100)
            .map(|_| {
                s.spawn(|| {
                    start.wait();
                    key(&resolver)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("no panic"))
            .collect()
    });
    assert_eq!(bench.runs(), 1, "the command ran once for 100 resolves");
    assert!(keys.iter().all(|k| k == "sk-run-1"), "{keys:?}");
    // Warm: served without running it again.
    assert_eq!(key(&resolver), "sk-run-1");
    assert_eq!(bench.runs(), 1);
}

#[test]
fn a_key_is_reused_for_its_ttl_and_fetched_again_after() {
    let bench = Bench::new();
    let argv = bench.line_argv("0");
    let clock = ManualKeyClock::at(wall());
    // Through the resolver: a credential without `ttl` uses the default.
    let resolver = resolver(config(&argv), bench.store(&clock));
    assert_eq!(key(&resolver), "sk-run-1");
    clock.advance(DEFAULT_KEY_TTL - Duration::from_secs(1));
    assert_eq!(key(&resolver), "sk-run-1");
    assert_eq!(bench.runs(), 1, "within the TTL");
    clock.advance(Duration::from_secs(1));
    assert_eq!(key(&resolver), "sk-run-2", "the TTL has passed");
    assert_eq!(bench.runs(), 2);

    // A TTL the credential sets, and zero: no caching.
    let store = bench.store(&clock);
    let argv = refs(&argv);
    let spec = CommandSpec::new(&argv).ttl(Some(Duration::from_secs(30)));
    let get = |spec: &CommandSpec<'_>| {
        let got = store.command_key(spec).expect("key");
        assert_eq!(got.freshness, KeyFreshness::Fresh);
        got.key.expose_secret().to_owned()
    };
    assert_eq!(get(&spec), "sk-run-3");
    clock.advance(Duration::from_secs(29));
    assert_eq!(get(&spec), "sk-run-3");
    clock.advance(Duration::from_secs(1));
    assert_eq!(get(&spec), "sk-run-4");
    let uncached = spec.ttl(Some(Duration::ZERO));
    assert_eq!(
        (get(&uncached), get(&uncached)),
        ("sk-run-5".into(), "sk-run-6".into())
    );
}

#[test]
fn a_failed_refresh_before_expiry_serves_the_old_key_and_says_why() {
    let bench = Bench::new();
    let argv = bench.line_argv("0");
    let argv = refs(&argv);
    let clock = ManualKeyClock::at(wall());
    let store = bench.store(&clock);
    let ttl = Duration::from_secs(60);
    let spec = CommandSpec::new(&argv).ttl(Some(ttl));
    assert_eq!(
        store.command_key(&spec).expect("key").key.expose_secret(),
        "sk-run-1"
    );

    bench.fail(true);
    clock.advance(ttl);
    let got = store.command_key(&spec).expect("the old key is served");
    assert_eq!(got.key.expose_secret(), "sk-run-1");
    assert_eq!(bench.runs(), 2, "the refresh ran and failed");
    let KeyFreshness::Stale { reason, expires_in } = &got.freshness else {
        panic!("stale expected: {:?}", got.freshness);
    };
    assert!(
        matches!(reason, SourceError::CommandFailed { stderr, .. } if stderr == "vault is sealed"),
        "{reason}"
    );
    assert_eq!(
        *expires_in, ttl,
        "a key without a stated expiry: one more TTL"
    );
    assert_eq!(store.command_state(&spec), Some(got.freshness.clone()));
    let shown = got.freshness.to_string();
    assert!(
        shown.contains("vault is sealed") && !shown.contains("sk-run"),
        "{shown}"
    );

    // The failing command is not run again on every lookup.
    clock.advance(FAILED_REFRESH_PAUSE - Duration::from_secs(1));
    store.command_key(&spec).expect("still served");
    assert_eq!(bench.runs(), 2);
    // Once the command works again, the next try fetches a fresh key.
    bench.fail(false);
    clock.advance(Duration::from_secs(1));
    let got = store.command_key(&spec).expect("refreshed");
    assert_eq!(
        (got.key.expose_secret(), got.freshness),
        ("sk-run-3", KeyFreshness::Fresh)
    );

    // Past its expiry, the old key is no longer served: the error is.
    bench.fail(true);
    clock.advance(2 * ttl);
    let err = store.command_key(&spec).expect_err("expired and failing");
    assert!(matches!(err, SourceError::CommandFailed { .. }), "{err}");
    assert_eq!(store.command_state(&spec), None);
}

#[test]
fn a_json_key_is_refreshed_the_margin_before_it_expires() {
    let bench = Bench::new();
    // Expires ten minutes after the clock's start.
    std::fs::write(bench.path("expiry"), "2023-11-14T22:23:20Z").expect("expiry");
    let argv = [
        "sh".to_string(),
        "-c".into(),
        JSON_SCRIPT.into(),
        bench.path("runs"),
        bench.path("expiry"),
    ];
    let argv = refs(&argv);
    let clock = ManualKeyClock::at(wall());
    let store = bench.store(&clock);
    let spec = CommandSpec::new(&argv).output(CommandOutput::Json);
    let get = || {
        store
            .command_key(&spec)
            .map(|k| k.key.expose_secret().to_owned())
    };
    assert_eq!(get().expect("key"), "sk-json-1");
    // No `ttl` set: the stated expiry, not the default TTL, decides.
    clock.advance(Duration::from_secs(600) - EXPIRY_MARGIN - Duration::from_secs(1));
    assert_eq!(get().expect("key"), "sk-json-1");
    assert_eq!(bench.runs(), 1);
    clock.advance(Duration::from_secs(1));
    assert_eq!(
        get().expect("key"),
        "sk-json-2",
        "refreshed the margin before expiry"
    );

    // An answer that has already expired is a reason naming the program, not the key.
    clock.advance(Duration::from_secs(3600));
    let err = get().expect_err("expired");
    assert!(
        matches!(&err, SourceError::CommandKeyExpired { program, .. } if program == "sh"),
        "{err}"
    );
    assert!(!format!("{err} {err:?}").contains("sk-json"), "{err}");
    assert!(
        err.to_string().contains("expired at 2023-11-14T22:23:20Z"),
        "{err}"
    );
}

/// Item 7: the async executor resolves on the calling task. A cold refresh there runs in
/// `block_in_place`, so the one worker thread's other tasks keep running while the command
/// does; a warm key is served without running anything.
#[test]
fn a_cold_refresh_inside_the_async_executor_leaves_the_worker_free() {
    let bench = Bench::new();
    let argv = bench.line_argv("0.5");
    let resolver: &'static Resolver<'static> = Box::leak(Box::new(resolver(
        config(&argv),
        StoreSecrets::at(bench.path("store")),
    )));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_time()
        .build()
        .expect("runtime");
    let gaps = runtime.block_on(async move {
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop = Arc::clone(&done);
        let ticker = tokio::spawn(async move {
            let (mut last, mut worst) = (Instant::now(), Duration::ZERO);
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(5)).await;
                worst = worst.max(last.elapsed());
                last = Instant::now();
            }
            worst
        });
        let call = tokio::spawn(async move {
            let exec = llmcfg::Executor::new(resolver);
            let mut keys = Vec::new();
            for _ in 0..2 {
                let called = exec
                    .call("fast", |t| async move {
                        let key = t.api_key().map(|k| k.expose_secret().to_owned());
                        Ok::<_, std::io::Error>(key)
                    })
                    .await
                    .expect("call");
                keys.push(called.into_value());
            }
            keys
        });
        let keys = call.await.expect("call task");
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        (keys, ticker.await.expect("ticker"))
    });
    let (keys, worst_gap) = gaps;
    assert_eq!(
        keys,
        [Some("sk-run-1".to_string()), Some("sk-run-1".to_string())]
    );
    assert_eq!(bench.runs(), 1, "the second call was served from the cache");
    // Without `block_in_place` the ticker would stall for the command's 500 ms.
    assert!(
        worst_gap < Duration::from_millis(250),
        "worker blocked for {worst_gap:?}"
    );
}

/// While one lookup refreshes a stale but still usable key, the others are served the old key
/// at once instead of waiting for the command.
#[test]
fn lookups_during_a_refresh_of_a_usable_key_get_the_old_key_without_waiting() {
    let bench = Bench::new();
    let argv = bench.line_argv("0.4");
    let argv = refs(&argv);
    let clock = ManualKeyClock::at(wall());
    let store = bench.store(&clock);
    let ttl = Duration::from_secs(60);
    let spec = CommandSpec::new(&argv).ttl(Some(ttl));
    assert_eq!(
        store.command_key(&spec).expect("key").key.expose_secret(),
        "sk-run-1"
    );
    clock.advance(ttl);
    std::thread::scope(|s| {
        let refresher = s.spawn(|| store.command_key(&spec).expect("refreshed"));
        // The refresh has started once the command has counted its run.
        while bench.runs() < 2 {
            std::thread::yield_now();
        }
        let start = Instant::now();
        let old = store.command_key(&spec).expect("the old key");
        assert!(
            start.elapsed() < Duration::from_millis(200),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(
            (old.key.expose_secret(), old.freshness),
            ("sk-run-1", KeyFreshness::Fresh)
        );
        let new = refresher.join().expect("no panic");
        assert_eq!(new.key.expose_secret(), "sk-run-2");
    });
    assert_eq!(bench.runs(), 2);
}

#[test]
fn explain_says_when_a_stale_key_is_served_after_a_failed_refresh() {
    let bench = Bench::new();
    let argv = bench.line_argv("0");
    let clock = ManualKeyClock::at(wall());
    let r = resolver(config(&argv), bench.store(&clock));
    assert_eq!(key(&r), "sk-run-1");
    let fresh = r.explain("fast").expect("explains");
    assert_eq!(fresh.candidates[0].stale, None);

    bench.fail(true);
    clock.advance(DEFAULT_KEY_TTL);
    let explained = r.explain("fast").expect("explains");
    let stale = explained.candidates[0].stale.as_ref().expect("stale");
    assert!(
        matches!(
            stale,
            KeyFreshness::Stale {
                reason: SourceError::CommandFailed { .. },
                ..
            }
        ),
        "{stale:?}"
    );
    let shown = explained.to_string();
    assert!(
        shown.contains("key: the last good key") && shown.contains("vault is sealed"),
        "{shown}"
    );
    assert!(!shown.contains("sk-run"), "{shown}");
    assert_eq!(key(&r), "sk-run-1", "the old key is still served");
}
