//! Key sources beyond the environment: `kind = "file"` (secret mounts) and `kind = "command"`
//! (a secret manager's CLI, run as argv without a shell).
//!
//! Both return a [`SourceError`] the resolver shows as the reason a backend was filtered. A
//! reason never carries the key: for a command, only the first line of its stderr is kept,
//! never its stdout.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use secrecy::SecretString;
use zeroize::Zeroizing;

/// Why a file or command could not give a key. Never carries the key or the command's stdout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// The key file does not exist.
    #[error("key file {path} does not exist")]
    FileMissing {
        /// The file.
        path: PathBuf,
    },
    /// The key file exists but cannot be read.
    #[error("key file {path} cannot be read: {reason}")]
    FileUnreadable {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        reason: String,
    },
    /// The key file is empty (or holds only a newline).
    #[error("key file {path} is empty")]
    FileEmpty {
        /// The file.
        path: PathBuf,
    },
    /// The key file is not UTF-8 text.
    #[error("key file {path} is not UTF-8 text")]
    FileNotUtf8 {
        /// The file.
        path: PathBuf,
    },
    /// The key file is larger than any key.
    #[error("key file {path} is larger than {max} bytes")]
    FileTooLarge {
        /// The file.
        path: PathBuf,
        /// The limit.
        max: u64,
    },
    /// A `kind = "command"` credential with an empty `command` list.
    #[error("the key command is empty")]
    CommandEmpty,
    /// The command could not be started (not installed, not executable, …).
    #[error("key command `{command}` could not be started: {reason}")]
    CommandSpawn {
        /// The command line, as configured.
        command: String,
        /// The operating system's reason.
        reason: String,
    },
    /// The command exited unsuccessfully.
    #[error("key command `{command}` failed ({status}){}", stderr_suffix(.stderr))]
    CommandFailed {
        /// The command line, as configured.
        command: String,
        /// How it ended (`exit status 1`, `signal 9`).
        status: String,
        /// The first line of its stderr (empty when it wrote none).
        stderr: String,
    },
    /// The command ran longer than the timeout and was killed.
    #[error("key command `{command}` timed out after {}s and was killed{}", .timeout.as_secs_f64(), stderr_suffix(.stderr))]
    CommandTimedOut {
        /// The command line, as configured.
        command: String,
        /// The timeout.
        timeout: Duration,
        /// The first line of its stderr (empty when it wrote none).
        stderr: String,
    },
    /// The command succeeded but printed nothing (after trimming).
    #[error("key command `{command}` printed no key{}", stderr_suffix(.stderr))]
    CommandEmptyOutput {
        /// The command line, as configured.
        command: String,
        /// The first line of its stderr (empty when it wrote none).
        stderr: String,
    },
    /// The command's output is not UTF-8 text.
    #[error("key command `{command}` printed something that is not UTF-8 text")]
    CommandNotUtf8 {
        /// The command line, as configured.
        command: String,
    },
    /// Reading the command's output failed.
    #[error("key command `{command}`: cannot read its output: {reason}")]
    CommandIo {
        /// The command line, as configured.
        command: String,
        /// The operating system's reason.
        reason: String,
    },
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

/// The largest key file or command output accepted.
const MAX_KEY_BYTES: u64 = 64 * 1024;
/// The most stderr kept from a command (only its first line is reported).
const MAX_STDERR_BYTES: u64 = 16 * 1024;
/// The most characters of a stderr line carried in a reason.
const MAX_REASON_CHARS: usize = 200;

