//! Safe output writing: every file edasmith generates goes through here.
//!
//! [`OutputDir`] confines writes to one folder: a relative path is refused when it is
//! absolute, contains `..`, or resolves (through a symlink) to outside the folder. Every
//! file is written atomically: a temporary file in the same folder, then a rename, so a
//! reader never sees half a file and a failed run leaves the old file in place.
//!
//! The checks are made on the file system as it is when `write` runs; a folder swapped
//! for a symlink between the check and the rename by another process is not defended
//! against (the output folder is the user's, not an attacker's).

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("refusing to write `{}`: an output path must be relative", path.display())]
    Absolute { path: PathBuf },
    #[error("refusing to write `{}`: an output path may not contain `..`", path.display())]
    ParentDir { path: PathBuf },
    #[error("refusing to write an empty output path")]
    Empty,
    #[error(
        "refusing to write `{}`: it resolves to `{}`, outside the output folder `{}`",
        path.display(), resolved.display(), root.display()
    )]
    Escapes {
        path: PathBuf,
        resolved: PathBuf,
        root: PathBuf,
    },
    #[error("cannot write `{}`: `{}` is not a folder", path.display(), blocker.display())]
    NotAFolder { path: PathBuf, blocker: PathBuf },
    #[error("cannot write `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A folder that generated files are written into, and never out of.
#[derive(Debug, Clone)]
pub struct OutputDir {
    /// Canonical (symlinks resolved), so containment is a prefix check.
    root: PathBuf,
}

impl OutputDir {
    /// Opens the folder, creating it (and its parents) when missing.
    pub fn create(root: impl AsRef<Path>) -> Result<Self, WriteError> {
        let root = root.as_ref();
        fs::create_dir_all(root).map_err(io_error(root))?;
        let canonical = fs::canonicalize(root).map_err(io_error(root))?;
        if !canonical.is_dir() {
            return Err(WriteError::NotAFolder {
                path: root.to_path_buf(),
                blocker: canonical,
            });
        }
        Ok(OutputDir { root: canonical })
    }

    /// The folder, with symlinks resolved.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Writes `bytes` to `relative` inside the folder, atomically, creating parent
    /// folders. Returns the path written.
    pub fn write(&self, relative: impl AsRef<Path>, bytes: &[u8]) -> Result<PathBuf, WriteError> {
        let relative = relative.as_ref();
        let parts = checked_components(relative)?;
        let Some((file_name, folders)) = parts.split_last() else {
            return Err(WriteError::Empty);
        };
        let mut folder = self.root.clone();
        for part in folders {
            let next = folder.join(part);
            match fs::symlink_metadata(&next) {
                Ok(_) => {
                    // Exists (maybe as a symlink): follow it and make sure it stays inside.
                    let resolved = fs::canonicalize(&next).map_err(io_error(&next))?;
                    self.contain(relative, &resolved)?;
                    if !resolved.is_dir() {
                        return Err(WriteError::NotAFolder {
                            path: relative.to_path_buf(),
                            blocker: next,
                        });
                    }
                    folder = resolved;
                }
                Err(error) if error.kind() == io::ErrorKind::NotFound => {
                    match fs::create_dir(&next) {
                        Ok(()) => {}
                        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                        Err(e) => return Err(io_error(&next)(e)),
                    }
                    let resolved = fs::canonicalize(&next).map_err(io_error(&next))?;
                    self.contain(relative, &resolved)?;
                    folder = resolved;
                }
                Err(error) => return Err(io_error(&next)(error)),
            }
        }
        let target = folder.join(file_name);
        if let Ok(metadata) = fs::symlink_metadata(&target) {
            if metadata.file_type().is_symlink() {
                // The rename would replace the link, not write through it; still, a link
                // that points out says someone expects the file elsewhere: refuse.
                let resolved = fs::canonicalize(&target)
                    .unwrap_or_else(|_| fs::read_link(&target).unwrap_or_else(|_| target.clone()));
                self.contain(relative, &resolved)?;
            } else if metadata.is_dir() {
                return Err(WriteError::NotAFolder {
                    path: relative.to_path_buf(),
                    blocker: target,
                });
            }
        }
        write_atomic(&target, bytes)?;
        Ok(target)
    }

