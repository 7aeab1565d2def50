//! The few Unix system calls std does not offer, over `libc`: the `*at` calls that keep the
//! secret store's checks and writes on one opened directory (so a symlink or directory swapped
//! in between them is never followed), the switch of a pipe to non-blocking reads, the kill of a
//! key command's whole process group, and the caller's user id.
//!
//! Why not `rustix`, which wraps them safely: it cost about 3.9 s of CPU in a cold debug build
//! (with `linux-raw-sys`, `bitflags` and its build script) against 1.4 s for `libc`, which
//! almost every application already compiles (tokio, mio, socket2). The wrappers below are the
//! crate's only `unsafe` code; each hands the kernel a live descriptor and a NUL-terminated
//! name, and takes ownership of what it returns, nothing more.

#![allow(unsafe_code)]

use std::ffi::CString;
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

pub(crate) use libc::{O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY};

/// `name` as a C string; a NUL inside it is an invalid input, not a truncated name.
fn c_name(name: &str) -> io::Result<CString> {
    CString::new(name).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))
}

/// `-1` from a call is the error in `errno`.
fn check(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// Whether `error` is the errno `code` (for the cases `io::ErrorKind` does not name).
pub(crate) fn is_errno(error: &io::Error, code: libc::c_int) -> bool {
    error.raw_os_error() == Some(code)
}

pub(crate) use libc::ELOOP;

/// Opens the directory at `path` for the `*at` calls (following a symlink, as `open` does).
pub(crate) fn open_dir(path: &std::path::Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY)
        .open(path)
}

/// Opens `name` inside the directory `dir` with `flags` (`O_CLOEXEC` is always added) and, when
/// creating, permission bits `mode`. Every caller reads, writes or locks it: a `File`.
pub(crate) fn openat(
    dir: BorrowedFd<'_>,
    name: &str,
    flags: libc::c_int,
    mode: u32,
) -> io::Result<File> {
    let name = c_name(name)?;
    loop {
        // SAFETY: `dir` is a live descriptor for the call's duration and `name` a NUL-terminated
        // string that outlives it; the mode is passed as the variadic `c_uint` openat expects.
        let fd = unsafe {
            libc::openat(
                dir.as_raw_fd(),
                name.as_ptr(),
                flags | libc::O_CLOEXEC,
                mode as libc::c_uint,
            )
        };
        match check(fd) {
            // SAFETY: a descriptor openat just returned belongs to no one else.
            Ok(fd) => return Ok(File::from(unsafe { OwnedFd::from_raw_fd(fd) })),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Renames `from` to `to`, both inside the directory `dir`.
pub(crate) fn renameat(dir: BorrowedFd<'_>, from: &str, to: &str) -> io::Result<()> {
    let (from, to) = (c_name(from)?, c_name(to)?);
    // SAFETY: a live descriptor and two NUL-terminated strings that outlive the call.
    check(unsafe { libc::renameat(dir.as_raw_fd(), from.as_ptr(), dir.as_raw_fd(), to.as_ptr()) })
        .map(drop)
}

/// Removes the file `name` inside the directory `dir`.
pub(crate) fn unlinkat(dir: BorrowedFd<'_>, name: &str) -> io::Result<()> {
    let name = c_name(name)?;
    // SAFETY: a live descriptor and a NUL-terminated string that outlives the call.
    check(unsafe { libc::unlinkat(dir.as_raw_fd(), name.as_ptr(), 0) }).map(drop)
}

/// Flushes `fd` to disk; on a directory, the renames and unlinks done in it.
pub(crate) fn fsync(fd: BorrowedFd<'_>) -> io::Result<()> {
    // SAFETY: a live descriptor; fsync touches nothing else.
    check(unsafe { libc::fsync(fd.as_raw_fd()) }).map(drop)
}

/// Switches `fd` (a pipe end) to non-blocking reads, keeping its other status flags.
pub(crate) fn set_nonblocking(fd: BorrowedFd<'_>) -> io::Result<()> {
    // SAFETY: F_GETFL takes no argument and reads only the descriptor's flags.
    let flags = check(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) })?;
    // SAFETY: F_SETFL takes the flags as an int and changes only this descriptor's status.
    check(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK) }).map(drop)
}

/// Sends SIGKILL to the process group led by `pid`; a pid that is not a positive `pid_t` (which
/// would address every process or the caller's own group) is refused.
pub(crate) fn kill_process_group(pid: u32) -> io::Result<()> {
    let pid = libc::pid_t::try_from(pid)
        .ok()
        .filter(|&p| p > 0)
        .ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: kill takes plain integers; a negative pid names the group `pid` leads.
    check(unsafe { libc::kill(-pid, libc::SIGKILL) }).map(drop)
}

/// The real user id of the process.
pub(crate) fn getuid() -> u32 {
    // SAFETY: getuid has no arguments and cannot fail.
    unsafe { libc::getuid() }
}

/// Creates a FIFO at `path` (tests of readers that must not block on one).
#[cfg(test)]
pub(crate) fn mkfifo(path: &std::path::Path) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt as _;
    let path = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: a NUL-terminated path that outlives the call.
    check(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd as _;

    fn dir() -> (tempfile::TempDir, std::fs::File) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let handle = std::fs::File::open(tmp.path()).expect("open the directory");
        (tmp, handle)
    }

    #[test]
    fn openat_creates_renames_and_unlinks_inside_the_directory() {
        let (tmp, dir) = dir();
        let fd = openat(dir.as_fd(), "a", O_CREAT | O_EXCL | O_WRONLY, 0o600).expect("create");
        drop(fd);
        let again = openat(dir.as_fd(), "a", O_CREAT | O_EXCL | O_WRONLY, 0o600)
            .expect_err("O_EXCL refuses an existing file");
        assert_eq!(again.kind(), io::ErrorKind::AlreadyExists);
        renameat(dir.as_fd(), "a", "b").expect("rename");
        assert!(!tmp.path().join("a").exists() && tmp.path().join("b").exists());
        fsync(dir.as_fd()).expect("fsync the directory");
        unlinkat(dir.as_fd(), "b").expect("unlink");
        let gone = unlinkat(dir.as_fd(), "b").expect_err("already removed");
        assert_eq!(gone.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn openat_with_nofollow_refuses_a_symlink() {
        let (tmp, dir) = dir();
        std::fs::write(tmp.path().join("target"), "x").expect("write");
        std::os::unix::fs::symlink(tmp.path().join("target"), tmp.path().join("link"))
            .expect("symlink");
        let err = openat(dir.as_fd(), "link", O_RDONLY | O_NOFOLLOW, 0).expect_err("a symlink");
        assert!(is_errno(&err, ELOOP), "{err}");
    }

    #[test]
    fn a_name_with_a_nul_is_an_invalid_input() {
        let (_tmp, dir) = dir();
        let err = openat(dir.as_fd(), "a\0b", O_RDONLY, 0).expect_err("NUL");
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn a_pid_that_would_address_other_groups_is_refused() {
        for pid in [0, u32::MAX] {
            let err = kill_process_group(pid).expect_err("refused");
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "pid {pid}");
        }
    }

    #[test]
    fn getuid_is_the_owner_of_a_file_the_process_creates() {
        use std::os::unix::fs::MetadataExt as _;
        let (tmp, _dir) = dir();
        let path = tmp.path().join("mine");
        std::fs::write(&path, "x").expect("write");
        let meta = std::fs::metadata(&path).expect("stat");
        assert_eq!(meta.uid(), getuid());
    }
}