/// Reads a key from a file, stripping one trailing newline (`\n` or `\r\n`).
///
/// Symlinks are followed: Kubernetes secret mounts are symlinks into a `..data` directory.
pub fn read_key_file(path: &Path) -> Result<SecretString, SourceError> {
    let unreadable = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::NotFound {
            SourceError::FileMissing {
                path: path.to_path_buf(),
            }
        } else {
            SourceError::FileUnreadable {
                path: path.to_path_buf(),
                reason: e.to_string(),
            }
        }
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if meta.is_dir() {
        return Err(SourceError::FileUnreadable {
            path: path.to_path_buf(),
            reason: "it is a directory".to_owned(),
        });
    }
    if meta.len() > MAX_KEY_BYTES {
        return Err(SourceError::FileTooLarge {
            path: path.to_path_buf(),
            max: MAX_KEY_BYTES,
        });
    }
    let mut buf = Zeroizing::new(Vec::with_capacity(
        usize::try_from(meta.len()).unwrap_or(0).saturating_add(1),
    ));
    file.take(MAX_KEY_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(unreadable)?;
    if buf.len() as u64 > MAX_KEY_BYTES {
        return Err(SourceError::FileTooLarge {
            path: path.to_path_buf(),
            max: MAX_KEY_BYTES,
        });
    }
    let text = std::str::from_utf8(&buf).map_err(|_| SourceError::FileNotUtf8 {
        path: path.to_path_buf(),
    })?;
    let key = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(text);
    if key.is_empty() {
        return Err(SourceError::FileEmpty {
            path: path.to_path_buf(),
        });
    }
    Ok(SecretString::from(key))
}

/// Runs `argv` (no shell) and returns its trimmed stdout as the key.
///
/// The command gets no stdin and runs in its own process group; when it outlives `timeout`
/// the whole group is killed. A non-zero exit, a timeout or an empty output is an error
/// carrying the first line of stderr, never stdout.
pub fn run_key_command(argv: &[&str], timeout: Duration) -> Result<SecretString, SourceError> {
    let (program, args) = argv.split_first().ok_or(SourceError::CommandEmpty)?;
    if program.is_empty() {
        return Err(SourceError::CommandEmpty);
    }
    let command = argv.join(" ");
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd.spawn().map_err(|e| SourceError::CommandSpawn {
        command: command.clone(),
        reason: e.to_string(),
    })?;

    let (tx_out, rx_out) = mpsc::channel();
    let (tx_err, rx_err) = mpsc::channel();
    if let Some(stdout) = child.stdout.take() {
        std::thread::spawn(move || {
            let mut buf = Zeroizing::new(Vec::with_capacity(4096));
            let res = stdout
                .take(MAX_KEY_BYTES + 1)
                .read_to_end(&mut buf)
                .map(|_| buf);
            let _ = tx_out.send(res);
        });
    }
    if let Some(stderr) = child.stderr.take() {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let res = stderr
                .take(MAX_STDERR_BYTES)
                .read_to_end(&mut buf)
                .map(|_| buf);
            let _ = tx_err.send(res);
        });
    }

    let deadline = Instant::now() + timeout;
    let status = wait_until(&mut child, deadline);
    // Output still open after the exit means a descendant holds it; give it a short grace.
    let grace = |d: Instant| {
        d.saturating_duration_since(Instant::now())
            .max(Duration::from_millis(200))
    };
    let first_stderr_line = |wait: Duration| {
        rx_err
            .recv_timeout(wait)
            .ok()
            .and_then(Result::ok)
            .map(|b| first_line(&b))
            .unwrap_or_default()
    };

    let Some(status) = status else {
        kill_group(&mut child);
        return Err(SourceError::CommandTimedOut {
            command,
            timeout,
            stderr: first_stderr_line(Duration::from_millis(500)),
        });
    };
    if !status.success() {
        return Err(SourceError::CommandFailed {
            command,
            status: describe_status(status),
            stderr: first_stderr_line(grace(deadline)),
        });
    }
    let stdout = match rx_out.recv_timeout(grace(deadline)) {
        Ok(Ok(buf)) => buf,
        Ok(Err(e)) => {
            return Err(SourceError::CommandIo {
                command,
                reason: e.to_string(),
            });
        }
        Err(_) => {
            kill_group(&mut child);
            return Err(SourceError::CommandTimedOut {
                command,
                timeout,
                stderr: first_stderr_line(Duration::from_millis(500)),
            });
        }
    };
    if stdout.len() as u64 > MAX_KEY_BYTES {
        return Err(SourceError::CommandIo {
            command,
            reason: format!("it printed more than {MAX_KEY_BYTES} bytes"),
        });
    }
    let text = std::str::from_utf8(&stdout).map_err(|_| SourceError::CommandNotUtf8 {
        command: command.clone(),
    })?;
    let key = text.trim();
    if key.is_empty() {
        return Err(SourceError::CommandEmptyOutput {
            command,
            stderr: first_stderr_line(grace(deadline)),
        });
    }
    Ok(SecretString::from(key))
}

