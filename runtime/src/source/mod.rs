//! Key sources beyond the environment: `kind = "file"` (secret mounts) and `kind = "command"`
//! (a secret manager's CLI, run as argv without a shell).
//!
//! Both return a [`SourceError`] the resolver shows as the reason a backend was filtered. A
//! reason never carries the key: it names the file or the program (argv\[0\], never its
//! arguments, which may hold a token), and for a command keeps only the first line of its
//! stderr, never its stdout.
//!
//! What counts as the key:
//!
//! - **file**: the whole file, less one trailing newline (`\n` or `\r\n`). A file of more than
//!   one line, or holding any other control character, is refused: a key file (a Kubernetes or
//!   Docker secret mount) holds the key and nothing else, and taking a line of something else
//!   (a PEM, a JSON document) would hand over the wrong value. Only regular files are read (a
//!   FIFO, a device or a socket is refused without blocking), at most [`MAX_KEY_BYTES`].
//! - **command**: the first line of its stdout, trimmed — the `pass` convention, where later
//!   lines carry metadata. A first line holding a control character is refused. At most
//!   [`MAX_KEY_BYTES`] of stdout are read; more is reported as too large. [`run_key_command`]
//!   runs it once per call (the default source caches its key, below), with no stdin, in its
//!   own process group, which is killed after the timeout; a background process that keeps
//!   stdout open after the command exits is reported as such (and killed with the group). No
//!   thread is left behind: the pipes are read without blocking by the calling thread.
//!
//! # Caching, expiry and rotation
//!
//! The default secret source ([`crate::StoreSecrets`]) puts a [`KeyCache`] in front of key
//! commands and a [`FileKeyCache`] in front of key files:
//!
//! - **command**: a key is reused for its TTL ([`DEFAULT_KEY_TTL`], 5 minutes, unless the
//!   credential sets one; `0` runs the command on every lookup) without running the command.
//!   Concurrent lookups with a cold or stale cache run it once and share the answer. When a
//!   refresh fails, the last good key is served until it expires (see [`KeyCache`]) and
//!   [`KeyFreshness::Stale`] carries the reason.
//! - **command, `output = "json"`** ([`CommandOutput::Json`]): the command prints
//!   `{"api_key": "…", "expires_at": "<RFC 3339>"}` — the shape of AWS's
//!   `credential_process`, with these two field names. `expires_at` is optional; other fields
//!   are ignored. The key is refreshed [`EXPIRY_MARGIN`] (60 s) before it expires, and an
//!   answer that has already expired, or is not that object, is an error naming the program,
//!   never quoting the output.
//! - **file**: one `metadata` call per lookup compares the file's identity (device, inode),
//!   modification and change times and length with those of the copy held; the file is read
//!   again only when one differs. A Kubernetes secret volume, updated by swapping its `..data`
//!   symlink, is seen on the next lookup.
//!
//! **keyring** ([`read_keyring`], feature `keyring`): the OS credential store, through the
//! `keyring-core` crate family; see [`read_keyring`] for which store and what was tested how.
//!
//! With the `tokio` feature, a lookup that has to run a command or read a file on a worker
//! thread of a multi-threaded tokio runtime does so in `tokio::task::block_in_place`, so the
//! worker's other tasks move to another thread meanwhile; a cached key is served without
//! running anything. (A current-thread runtime has no other thread to move them to: there the
//! refresh blocks it.)

mod cache;
mod clock;
mod command;
mod expiring;
mod file;
mod file_cache;
mod keyring;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

pub use cache::{CachedKey, DEFAULT_KEY_TTL, FAILED_REFRESH_PAUSE, KeyCache, KeyFreshness};
pub use clock::{KeyClock, ManualKeyClock, SystemKeyClock};
pub use command::run_key_command;
pub use expiring::{
    CommandOutput, CommandSpec, EXPIRY_MARGIN, FetchedKey, JsonProblem, fetch_command_key,
};
pub use file::read_key_file;
pub use file_cache::{FileKeyCache, MISSING_RETRIES};
pub use keyring::{KeyringProblem, read_keyring};
#[cfg(feature = "keyring")]
pub use keyring::{keyring_core, read_keyring_in};

