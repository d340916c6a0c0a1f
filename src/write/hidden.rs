//! New folders built out of sight (for a [`super::BatchWriter`]).
//!
//! A folder that does not exist yet is built in a staging folder at the root of the
//! output (`.edasmith-new.<process>.<k>/<n>`), filled with plain new files, and renamed
//! to its name when the whole batch has succeeded, or removed with the staging folder
//! when it fails. Readers see no folder, then the folder with every file in it, whole;
//! a crash leaves a staging folder, never a half-written file under a real name. On
//! Linux a batch holds a lock on its staging folder (`flock`) for its life, and a later
//! batch that builds a new folder in the same output removes a staging folder nobody
//! holds that has not changed for a minute (a killed run's).
//!
//! Why a staging folder at the root, not a hidden name beside each new folder: a
//! workspace's `members = ["services/*"]` matches a dot name too, so a leftover beside
//! the crates would be one more crate to `cargo`.
//!
//! Why not put each new file in place as it comes, as in a folder that exists
//! (`link.rs`): a file nobody can see needs no unnamed file and no link. On ext4 an
//! unnamed file joins and leaves the orphan list, which is journalled: measured on this
//! project's VM, 45,000 files in 15,000 new folders took 1.70 s of system time written
//! unnamed and linked, 1.14 s created plainly (`generate` at 5,000 services writes
//! exactly that). Only the top folder of each new tree is staged and renamed: its
//! subfolders are made inside it, under their own names.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::WriteError;

/// How the staging folders of this program are named at the root of an output.
const STAGING_PREFIX: &str = ".edasmith-new.";

/// Numbers this process's staging folders.
pub(super) static STAGING_COUNTER: AtomicU64 = AtomicU64::new(0);

/// How long a staging folder nobody holds must have been left alone before a later
/// batch removes it: one just made is locked a moment after it appears.
const ABANDONED_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

/// The new folders of one batch. Never forgotten while the batch runs (unlike the
/// resolved folders): their names do not exist until revealed, so forgetting one
/// would make a second.
#[derive(Debug)]
pub(super) struct NewFolders {
    /// The output folder, canonical.
    root: PathBuf,
    /// Where they are built: made at the first new folder.
    staging: Option<PathBuf>,
    /// The staging folder, open and locked while the batch lives (Linux).
    _lock: Option<File>,
    /// The root's mount, read at the first new folder (the root exists by then).
    root_mount: Option<Option<Mount>>,
    /// Final path (canonical) -> where it is built, in path order.
    folders: BTreeMap<PathBuf, PathBuf>,
}

impl NewFolders {
    pub(super) fn new(root: &Path) -> Self {
        NewFolders {
            root: root.to_path_buf(),
            staging: None,
            _lock: None,
            root_mount: None,
            folders: BTreeMap::new(),
        }
    }

    /// Where the new folder `path` (final, canonical) is being built, if this batch
    /// made it.
    pub(super) fn get(&self, path: &Path) -> Option<PathBuf> {
        self.folders.get(path).cloned()
    }

