//! Writing generated files: atomically, and only into the folder asked for.
//!
//! A stand-in for the shared writer (`src/write/`): [`write_files`] is the one entry
//! point, so swapping it keeps every caller unchanged.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("refusing to write `{name}`: {reason}")]
    UnsafeName { name: String, reason: &'static str },
    #[error("refusing to write `{}`: it is a directory", path.display())]
    IsDirectory { path: PathBuf },
    #[error("cannot write `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Why `name` may not be a generated file's name, or `None`. Only a plain file name in
/// `dir` itself is allowed: no separator, no `..`, no hidden or empty name.
pub fn unsafe_name_reason(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("an empty file name")
    } else if name.starts_with('.') {
        Some("a hidden file name or `..`")
    } else if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    {
        Some("only ASCII letters, digits, `.`, `-` and `_` are allowed in a generated file name")
    } else {
        None
    }
}

/// Writes each `(file name, contents)` into `dir` (created if missing) and returns the
/// paths written. Each file is written to a temporary file in `dir` and renamed over the
/// target, so a reader never sees half a file; a symlink at the target is replaced, never
/// followed, so nothing lands outside `dir`. Every name and target is checked before
/// anything is written.
pub fn write_files(dir: &Path, files: &[(String, String)]) -> Result<Vec<PathBuf>, WriteError> {
    for (name, _) in files {
        if let Some(reason) = unsafe_name_reason(name) {
            return Err(WriteError::UnsafeName {
                name: name.clone(),
                reason,
            });
        }
    }
    for (name, _) in files {
        let target = dir.join(name);
        if fs::symlink_metadata(&target).is_ok_and(|meta| meta.is_dir()) {
            return Err(WriteError::IsDirectory { path: target });
        }
    }
    fs::create_dir_all(dir).map_err(io_error(dir))?;
    let mut written = Vec::with_capacity(files.len());
    for (name, contents) in files {
        let target = dir.join(name);
        let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let result = write_new(&temp, contents.as_bytes())
            .and_then(|()| fs::rename(&temp, &target).map_err(io_error(&target)));
        if result.is_err() {
            let _ = fs::remove_file(&temp);
        }
        result?;
        written.push(target);
    }
    Ok(written)
}

/// Creates `path` (which must not exist: a leftover is removed first, and `create_new`
/// never follows a symlink) and writes `bytes` to disk.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    if fs::symlink_metadata(path).is_ok() {
        fs::remove_file(path).map_err(io_error(path))?;
    }
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io_error(path))?;
    file.write_all(bytes).map_err(io_error(path))?;
    file.sync_all().map_err(io_error(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "edasmith-export-write-{name}-{}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn names_that_could_leave_the_folder_are_refused_before_any_write() {
        let dir = scratch("refused");
        for name in [
            "../x.yaml",
            "a/b.yaml",
            "..",
            ".hidden",
            "",
            "a\\b",
            "계약.yaml",
        ] {
            let files = [
                ("ok.yaml".to_owned(), "ok".to_owned()),
                (name.to_owned(), "x".to_owned()),
            ];
            assert!(
                matches!(
                    write_files(&dir, &files),
                    Err(WriteError::UnsafeName { .. })
                ),
                "{name}"
            );
        }
        assert!(!dir.join("ok.yaml").exists(), "nothing is written");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_directory_in_the_way_stops_the_write_before_it_starts() {
        let dir = scratch("in-the-way");
        fs::create_dir_all(dir.join("b.yaml")).unwrap();
        let files = [
            ("a.yaml".to_owned(), "a".to_owned()),
            ("b.yaml".to_owned(), "b".to_owned()),
        ];
        assert!(matches!(
            write_files(&dir, &files),
            Err(WriteError::IsDirectory { .. })
        ));
        assert!(!dir.join("a.yaml").exists());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn files_are_written_and_replaced_whole() {
        let dir = scratch("replace");
        let first = write_files(&dir, &[("a.yaml".into(), "one".into())]).unwrap();
        assert_eq!(first, [dir.join("a.yaml")]);
        write_files(&dir, &[("a.yaml".into(), "two".into())]).unwrap();
        assert_eq!(fs::read_to_string(dir.join("a.yaml")).unwrap(), "two");
        let leftovers: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, ["a.yaml"], "no temporary file is left behind");
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_at_the_target_is_replaced_not_followed() {
        let dir = scratch("symlink");
        let outside = scratch("symlink-outside");
        fs::create_dir_all(&dir).unwrap();
        fs::create_dir_all(&outside).unwrap();
        let victim = outside.join("victim.txt");
        fs::write(&victim, "keep").unwrap();
        std::os::unix::fs::symlink(&victim, dir.join("a.yaml")).unwrap();
        write_files(&dir, &[("a.yaml".into(), "new".into())]).unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep");
        assert!(
            !fs::symlink_metadata(dir.join("a.yaml"))
                .unwrap()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(dir.join("a.yaml")).unwrap(), "new");
        let _ = fs::remove_dir_all(&dir);
        let _ = fs::remove_dir_all(&outside);
    }
}