/// Why a file or command could not give a key. Never carries the key, the command's stdout or
/// its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SourceError {
    /// The key file does not exist.
    FileMissing {
        /// The file.
        path: PathBuf,
    },
    /// The key file exists but cannot be read.
    FileUnreadable {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        reason: String,
    },
    /// The key file is a FIFO, a device, a socket: not a regular file.
    FileNotRegular {
        /// The file.
        path: PathBuf,
    },
    /// The key file is empty (or holds only a newline).
    FileEmpty {
        /// The file.
        path: PathBuf,
    },
    /// The key file is not UTF-8 text.
    FileNotUtf8 {
        /// The file.
        path: PathBuf,
    },
    /// The key file holds more than one line, or a control character.
    FileNotAKey {
        /// The file.
        path: PathBuf,
    },
    /// The key file is larger than any key.
    FileTooLarge {
        /// The file.
        path: PathBuf,
        /// The limit.
        max: u64,
    },
    /// A `kind = "command"` credential with an empty `command` list.
    CommandEmpty,
    /// The command could not be started (not installed, not executable, …).
    CommandSpawn {
        /// argv\[0\].
        program: String,
        /// The operating system's reason.
        reason: String,
    },
    /// The command exited unsuccessfully.
    CommandFailed {
        /// argv\[0\].
        program: String,
        /// How it ended (`exit status 1`, `signal 9`).
        status: String,
        /// The first line of its stderr (empty when it wrote none).
        stderr: String,
    },
    /// The command ran longer than the timeout and was killed.
    CommandTimedOut {
        /// argv\[0\].
        program: String,
        /// The timeout.
        timeout: Duration,
        /// The first line of its stderr (empty when it wrote none).
        stderr: String,
    },
    /// The command exited but something it started in the background kept its stdout open.
    CommandBackground {
        /// argv\[0\].
        program: String,
    },
    /// The command printed more than any key.
    CommandOutputTooLarge {
        /// argv\[0\].
        program: String,
        /// The limit.
        max: u64,
    },
    /// The command succeeded but printed nothing (after trimming).
    CommandEmptyOutput {
        /// argv\[0\].
        program: String,
        /// The first line of its stderr (empty when it wrote none).
        stderr: String,
    },
    /// The command's output is not UTF-8 text.
    CommandNotUtf8 {
        /// argv\[0\].
        program: String,
    },
    /// The first line of the command's output holds a control character.
    CommandNotAKey {
        /// argv\[0\].
        program: String,
    },
    /// An `output = "json"` command printed something other than the documented object.
    CommandBadJson {
        /// argv\[0\].
        program: String,
        /// What is wrong with it (never its content).
        problem: JsonProblem,
    },
    /// An `output = "json"` command printed a key whose `expires_at` has passed.
    CommandKeyExpired {
        /// argv\[0\].
        program: String,
        /// Its `expires_at`.
        expired_at: SystemTime,
    },
    /// An OS keyring entry (`kind = "keyring"`) could not give a key.
    Keyring {
        /// The entry's service.
        service: String,
        /// The entry's account (user).
        account: String,
        /// What went wrong (boxed: it can carry the platform's reason, and every reason is
        /// moved around by value on the resolve path).
        problem: Box<KeyringProblem>,
    },
    /// Reading the command's output failed.
    CommandIo {
        /// argv\[0\].
        program: String,
        /// The operating system's reason.
        reason: String,
    },
}

/// What a key file that is not a key is, and what it should be.
const FILE_NOT_A_KEY: &str = "holds more than the key (several lines or a control character): a \
                              key file holds only the key, optionally followed by one newline";
/// What an `output = "json"` key command should print.
const JSON_ANSWER: &str = "with `output = \"json\"` it prints {\"api_key\": \"…\", \"expires_at\": \
                           \"<RFC 3339>\"} (`expires_at` optional)";
const BACKGROUND: &str = "exited but a background process it started kept its output open; it \
                          was killed: make the command exit only when it is done";
const NOT_A_KEY_LINE: &str = "printed a first line holding a control character, which no key holds";

/// `key file PATH WHAT`.
fn key_file(f: &mut fmt::Formatter<'_>, path: &Path, what: impl fmt::Display) -> fmt::Result {
    write!(f, "key file {} {what}", path.display())
}