    /// Starts building the new folder `path` (final, canonical, under the root) out of
    /// sight: where it is built, or `None` when it cannot be (its parent is on another
    /// file system than the root, so no rename could reveal it): then the caller makes
    /// it in place.
    pub(super) fn make(&mut self, path: &Path) -> Result<Option<PathBuf>, WriteError> {
        if let Some(built) = self.get(path) {
            return Ok(Some(built));
        }
        let root_mount = *self.root_mount.get_or_insert_with(|| mount(&self.root));
        let parent_mount = mount(path.parent().unwrap_or(&self.root));
        if !same_mount(root_mount, parent_mount) {
            return Ok(None);
        }
        let staging = match &self.staging {
            Some(staging) => staging.clone(),
            None => {
                remove_abandoned(&self.root);
                let (staging, lock) =
                    make_staging(&self.root).map_err(|source| WriteError::Io {
                        path: path.to_path_buf(),
                        source,
                    })?;
                self._lock = lock;
                self.staging = Some(staging.clone());
                staging
            }
        };
        let built = staging.join(self.folders.len().to_string());
        fs::create_dir(&built).map_err(|source| WriteError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        self.folders.insert(path.to_path_buf(), built.clone());
        Ok(Some(built))
    }

    /// Renames every new folder to its name, in path order, never over anything that
    /// appeared under the name meanwhile (another process's folder). When one cannot be
    /// revealed, those revealed before it are put back, so the batch fails as a whole:
    /// the error names the folder, and [`NewFolders::remove`] removes them all. (A file
    /// another process wrote into a revealed folder in the microseconds between goes
    /// back with it: the folders are this batch's, and only just appeared.)
    pub(super) fn reveal(&mut self) -> Result<(), WriteError> {
        let mut revealed: Vec<(PathBuf, PathBuf)> = Vec::new();
        while let Some((path, built)) = self.folders.pop_first() {
            if let Err(mut source) = rename_no_replace(&built, &path) {
                for (path, built) in revealed {
                    match fs::rename(&path, &built) {
                        Ok(()) => {
                            self.folders.insert(path, built);
                        }
                        // Then the output did change: say so, with the first cause.
                        Err(error) => {
                            source = io::Error::other(format!(
                                "{source}; `{}` was written and could not be taken back: {error}",
                                path.display()
                            ));
                        }
                    }
                }
                self.folders.insert(path.clone(), built);
                return Err(WriteError::Io { path, source });
            }
            revealed.push((path, built));
        }
        if let Some(staging) = self.staging.take() {
            let _ = fs::remove_dir(staging);
        }
        Ok(())
    }

    /// Removes every folder not revealed, with what was written into it.
    pub(super) fn remove(&mut self) {
        self.folders.clear();
        if let Some(staging) = self.staging.take() {
            // Never follows a symlink out (std removes links, not what they name).
            let _ = fs::remove_dir_all(staging);
        }
    }
}

/// Makes a staging folder no other batch uses (`.edasmith-new.<process>.<k>`, the next
/// `k` if a dead process with the same number left one) and, on Linux, locks it.
pub(super) fn make_staging(root: &Path) -> io::Result<(PathBuf, Option<File>)> {
    loop {
        let k = STAGING_COUNTER.fetch_add(1, Ordering::Relaxed);
        let staging = root.join(format!("{STAGING_PREFIX}{}.{k}", std::process::id()));
        match fs::create_dir(&staging) {
            Ok(()) => {
                let lock = lock(&staging, false)?;
                return Ok((staging, lock));
            }
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists && k < 1_000 => {}
            Err(error) => return Err(error),
        }
    }
}

/// Whether `name` is a staging folder's: `.edasmith-new.<digits>.<digits>`, nothing else.
fn is_staging_name(name: &str) -> bool {
    name.strip_prefix(STAGING_PREFIX).is_some_and(|rest| {
        let mut parts = rest.split('.');
        let digits = |part: Option<&str>| {
            part.is_some_and(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
        };
        digits(parts.next()) && digits(parts.next()) && parts.next().is_none()
    })
}

/// Removes the staging folders at `root` that no batch holds and that have not changed
/// for [`ABANDONED_AFTER`] (a killed run's). Only folders named like one, never
/// through a link; the lock is held while removing, so no batch can take it meanwhile.
fn remove_abandoned(root: &Path) {
    let Ok(entries) = fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        if !entry.file_name().to_str().is_some_and(is_staging_name) {
            continue;
        }
        let path = entry.path();
        let Ok(metadata) = fs::symlink_metadata(&path) else {
            continue;
        };
        let old = metadata
            .modified()
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|age| age >= ABANDONED_AFTER);
        if !metadata.is_dir() || !old {
            continue;
        }
        if let Ok(Some(_held)) = lock(&path, true) {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// Opens the folder and takes its lock: waiting for it, or (`try_only`) `None` when
/// another holds it. `None` too where there are no such locks (not Linux).
#[cfg(target_os = "linux")]
pub(super) fn lock(folder: &Path, try_only: bool) -> io::Result<Option<File>> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW)
        .open(folder)?;
    let operation = if try_only {
        libc::LOCK_EX | libc::LOCK_NB
    } else {
        libc::LOCK_EX
    };
    // SAFETY: `flock` on a descriptor this function owns; the lock goes with the file.
    if unsafe { libc::flock(file.as_raw_fd(), operation) } == 0 {
        return Ok(Some(file));
    }
    let error = io::Error::last_os_error();
    if try_only && error.kind() == io::ErrorKind::WouldBlock {
        return Ok(None);
    }
    Err(error)
}

#[cfg(not(target_os = "linux"))]
pub(super) fn lock(_: &Path, _: bool) -> io::Result<Option<File>> {
    Ok(None)
}

/// Where a path is mounted: its device and, where the system says (`statx`), its
/// mount (a bind mount of the same device inside the output is another mount).
type Mount = (u64, Option<u64>);

/// The mount of `path`; `None` where it cannot be read, or there are no device
/// numbers (not Unix: then no folder is staged).
#[cfg(unix)]
fn mount(path: &Path) -> Option<Mount> {
    use std::os::unix::fs::MetadataExt;
    Some((fs::metadata(path).ok()?.dev(), mount_id(path)))
}

#[cfg(not(unix))]
fn mount(_: &Path) -> Option<Mount> {
    None
}

/// Whether a folder can be renamed from one mount to the other: the same device, and
/// the same mount where both are known (a rename across mounts fails).
fn same_mount(a: Option<Mount>, b: Option<Mount>) -> bool {
    match (a, b) {
        (Some((a_device, a_mount)), Some((b_device, b_mount))) => {
            a_device == b_device && (a_mount.is_none() || b_mount.is_none() || a_mount == b_mount)
        }
        _ => false,
    }
}

/// The mount a path is on, where the kernel says (`statx`, Linux 5.8 and later).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn mount_id(path: &Path) -> Option<u64> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let path = CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: `statx` fills the zeroed plain-data struct; the path outlives the call.
    let mut found: libc::statx = unsafe { std::mem::zeroed() };
    let status = unsafe {
        libc::statx(
            libc::AT_FDCWD,
            path.as_ptr(),
            0,
            libc::STATX_MNT_ID,
            &mut found,
        )
    };
    (status == 0 && found.stx_mask & libc::STATX_MNT_ID != 0).then_some(found.stx_mnt_id)
}

