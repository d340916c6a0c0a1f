//! New files put in place without a temporary name (Linux).
//!
//! A file that does not exist yet is written to an unnamed file in its folder
//! (`O_TMPFILE`), then given its name with `linkat` (through `/proc/self/fd`, as
//! `man 2 open` describes). Readers see no file, then the whole file; a crash leaves no
//! half-written file and no temporary name behind. `linkat` fails when the name is
//! taken, so a file that appeared since it was checked (another process's, or the
//! team's) is never replaced: the caller looks at it again and decides as for any file
//! already there. This costs no rename and leaves no open file waiting for
//! [`super::BatchWriter::finish`]: a batch of 45,000 files cannot hold 45,000 open
//! files, so the file is named at once and removed again if the batch fails.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A file this run created under its final name. Dropped without [`Created::keep`]
/// (a batch that failed or was abandoned), it is removed again.
///
/// Kept small (48 bytes and the path): a batch holds one for every new file until it
/// finishes, 45,000 for a workspace of 5,000 crates.
#[derive(Debug)]
pub struct Created {
    /// Empty once kept.
    path: Box<Path>,
    /// Which file was linked, as it was just after: a rollback removes the name only
    /// while it still names that file, unchanged, never one someone else put there
    /// since (renamed over ours: another inode; ours removed and a new one written, which
    /// may reuse the inode, or ours written over: a later change time, to the file
    /// system's clock tick).
    identity: Option<Identity>,
}

impl Created {
    /// Keeps the file for good; its path.
    pub fn keep(mut self) -> PathBuf {
        std::mem::replace(&mut self.path, PathBuf::new().into_boxed_path()).into_path_buf()
    }
}

impl Drop for Created {
    fn drop(&mut self) {
        if self.path.as_os_str().is_empty() {
            return;
        }
        let still_ours = fs::symlink_metadata(&self.path)
            .is_ok_and(|metadata| identity(&metadata).is_some_and(|id| Some(id) == self.identity));
        if still_ours {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// What linking a new file did.
#[derive(Debug)]
pub(super) enum Linked {
    Created(Created),
    /// Something is at the path already: nothing was written there.
    Exists,
    /// The file system (or the kernel, or a missing `/proc`) cannot: write another way.
    Unsupported,
}

/// Device, inode, change time (in nanoseconds: a 64-bit count lasts until 2262).
type Identity = (u64, u64, i64);

#[cfg(unix)]
fn identity(metadata: &fs::Metadata) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    let change = metadata
        .ctime()
        .checked_mul(1_000_000_000)?
        .checked_add(metadata.ctime_nsec())?;
    Some((metadata.dev(), metadata.ino(), change))
}

#[cfg(not(unix))]
fn identity(_: &fs::Metadata) -> Option<Identity> {
    None
}

/// Writes `bytes` to a new file `path` in `folder` (its parent), whole or not at all.
#[cfg(target_os = "linux")]
pub(super) fn create_linked(folder: &Path, path: &Path, bytes: &[u8]) -> io::Result<Linked> {
    use std::ffi::CString;
    use std::io::Write;
    use std::os::fd::AsRawFd;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::OpenOptionsExt;

    let opened = fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_TMPFILE)
        .open(folder);
    let mut file = match opened {
        Ok(file) => file,
        Err(error) if unsupported(&error) => return Ok(Linked::Unsupported),
        Err(error) => return Err(error),
    };
    file.write_all(bytes)?;
    let unnamed = CString::new(format!("/proc/self/fd/{}", file.as_raw_fd()))?;
    let named = CString::new(path.as_os_str().as_bytes())?;
    // SAFETY: both are NUL-terminated strings that outlive the call.
    let linked = unsafe {
        libc::linkat(
            libc::AT_FDCWD,
            unnamed.as_ptr(),
            libc::AT_FDCWD,
            named.as_ptr(),
            libc::AT_SYMLINK_FOLLOW,
        )
    };
    if linked == 0 {
        // From here on the file is named, and removed again unless kept: its identity
        // once linked (the link changed its change time), or none if that cannot be
        // read (then it stays, rather than risk removing another file).
        return Ok(Linked::Created(Created {
            path: path.into(),
            identity: file.metadata().ok().as_ref().and_then(identity),
        }));
    }
    let error = io::Error::last_os_error();
    match error.kind() {
        io::ErrorKind::AlreadyExists => Ok(Linked::Exists),
        // Either the folder went away (the caller resolves it again) or there is no
        // `/proc` to name the file through.
        io::ErrorKind::NotFound if !Path::new("/proc/self/fd").is_dir() => Ok(Linked::Unsupported),
        _ => Err(error),
    }
}

/// Not Linux: no `O_TMPFILE`.
#[cfg(not(target_os = "linux"))]
pub(super) fn create_linked(_: &Path, _: &Path, _: &[u8]) -> io::Result<Linked> {
    Ok(Linked::Unsupported)
}

/// Whether opening an unnamed file failed because it cannot be done here: a file system
/// without it (`EOPNOTSUPP`), a kernel older than 3.11 (which takes the flag for
/// `O_DIRECTORY` and says `EISDIR`), or `EINVAL`.
#[cfg(target_os = "linux")]
pub(super) fn unsupported(error: &io::Error) -> bool {
    matches!(
        error.raw_os_error(),
        Some(libc::EOPNOTSUPP | libc::EISDIR | libc::EINVAL)
    )
}
