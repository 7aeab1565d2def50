//! `kind = "command"`: a key printed by a secret manager's CLI, run as argv without a shell.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use secrecy::SecretString;
use zeroize::Zeroizing;

use super::{MAX_KEY_BYTES, SourceError};

/// The most stderr kept from a command (only its first line is reported).
const MAX_STDERR_BYTES: u64 = 16 * 1024;
/// The most characters of a stderr line carried in a reason.
const MAX_REASON_CHARS: usize = 200;
/// How long stdout may stay open after the command exits before a background process holding
/// it is reported (and killed).
const EXIT_GRACE: Duration = Duration::from_millis(200);
/// The longest pause between two looks at the pipes and the process.
const MAX_PAUSE: Duration = Duration::from_millis(10);

/// Runs `argv` (no shell) and returns the first line of its stdout, trimmed, as the key.
///
/// The command gets no stdin and runs in its own process group; when it outlives `timeout`
/// the whole group is killed. A non-zero exit, a timeout, an empty output, an output over
/// [`MAX_KEY_BYTES`] or a first line holding a control character is an error naming argv\[0\]
/// and carrying at most the first line of stderr, never stdout and never the arguments.
pub fn run_key_command(argv: &[&str], timeout: Duration) -> Result<SecretString, SourceError> {
    let printed = run_capturing(argv, timeout)?;
    key_from(printed.program, &printed.stdout, printed.stderr)
}

/// What a command that exited successfully printed.
pub(super) struct Printed<'a> {
    /// argv\[0\].
    pub(super) program: &'a str,
    /// All of its stdout (at most [`MAX_KEY_BYTES`]), zeroed when dropped.
    pub(super) stdout: Zeroizing<Vec<u8>>,
    /// The first line of its stderr.
    pub(super) stderr: String,
}

/// Runs `argv` as [`run_key_command`] does and hands back its whole stdout when it succeeded.
pub(super) fn run_capturing<'a>(
    argv: &[&'a str],
    timeout: Duration,
) -> Result<Printed<'a>, SourceError> {
    let (program, args) = argv.split_first().ok_or(SourceError::CommandEmpty)?;
    let program: &'a str = program;
    if program.is_empty() {
        return Err(SourceError::CommandEmpty);
    }
    let name = || program.to_string();
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd.spawn().map_err(|e| SourceError::CommandSpawn {
        program: name(),
        reason: e.to_string(),
    })?;
    let mut out = Pipe::new(child.stdout.take(), MAX_KEY_BYTES);
    let mut err = Pipe::new(child.stderr.take(), MAX_STDERR_BYTES);
    let ended = supervise(&mut child, &mut out, &mut err, timeout);
    let stderr = first_line(&err.buf);
    if !out.closed() || !err.closed() {
        // Something still holds a pipe: a member of the group outlived the command.
        kill_group(&mut child);
    }
    match ended {
        Err(e) => {
            kill_group(&mut child);
            Err(SourceError::CommandIo {
                program: name(),
                reason: e.to_string(),
            })
        }
        Ok(Ended::TimedOut) => {
            kill_group(&mut child);
            Err(SourceError::CommandTimedOut {
                program: name(),
                timeout,
                stderr,
            })
        }
        Ok(Ended::TooLarge) => {
            kill_group(&mut child);
            Err(SourceError::CommandOutputTooLarge {
                program: name(),
                max: MAX_KEY_BYTES,
            })
        }
        Ok(Ended::Exited(status)) if !status.success() => Err(SourceError::CommandFailed {
            program: name(),
            status: describe_status(status),
            stderr,
        }),
        Ok(Ended::Background) => {
            kill_group(&mut child);
            Err(SourceError::CommandBackground { program: name() })
        }
        Ok(Ended::Exited(_)) => Ok(Printed {
            program,
            stdout: std::mem::take(&mut out.buf),
            stderr,
        }),
    }
}

/// The key in a successful command's stdout: its first line, trimmed.
fn key_from(program: &str, stdout: &[u8], stderr: String) -> Result<SecretString, SourceError> {
    let text = std::str::from_utf8(stdout).map_err(|_| SourceError::CommandNotUtf8 {
        program: program.to_string(),
    })?;
    let key = text.lines().next().unwrap_or("").trim();
    if key.is_empty() {
        return Err(SourceError::CommandEmptyOutput {
            program: program.to_string(),
            stderr,
        });
    }
    if key.chars().any(char::is_control) {
        return Err(SourceError::CommandNotAKey {
            program: program.to_string(),
        });
    }
    Ok(SecretString::from(key))
}

