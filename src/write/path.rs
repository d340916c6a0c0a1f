//! Where a relative path lands: every existing folder on the way is resolved (symlinks
//! followed) and must stay inside the root; a link out is refused, a link that stays in
//! is as good as the folder it names.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::{OutputDir, WriteError, io_error};

/// A file's path, and what is there.
pub(super) type Target = (PathBuf, Option<fs::Metadata>);

/// A relative path of plain names; `.` is skipped, anything else refused.
fn plain(path: &Path) -> Result<PathBuf, WriteError> {
    let mut parts = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(part),
            Component::CurDir => {}
            Component::ParentDir => return Err(WriteError::ParentDir { path: path.into() }),
            Component::RootDir | Component::Prefix(_) => {
                return Err(WriteError::Absolute { path: path.into() });
            }
        }
    }
    if parts.as_os_str().is_empty() {
        return Err(WriteError::Empty);
    }
    Ok(parts)
}

/// An absolute path for a folder that may not exist yet: its deepest existing ancestor
/// canonical, the missing rest appended (missing folders are no symlinks, and a
/// canonical path has none, so `..` among them is lexical).
pub(super) fn canonical_or_planned(root: &Path) -> Result<PathBuf, WriteError> {
    let absolute = std::path::absolute(root).map_err(io_error(root))?;
    let components: Vec<Component> = absolute.components().collect();
    for existing in (1..=components.len()).rev() {
        let prefix: PathBuf = components[..existing].iter().collect();
        if fs::symlink_metadata(&prefix).is_err() {
            continue;
        }
        let mut planned = fs::canonicalize(&prefix).map_err(io_error(root))?;
        for component in &components[existing..] {
            match component {
                Component::ParentDir => _ = planned.pop(),
                Component::CurDir => {}
                other => planned.push(other),
            }
        }
        return Ok(planned);
    }
    Err(io_error(root)(io::ErrorKind::NotFound.into()))
}

/// A folder on the way, resolved.
#[derive(Clone)]
struct Folder {
    /// Canonical; when missing, the canonical folder above it plus the rest.
    path: PathBuf,
    exists: bool,
}

/// Resolves paths under one root, each folder once: thousands of files share a few
/// folders.
pub(super) struct Folders<'a> {
    out: &'a OutputDir,
    /// By relative path.
    resolved: HashMap<PathBuf, Folder>,
}

impl<'a> Folders<'a> {
    pub fn new(out: &'a OutputDir) -> Self {
        let resolved = HashMap::new();
        Folders { out, resolved }
    }

    /// Where `relative` lands (its folder canonical, or planned when missing; the file
    /// itself not resolved: it may be a link to replace), and what is there (not
    /// followed). Refuses a path that is not plainly relative, a folder or file on the
    /// way that leads out of the root, and a file where a folder is needed.
    pub fn target(&mut self, relative: &str) -> Result<Target, WriteError> {
        let relative = Path::new(relative);
        let plain = plain(relative)?;
        let (Some(folder), Some(name)) = (plain.parent(), plain.file_name()) else {
            return Err(WriteError::Empty);
        };
        let folder = self.resolve(relative, folder)?;
        let path = folder.path.join(name);
        let metadata = fs::symlink_metadata(&path).ok();
        if let Some(found) = &metadata
            && found.file_type().is_symlink()
        {
            // Writing renames over the link rather than through it; still, a link that
            // points out says someone expects the file elsewhere, and reading would
            // follow it: refuse.
            let resolved = fs::canonicalize(&path)
                .unwrap_or_else(|_| fs::read_link(&path).unwrap_or_else(|_| path.clone()));
            self.contain(relative, &resolved)?;
        }
        Ok((path, metadata))
    }

    /// The canonical folder `relative` names, or `None` when it does not exist.
    pub fn folder(&mut self, relative: &str) -> Result<Option<PathBuf>, WriteError> {
        let relative = Path::new(relative);
        let folder = self.resolve(relative, &plain(relative)?)?;
        Ok(folder.exists.then_some(folder.path))
    }

    /// Where the folder `folder` (relative, plain) of `relative` lands, symlinks
    /// followed: it must stay inside the root and be a folder.
    fn resolve(&mut self, relative: &Path, folder: &Path) -> Result<Folder, WriteError> {
        if let Some(known) = self.resolved.get(folder) {
            return Ok(known.clone());
        }
        let full = self.out.root.join(folder);
        let resolved = match fs::canonicalize(&full) {
            Ok(path) if path.is_dir() => Folder { path, exists: true },
            Ok(_) => {
                return Err(WriteError::NotAFolder {
                    path: relative.into(),
                    blocker: full,
                });
            }
            // Missing (or below a file, which its parent finds): the folder above, plus
            // its name. A link to nothing, or a loop, is no folder to make.
            Err(_) if fs::symlink_metadata(&full).is_err() => {
                let path = match (folder.parent(), folder.file_name()) {
                    (Some(parent), Some(name)) => self.resolve(relative, parent)?.path.join(name),
                    _ => full,
                };
                Folder {
                    path,
                    exists: false,
                }
            }
            Err(error) => return Err(io_error(&full)(error)),
        };
        self.contain(relative, &resolved.path)?;
        self.resolved.insert(folder.to_path_buf(), resolved.clone());
        Ok(resolved)
    }

    fn contain(&self, path: &Path, resolved: &Path) -> Result<(), WriteError> {
        let root = &self.out.root;
        if resolved.starts_with(root) {
            return Ok(());
        }
        Err(WriteError::Escapes {
            path: path.into(),
            resolved: resolved.into(),
            root: root.clone(),
        })
    }
}