/// Waits for `child` until `deadline`; `None` when it is still running then.
fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    let mut pause = Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) => {}
            // The child can no longer be waited for; treat it as hung.
            Err(_) => return None,
        }
        let now = Instant::now();
        if now >= deadline {
            return None;
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(25));
    }
}

/// Kills the command's process group (it was started as a group leader) and reaps it.
fn kill_group(child: &mut Child) {
    #[cfg(unix)]
    if let Some(pid) = rustix::process::Pid::from_raw(child.id().cast_signed()) {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn describe_status(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit status {code}");
    }
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return format!("killed by signal {signal}");
    }
    status.to_string()
}

/// The first non-empty line of `stderr`, trimmed and shortened.
fn first_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let mut out: String = line
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_REASON_CHARS)
        .collect();
    if line.chars().count() > MAX_REASON_CHARS {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn sh(script: &str) -> Result<SecretString, SourceError> {
        run_key_command(&["sh", "-c", script], Duration::from_secs(5))
    }

    #[test]
    fn file_strips_one_newline() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("key");
        for (content, want) in [
            ("sk-1\n", "sk-1"),
            ("sk-2\n\n", "sk-2\n"),
            ("sk-3", "sk-3"),
            ("sk-4\r\n", "sk-4"),
        ] {
            std::fs::write(&path, content).expect("write");
            assert_eq!(read_key_file(&path).expect("read").expose_secret(), want);
        }
    }

    #[test]
    fn file_errors_are_reasons() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("missing");
        assert!(
            matches!(read_key_file(&missing), Err(SourceError::FileMissing { path }) if path == missing)
        );
        let empty = dir.path().join("empty");
        std::fs::write(&empty, "\n").expect("write");
        assert!(matches!(
            read_key_file(&empty),
            Err(SourceError::FileEmpty { .. })
        ));
        assert!(matches!(
            read_key_file(dir.path()),
            Err(SourceError::FileUnreadable { .. })
        ));
        let binary = dir.path().join("bin");
        std::fs::write(&binary, [0xff, 0xfe]).expect("write");
        assert!(matches!(
            read_key_file(&binary),
            Err(SourceError::FileNotUtf8 { .. })
        ));
    }

    #[test]
    fn command_stdout_trimmed_is_the_key() {
        assert_eq!(
            sh("printf '  sk-cmd\\n\\n'").expect("run").expose_secret(),
            "sk-cmd"
        );
    }

    #[test]
    fn command_failure_carries_first_stderr_line_never_stdout() {
        let err = sh("printf 'sk-%s' leak; echo 'no such entry' >&2; echo second >&2; exit 3")
            .expect_err("fails");
        let msg = err.to_string();
        assert!(
            msg.contains("no such entry") && msg.contains("exit status 3"),
            "{msg}"
        );
        assert!(
            !msg.contains("sk-leak") && msg.ends_with("(exit status 3): no such entry"),
            "{msg}"
        );
    }

    #[test]
    fn command_empty_output_is_a_reason() {
        let err = sh("echo '   '; echo 'locked' >&2").expect_err("empty");
        assert!(
            matches!(&err, SourceError::CommandEmptyOutput { stderr, .. } if stderr == "locked"),
            "{err}"
        );
    }

    #[test]
    fn command_timeout_kills_the_group() {
        let start = Instant::now();
        let err = run_key_command(
            &["sh", "-c", "echo waiting >&2; sleep 30 & sleep 30"],
            Duration::from_millis(300),
        )
        .expect_err("times out");
        assert!(matches!(&err, SourceError::CommandTimedOut { .. }), "{err}");
        assert!(err.to_string().contains("waiting"), "{err}");
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn command_spawn_errors() {
        assert_eq!(
            run_key_command(&[], DEFAULT_COMMAND_TIMEOUT).err(),
            Some(SourceError::CommandEmpty)
        );
        let err = run_key_command(
            &["/nonexistent/llmcfg-no-such-tool"],
            DEFAULT_COMMAND_TIMEOUT,
        )
        .expect_err("spawn");
        assert!(matches!(err, SourceError::CommandSpawn { .. }), "{err}");
    }
}