/// How a command's run ended.
enum Ended {
    /// It exited and its stdout closed.
    Exited(ExitStatus),
    /// It did not exit before the timeout.
    TimedOut,
    /// It printed more than a key can be.
    TooLarge,
    /// It exited successfully, but its stdout stayed open: a background process holds it.
    Background,
}

/// One of the command's output pipes, read without blocking into a capped, zeroized buffer.
struct Pipe<R> {
    reader: Option<R>,
    buf: Zeroizing<Vec<u8>>,
    cap: u64,
    /// More than `cap` bytes arrived.
    over: bool,
}

impl<R: Read + AsPipe> Pipe<R> {
    fn new(reader: Option<R>, cap: u64) -> Self {
        let reader = reader.filter(|r| r.set_nonblocking().is_ok());
        Self {
            reader,
            buf: Zeroizing::new(Vec::with_capacity(4096)),
            cap,
            over: false,
        }
    }

    fn closed(&self) -> bool {
        self.reader.is_none()
    }

    /// Reads what is available now; closes the pipe at end of file.
    fn pump(&mut self) -> std::io::Result<()> {
        let Some(reader) = &mut self.reader else {
            return Ok(());
        };
        let mut chunk = Zeroizing::new([0u8; 4096]);
        loop {
            match reader.read(&mut chunk[..]) {
                Ok(0) => {
                    self.reader = None;
                    return Ok(());
                }
                Ok(n) => {
                    let room = usize::try_from(self.cap)
                        .unwrap_or(usize::MAX)
                        .saturating_sub(self.buf.len());
                    if n > room {
                        self.over = true;
                        // Never grow past the capacity reserved, so no unzeroized copy is left.
                        self.buf.extend_from_slice(&chunk[..room.min(n)]);
                        return Ok(());
                    }
                    if self.buf.len() + n > self.buf.capacity() {
                        let mut grown =
                            Zeroizing::new(Vec::with_capacity(self.buf.capacity() * 2 + n));
                        grown.extend_from_slice(&self.buf);
                        self.buf = grown;
                    }
                    self.buf.extend_from_slice(&chunk[..n]);
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// A pipe end that can be switched to non-blocking reads.
trait AsPipe {
    fn set_nonblocking(&self) -> std::io::Result<()>;
}

#[cfg(unix)]
impl<T: std::os::fd::AsFd> AsPipe for T {
    fn set_nonblocking(&self) -> std::io::Result<()> {
        crate::sys::set_nonblocking(self.as_fd())
    }
}

#[cfg(not(unix))]
impl<T> AsPipe for T {
    /// Elsewhere the pipes block: they are read only once the command has exited.
    fn set_nonblocking(&self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Watches the command and its pipes until it ends, the timeout passes, or it prints too much.
fn supervise<O: Read + AsPipe, E: Read + AsPipe>(
    child: &mut Child,
    out: &mut Pipe<O>,
    err: &mut Pipe<E>,
    timeout: Duration,
) -> std::io::Result<Ended> {
    let deadline = Instant::now() + timeout;
    let mut exited: Option<(ExitStatus, Instant)> = None;
    let mut pause = Duration::from_millis(1);
    loop {
        if cfg!(unix) || exited.is_some() {
            out.pump()?;
            err.pump()?;
        }
        if out.over {
            return Ok(Ended::TooLarge);
        }
        let now = Instant::now();
        match exited {
            None => match child.try_wait()? {
                // Look at the pipes once more before judging them.
                Some(status) => {
                    exited = Some((status, now));
                    continue;
                }
                None if now >= deadline => return Ok(Ended::TimedOut),
                None => {}
            },
            Some((status, _)) if out.closed() && (err.closed() || !status.success()) => {
                return Ok(Ended::Exited(status));
            }
            Some((status, at)) if now >= at + EXIT_GRACE => {
                return Ok(if out.closed() || !status.success() {
                    Ended::Exited(status)
                } else {
                    Ended::Background
                });
            }
            Some(_) => {}
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(MAX_PAUSE);
    }
}

/// Kills the command's process group (it was started as a group leader) and reaps it.
fn kill_group(child: &mut Child) {
    #[cfg(unix)]
    let _ = crate::sys::kill_process_group(child.id());
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
    fn command_stdout_first_line_trimmed_is_the_key() {
        assert_eq!(
            sh("printf '  sk-cmd\\n\\n'").expect("run").expose_secret(),
            "sk-cmd"
        );
        // The `pass` convention: later lines are metadata.
        assert_eq!(
            sh("printf 'sk-pass\\nlogin: me\\nurl: x\\n'")
                .expect("run")
                .expose_secret(),
            "sk-pass"
        );
    }

    /// Issue 11 item 7: a first line with a control character is refused, never handed over.
    #[test]
    fn control_characters_in_the_key_line_are_refused() {
        for script in [
            "printf 'sk-a\\033[2Jb'",
            "printf 'sk-a\\rsk-b'",
            "printf 'sk\\ta'",
        ] {
            let err = sh(script).expect_err(script);
            assert!(
                matches!(err, SourceError::CommandNotAKey { .. }),
                "{script}: {err}"
            );
            assert!(!err.to_string().contains("sk-"), "{err}");
        }
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

    /// Issue 11 item 1: an error about a key command names the program, never its arguments.
    #[test]
    fn errors_name_the_program_never_its_arguments() {
        let errors = [
            run_key_command(
                &["sh", "-c", "exit 4", "--token=sk-argv-canary"],
                Duration::from_secs(5),
            ),
            run_key_command(
                &["sh", "-c", "sleep 5", "sk-argv-canary"],
                Duration::from_millis(50),
            ),
            run_key_command(
                &["sh", "-c", "true", "sk-argv-canary"],
                Duration::from_secs(5),
            ),
            run_key_command(
                &["/nonexistent/llmcfg-tool", "--token=sk-argv-canary"],
                Duration::from_secs(5),
            ),
        ];
        for err in errors {
            let err = err.expect_err("fails");
            let msg = err.to_string();
            assert!(
                !msg.contains("sk-argv-canary") && !msg.contains("-c"),
                "{msg}"
            );
            assert!(!format!("{err:?}").contains("sk-argv-canary"), "{err:?}");
            assert!(msg.contains("`sh`") || msg.contains("llmcfg-tool"), "{msg}");
        }
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
        let err = run_key_command(
            &["sh", "-c", "echo waiting >&2; sleep 30 & sleep 30"],
            Duration::from_millis(100),
        )
        .expect_err("times out");
        assert!(matches!(&err, SourceError::CommandTimedOut { .. }), "{err}");
        assert!(err.to_string().contains("waiting"), "{err}");
    }

    /// Issue 11 item 7: output over the cap is "too large", not the `exit status 141` of a
    /// writer killed by SIGPIPE.
    #[test]
    fn output_over_the_cap_is_too_large() {
        let err = sh("head -c 200000 /dev/zero | tr '\\\\0' k").expect_err("too large");
        assert!(
            matches!(err, SourceError::CommandOutputTooLarge { max, .. } if max == MAX_KEY_BYTES),
            "{err}"
        );
        assert!(err.to_string().contains("more than 65536 bytes"), "{err}");
    }

    /// Issue 11 item 7: a background child holding stdout open after the command exits is
    /// reported as such (and killed), within the grace period, not after the timeout.
    #[test]
    fn a_background_child_holding_stdout_is_reported() {
        let start = Instant::now();
        let err = run_key_command(
            &["sh", "-c", "printf sk-bg; sleep 30 &"],
            Duration::from_secs(20),
        )
        .expect_err("held open");
        assert!(
            matches!(err, SourceError::CommandBackground { .. }),
            "{err}"
        );
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
        // A background child that closed its stdout is fine.
        let key = sh("printf sk-ok; sleep 30 >/dev/null 2>&1 &").expect("stdout closed");
        assert_eq!(key.expose_secret(), "sk-ok");
    }

    #[test]
    fn command_spawn_errors() {
        assert_eq!(
            run_key_command(&[], super::super::DEFAULT_COMMAND_TIMEOUT).err(),
            Some(SourceError::CommandEmpty)
        );
        let err = run_key_command(
            &["/nonexistent/llmcfg-no-such-tool"],
            super::super::DEFAULT_COMMAND_TIMEOUT,
        )
        .expect_err("spawn");
        assert!(matches!(err, SourceError::CommandSpawn { .. }), "{err}");
    }
}