#[cfg(all(unix, not(all(target_os = "linux", target_env = "gnu"))))]
fn mount_id(_: &Path) -> Option<u64> {
    None
}

/// Renames the folder `from` to `to`, failing if anything is at `to`. Where the system
/// cannot refuse (no `renameat2`, or a file system without it), a plain rename, which
/// replaces only an empty folder.
fn rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let from_c = CString::new(from.as_os_str().as_bytes())?;
        let to_c = CString::new(to.as_os_str().as_bytes())?;
        // SAFETY: both are NUL-terminated strings that outlive the call.
        let renamed = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                from_c.as_ptr(),
                libc::AT_FDCWD,
                to_c.as_ptr(),
                libc::RENAME_NOREPLACE,
            )
        };
        if renamed == 0 {
            return Ok(());
        }
        let error = io::Error::last_os_error();
        if !matches!(error.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) {
            return Err(error);
        }
    }
    fs::rename(from, to)
}

/// Creates the file at `built` (in a new folder), exclusively: nothing else should be
/// there, and a file that is is never written through.
pub(super) fn create_file(built: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(built)
}

/// Writes `bytes` to a new file at `built`.
pub(super) fn write_file(built: &Path, bytes: &[u8]) -> io::Result<()> {
    create_file(built)?.write_all(bytes)
}
