//! Writing generated files: atomic (temp file + rename), confined to the output folder
//! (no `..`, no absolute paths, never through a symlink), and only when the content
//! changed.
//!
//! API: [`OutputDir::open`] the `--out` folder, then [`OutputDir::status`] a relative
//! path against the bytes it should hold, and [`OutputDir::write`] them.

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

/// Why a write was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("`{0}` is not a relative path inside the output folder")]
    NotConfined(String),
    #[error("`{0}` is a symbolic link: refusing to write through it")]
    Symlink(PathBuf),
    #[error("`{path}`: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_owned(),
        source,
    }
}

/// What a file on disk is, compared with what it should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileStatus {
    Missing,
    Stale,
    UpToDate,
}

/// The output folder: every path is checked to stay inside it.
#[derive(Debug)]
pub struct OutputDir {
    root: PathBuf,
}

impl OutputDir {
    /// The output folder (it need not exist yet; `write` creates it).
    pub fn open(root: &Path) -> Result<Self, WriteError> {
        if root.is_symlink() {
            // The user named it: follow it once, as they asked for that folder.
            let resolved = fs::canonicalize(root).map_err(io_error(root))?;
            return Ok(OutputDir { root: resolved });
        }
        Ok(OutputDir {
            root: root.to_owned(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The full path of a relative one, refusing anything that could leave the folder:
    /// absolute paths, `..`, and any existing component that is a symbolic link.
    pub fn resolve(&self, relative: &str) -> Result<PathBuf, WriteError> {
        let path = Path::new(relative);
        let confined = !relative.is_empty()
            && path
                .components()
                .all(|component| matches!(component, Component::Normal(_)));
        if !confined {
            return Err(WriteError::NotConfined(relative.to_owned()));
        }
        let mut full = self.root.clone();
        for component in path.components() {
            full.push(component);
            if full.is_symlink() {
                return Err(WriteError::Symlink(full));
            }
        }
        Ok(full)
    }

    /// Whether the file holds exactly `contents`.
    pub fn status(&self, relative: &str, contents: &[u8]) -> Result<FileStatus, WriteError> {
        let full = self.resolve(relative)?;
        match fs::read(&full) {
            Ok(existing) if existing == contents => Ok(FileStatus::UpToDate),
            Ok(_) => Ok(FileStatus::Stale),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(FileStatus::Missing),
            Err(error) => Err(io_error(&full)(error)),
        }
    }

    /// Whether the file exists (user files are written only when missing).
    pub fn exists(&self, relative: &str) -> Result<bool, WriteError> {
        Ok(self.resolve(relative)?.exists())
    }

    /// Writes `contents` atomically: a temporary file in the same folder, synced, then
    /// renamed over the target. Readers see the old file or the new one, never a part.
    pub fn write(&self, relative: &str, contents: &[u8]) -> Result<(), WriteError> {
        let full = self.resolve(relative)?;
        let parent = full
            .parent()
            .ok_or_else(|| WriteError::NotConfined(relative.to_owned()))?;
        self.create_dirs(parent)?;
        let name = full
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = parent.join(format!(".{name}.edasmith-{}.tmp", std::process::id()));
        let result = (|| {
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temp)?;
            file.write_all(contents)?;
            file.sync_all()?;
            drop(file);
            fs::rename(&temp, &full)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&temp);
        }
        result.map_err(io_error(&full))
    }

    /// Creates the folders down to `dir`, refusing to pass through a symbolic link.
    fn create_dirs(&self, dir: &Path) -> Result<(), WriteError> {
        let relative = dir.strip_prefix(&self.root).unwrap_or(Path::new(""));
        let mut current = self.root.clone();
        fs::create_dir_all(&current).map_err(io_error(&current))?;
        for component in relative.components() {
            current.push(component);
            if current.is_symlink() {
                return Err(WriteError::Symlink(current));
            }
            match fs::create_dir(&current) {
                Ok(()) => {}
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
                Err(error) => return Err(io_error(&current)(error)),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("edasmith-write-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn refuses_paths_that_leave_the_folder() {
        let out = OutputDir::open(&temp_dir("confined")).unwrap();
        for bad in ["../x", "/etc/passwd", "a/../../x", "", "./a"] {
            assert!(
                matches!(out.write(bad, b"x"), Err(WriteError::NotConfined(_))),
                "{bad}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn refuses_to_write_through_a_symlink() {
        let root = temp_dir("symlink");
        let outside = temp_dir("symlink-outside");
        fs::create_dir_all(&root).unwrap();
        fs::create_dir_all(&outside).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("link")).unwrap();
        let out = OutputDir::open(&root).unwrap();
        assert!(matches!(
            out.write("link/file.rs", b"x"),
            Err(WriteError::Symlink(_))
        ));
        assert!(!outside.join("file.rs").exists());
    }

    #[test]
    fn writes_atomically_and_reports_status() {
        let out = OutputDir::open(&temp_dir("status")).unwrap();
        assert_eq!(out.status("a/b.rs", b"x").unwrap(), FileStatus::Missing);
        out.write("a/b.rs", b"x").unwrap();
        assert_eq!(out.status("a/b.rs", b"x").unwrap(), FileStatus::UpToDate);
        assert_eq!(out.status("a/b.rs", b"y").unwrap(), FileStatus::Stale);
        let leftovers: Vec<_> = fs::read_dir(out.root().join("a")).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }
}