    fn contain(&self, path: &Path, resolved: &Path) -> Result<(), WriteError> {
        if resolved.starts_with(&self.root) {
            Ok(())
        } else {
            Err(WriteError::Escapes {
                path: path.to_path_buf(),
                resolved: resolved.to_path_buf(),
                root: self.root.clone(),
            })
        }
    }
}

/// The normal components of a relative path; `.` is skipped, anything else refused.
fn checked_components(path: &Path) -> Result<Vec<&std::ffi::OsStr>, WriteError> {
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                return Err(WriteError::ParentDir {
                    path: path.to_path_buf(),
                });
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(WriteError::Absolute {
                    path: path.to_path_buf(),
                });
            }
        }
    }
    if parts.is_empty() {
        return Err(WriteError::Empty);
    }
    Ok(parts)
}

/// Writes a file atomically: a fresh temporary file beside it, synced, then renamed over
/// it. The temporary file is created exclusively, so it never writes through a link.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or(WriteError::Empty)?
        .to_string_lossy()
        .into_owned();
    let temp = folder.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)
    })();
    result.map_err(|source| {
        let _ = fs::remove_file(&temp);
        WriteError::Io {
            path: path.to_path_buf(),
            source,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh empty folder under the target dir (no tempfile crate needed).
    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("edasmith-write-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn writes_files_and_creates_folders() {
        let dir = scratch("writes");
        let out = OutputDir::create(dir.join("out")).unwrap();
        let path = out.write("a/b/c.txt", b"hello").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"hello");
        out.write("a/b/c.txt", b"again").unwrap();
        assert_eq!(fs::read(dir.join("out/a/b/c.txt")).unwrap(), b"again");
        out.write("./d.txt", b"x").unwrap();
        // No temporary file is left behind.
        let names: Vec<_> = fs::read_dir(dir.join("out/a/b"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["c.txt"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_parent_dir_absolute_and_empty_paths() {
        let dir = scratch("escapes");
        let out = OutputDir::create(&dir).unwrap();
        assert!(matches!(
            out.write("../x.txt", b""),
            Err(WriteError::ParentDir { .. })
        ));
        assert!(matches!(
            out.write("a/../../x.txt", b""),
            Err(WriteError::ParentDir { .. })
        ));
        let absolute = dir.join("abs.txt");
        assert!(matches!(
            out.write(&absolute, b""),
            Err(WriteError::Absolute { .. })
        ));
        assert!(matches!(out.write("", b""), Err(WriteError::Empty)));
        assert!(matches!(out.write(".", b""), Err(WriteError::Empty)));
        assert!(!absolute.exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlinks_that_point_outside() {
        let dir = scratch("symlinks");
        let outside = dir.join("outside");
        fs::create_dir_all(&outside).unwrap();
        let root = dir.join("root");
        fs::create_dir_all(root.join("inner")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("link")).unwrap();
        std::os::unix::fs::symlink(outside.join("f.txt"), root.join("file-link")).unwrap();
        std::os::unix::fs::symlink(root.join("inner"), root.join("inside-link")).unwrap();
        let out = OutputDir::create(&root).unwrap();

        let error = out.write("link/x.txt", b"no").unwrap_err();
        assert!(matches!(error, WriteError::Escapes { .. }), "{error}");
        assert!(!outside.join("x.txt").exists());

        let error = out.write("file-link", b"no").unwrap_err();
        assert!(matches!(error, WriteError::Escapes { .. }), "{error}");
        assert!(!outside.join("f.txt").exists());

        // A link that stays inside the folder is fine.
        out.write("inside-link/y.txt", b"ok").unwrap();
        assert_eq!(fs::read(root.join("inner/y.txt")).unwrap(), b"ok");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_a_file_where_a_folder_is_needed() {
        let dir = scratch("blocked");
        let out = OutputDir::create(&dir).unwrap();
        out.write("file", b"x").unwrap();
        assert!(matches!(
            out.write("file/y.txt", b""),
            Err(WriteError::NotAFolder { .. })
        ));
        fs::remove_dir_all(&dir).unwrap();
    }
}
