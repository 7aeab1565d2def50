//! The store's file-system checks: who owns the directory and each secret file, which modes are
//! accepted (and the `chmod` that fixes the others), the size cap, and creating the directory.

use std::path::Path;

use zeroize::Zeroizing;

use super::{StoreError, StoreWarning, Visibility};

/// The largest secret file the store reads.
pub(super) const MAX_SECRET_FILE: u64 = 1 << 20;

pub(super) fn io_err(
    action: &'static str,
    path: &Path,
) -> impl FnOnce(std::io::Error) -> StoreError {
    let path = path.to_path_buf();
    move |source| StoreError::Io {
        action,
        path,
        source,
    }
}

/// `path` quoted for a POSIX shell when it needs to be.
pub(super) fn shell_quote(path: &Path) -> String {
    let s = path.to_string_lossy();
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+=:,@".contains(&b))
    {
        s.into_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn insecure(path: &Path, problem: String, fix: String) -> StoreError {
    StoreError::Insecure {
        path: path.to_path_buf(),
        problem,
        fix,
    }
}

pub(super) fn not_a_directory(path: &Path) -> StoreError {
    StoreError::Io {
        action: "use as the store directory",
        path: path.to_path_buf(),
        source: std::io::Error::other("not a directory"),
    }
}

pub(super) fn too_large(path: &Path) -> StoreError {
    StoreError::Corrupt {
        path: path.to_path_buf(),
        detail: format!("it is larger than {MAX_SECRET_FILE} bytes"),
    }
}

fn current_uid() -> u32 {
    #[cfg(unix)]
    return crate::sys::getuid();
    #[cfg(not(unix))]
    0
}

fn check_owner(path: &Path, uid: u32) -> Result<(), StoreError> {
    let me = current_uid();
    if uid != me {
        return Err(insecure(
            path,
            format!("it is owned by uid {uid}, not by you (uid {me}), so someone else controls it"),
            format!("chown {me} {}", shell_quote(path)),
        ));
    }
    Ok(())
}

/// The store directory must be ours and closed to everyone else: exactly what `0700` allows.
pub(super) fn check_dir(dir: &Path, uid: u32, raw_mode: u32) -> Result<(), StoreError> {
    check_owner(dir, uid)?;
    let mode = raw_mode & 0o7777;
    if mode & 0o077 != 0 {
        return Err(insecure(
            dir,
            format!(
                "the secret store directory is open to group or others (mode {mode:04o}; it must \
                 be 0700)"
            ),
            format!("chmod 700 {}", shell_quote(dir)),
        ));
    }
    Ok(())
}

/// Owner and mode checks that hold for every secret file, before its content is read.
pub(super) fn check_file(path: &Path, uid: u32, raw_mode: u32) -> Result<u32, StoreError> {
    check_owner(path, uid)?;
    let mode = raw_mode & 0o7777;
    if mode & 0o7027 != 0 {
        return Err(insecure(
            path,
            format!(
                "the secret file is writable by group or accessible by others (mode {mode:04o}); \
                 secrets are 0600 (private) or 0640 (public)"
            ),
            format!("chmod 600 {}", shell_quote(path)),
        ));
    }
    Ok(mode)
}

/// A parent others can write lets them rename the store away and put their own in its place;
/// a sticky directory (`/tmp`) does not.
pub(super) fn parent_warning(parent: &Path, raw_mode: u32) -> Option<StoreWarning> {
    let mode = raw_mode & 0o7777;
    (mode & 0o022 != 0 && mode & 0o1000 == 0).then(|| StoreWarning::WritableParent {
        path: parent.to_path_buf(),
        mode,
        fix: format!("chmod go-w {}", shell_quote(parent)),
    })
}

/// Creates the store directory with mode `0700` (its parents with the default mode).
pub(super) fn create_dir(dir: &Path) -> Result<(), StoreError> {
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io_err("create directory", parent))?;
    }
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    match builder.create(dir) {
        Ok(()) => {}
        // Another process created it first; it is checked like any existing store.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
        Err(source) => {
            return Err(StoreError::Io {
                action: "create directory",
                path: dir.to_path_buf(),
                source,
            });
        }
    }
    #[cfg(unix)]
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        // Durability of the new entry; failure here does not undo the directory.
        let _ = std::fs::File::open(parent).and_then(|d| d.sync_all());
    }
    Ok(())
}

/// The bytes of a secret file (zeroized on drop) and its permission bits.
pub(super) struct RawSecretFile {
    pub(super) bytes: Zeroizing<Vec<u8>>,
    pub(super) mode: u32,
}

/// Checks the file mode against the visibility recorded inside the file.
pub(super) fn check_visibility(
    path: &Path,
    mode: u32,
    visibility: Visibility,
) -> Result<(), StoreError> {
    if cfg!(unix) && visibility == Visibility::Private && mode & 0o070 != 0 {
        return Err(insecure(
            path,
            format!("the private secret is readable by group (mode {mode:04o})"),
            format!("chmod 600 {}", shell_quote(path)),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(
            shell_quote(Path::new("/home/a/.config/llmcfg/secrets")),
            "/home/a/.config/llmcfg/secrets"
        );
        assert_eq!(shell_quote(Path::new("/tmp/a b")), "'/tmp/a b'");
        assert_eq!(shell_quote(Path::new("/tmp/it's")), r"'/tmp/it'\''s'");
    }

    #[test]
    fn only_0700_passes_and_writable_parents_warn() {
        let me = current_uid();
        let dir = Path::new("/s");
        assert!(check_dir(dir, me, 0o40700).is_ok());
        for open in [0o755, 0o750, 0o701, 0o710, 0o777] {
            let err = check_dir(dir, me, open).expect_err("more open than 0700");
            assert!(err.to_string().contains("chmod 700 /s"), "{err}");
        }
        assert!(parent_warning(Path::new("/p"), 0o755).is_none());
        assert!(parent_warning(Path::new("/tmp"), 0o1777).is_none());
        let warning = parent_warning(Path::new("/p"), 0o775).expect("group-writable");
        assert!(warning.to_string().contains("chmod go-w /p"), "{warning}");
    }
}
