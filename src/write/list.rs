//! Listing what is in a folder under the root: what an earlier run may have left there.

use std::fs;
use std::io;
use std::path::Path;

use super::{OutputDir, WriteError, io_error};

impl OutputDir {
    /// The regular files under a relative folder, recursively, as relative paths with
    /// `/`, sorted. Symlinks below the folder are neither followed nor listed; a missing
    /// folder has no files.
    pub fn files_under(&self, relative: &str) -> Result<Vec<String>, WriteError> {
        let Some(full) = self.folder(Path::new(relative))? else {
            return Ok(Vec::new());
        };
        let mut found = Vec::new();
        let mut pending = vec![(full, relative.to_owned())];
        while let Some((full, dir)) = pending.pop() {
            for (name, kind) in entries(&full)? {
                let path = format!("{dir}/{name}");
                if kind.is_dir() {
                    pending.push((full.join(&name), path));
                } else if kind.is_file() {
                    found.push(path);
                }
            }
        }
        found.sort();
        Ok(found)
    }

    /// The folders directly under a relative folder (no symlinks), sorted.
    pub fn dirs_under(&self, relative: &str) -> Result<Vec<String>, WriteError> {
        let Some(full) = self.folder(Path::new(relative))? else {
            return Ok(Vec::new());
        };
        let mut dirs: Vec<String> = entries(&full)?
            .into_iter()
            .filter(|(_, kind)| kind.is_dir())
            .map(|(name, _)| format!("{relative}/{name}"))
            .collect();
        dirs.sort();
        Ok(dirs)
    }
}

/// The entries of a folder with their own type (a symlink is a symlink, not what it
/// points at). Names that are not UTF-8 are skipped: edasmith never writes one.
fn entries(folder: &Path) -> Result<Vec<(String, fs::FileType)>, WriteError> {
    let read = match fs::read_dir(folder) {
        Ok(read) => read,
        // Removed since it was resolved: as empty as a missing folder.
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(io_error(folder)(error)),
    };
    let mut entries = Vec::new();
    for entry in read {
        let entry = entry.map_err(io_error(folder))?;
        let kind = entry.file_type().map_err(io_error(folder))?;
        if let Ok(name) = entry.file_name().into_string() {
            entries.push((name, kind));
        }
    }
    Ok(entries)
}