/// `key command `PROGRAM` WHAT`.
fn command(f: &mut fmt::Formatter<'_>, program: &str, what: impl fmt::Display) -> fmt::Result {
    write!(f, "key command `{program}` {what}")
}

fn timed_out(
    f: &mut fmt::Formatter<'_>,
    program: &str,
    timeout: Duration,
    stderr: &str,
) -> fmt::Result {
    let (secs, stderr) = (timeout.as_secs_f64(), stderr_suffix(stderr));
    command(
        f,
        program,
        format_args!("timed out after {secs}s and was killed{stderr}"),
    )
}

fn expired(f: &mut fmt::Formatter<'_>, program: &str, at: &SystemTime) -> fmt::Result {
    let at = rfc3339(at);
    command(
        f,
        program,
        format_args!("printed a key that expired at {at}: make it print a current one"),
    )
}

// By hand rather than thiserror's derive: no syn in users' builds (issue 12).
impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use SourceError as E;
        match self {
            E::FileMissing { path } => key_file(f, path, "does not exist"),
            E::FileUnreadable { path, reason } => {
                key_file(f, path, format_args!("cannot be read: {reason}"))
            }
            E::FileNotRegular { path } => key_file(
                f,
                path,
                "is not a regular file (a FIFO, device or socket is not read)",
            ),
            E::FileEmpty { path } => key_file(f, path, "is empty"),
            E::FileNotUtf8 { path } => key_file(f, path, "is not UTF-8 text"),
            E::FileNotAKey { path } => key_file(f, path, FILE_NOT_A_KEY),
            E::FileTooLarge { path, max } => {
                key_file(f, path, format_args!("is larger than {max} bytes"))
            }
            E::CommandEmpty => f.write_str("the key command is empty"),
            E::CommandSpawn { program, reason } => {
                command(f, program, format_args!("could not be started: {reason}"))
            }
            E::CommandFailed {
                program,
                status,
                stderr,
            } => command(
                f,
                program,
                format_args!("failed ({status}){}", stderr_suffix(stderr)),
            ),
            E::CommandTimedOut {
                program,
                timeout,
                stderr,
            } => timed_out(f, program, *timeout, stderr),
            E::CommandBackground { program } => command(f, program, BACKGROUND),
            E::CommandOutputTooLarge { program, max } => command(
                f,
                program,
                format_args!("printed more than {max} bytes; it was stopped"),
            ),
            E::CommandEmptyOutput { program, stderr } => command(
                f,
                program,
                format_args!("printed no key{}", stderr_suffix(stderr)),
            ),
            E::CommandNotUtf8 { program } => {
                command(f, program, "printed something that is not UTF-8 text")
            }
            E::CommandNotAKey { program } => command(f, program, NOT_A_KEY_LINE),
            E::CommandBadJson { program, problem } => {
                command(f, program, format_args!("printed {problem}: {JSON_ANSWER}"))
            }
            E::CommandKeyExpired {
                program,
                expired_at,
            } => expired(f, program, expired_at),
            E::Keyring {
                service,
                account,
                problem,
            } => write!(
                f,
                "OS keyring entry service `{service}` account `{account}`: {problem}"
            ),
            E::CommandIo { program, reason } => {
                write!(
                    f,
                    "key command `{program}`: cannot read its output: {reason}"
                )
            }
        }
    }
}

impl std::error::Error for SourceError {}

fn rfc3339(at: &SystemTime) -> humantime::Rfc3339Timestamp {
    humantime::format_rfc3339_seconds(*at)
}

fn stderr_suffix(stderr: &str) -> String {
    if stderr.is_empty() {
        String::new()
    } else {
        format!(": {stderr}")
    }
}

/// How long a `kind = "command"` credential may run before it is killed.
pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest key file or command output accepted (64 KiB).
pub const MAX_KEY_BYTES: u64 = 64 * 1024;

/// Runs `f`, which may block on a command or a file, without holding up a tokio worker: on a
/// worker thread of a multi-threaded runtime the worker's other tasks are handed to another
/// thread while `f` runs. Anywhere else `f` simply runs.
pub(crate) fn off_async_workers<T>(f: impl FnOnce() -> T) -> T {
    #[cfg(feature = "tokio")]
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        // `block_in_place` panics on a current-thread runtime, which has no thread to spare.
        if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread {
            return tokio::task::block_in_place(f);
        }
    }
    f()
}
