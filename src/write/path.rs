//! Where a relative path lands: every existing folder on the way is resolved (symlinks
//! followed) and must stay inside the root; a link out is refused, a link that stays in
//! is as good as the folder it names.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::{OutputDir, WriteError, io_error};

/// A file's path, and what is there.
pub(super) type Target = (PathBuf, Option<fs::Metadata>);

/// The normal components of a relative path; `.` is skipped, anything else refused.
fn checked_components(path: &Path) -> Result<Vec<&OsStr>, WriteError> {
    let mut parts = Vec::new();
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
    if parts.is_empty() {
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
    root: Folder,
    /// By relative path.
    resolved: HashMap<PathBuf, Folder>,
}

impl<'a> Folders<'a> {
    pub fn new(out: &'a OutputDir) -> Self {
        let root = Folder {
            path: out.root.clone(),
            exists: out.root.is_dir(),
        };
        Folders {
            out,
            root,
            resolved: HashMap::new(),
        }
    }

    /// Where `relative` lands (its folder canonical, or planned when missing; the file
    /// itself not resolved: it may be a link to replace), and what is there (not
    /// followed). Refuses a path that is not plainly relative, a folder or file on the
    /// way that leads out of the root, and a file where a folder is needed.
    pub fn target(&mut self, relative: &str) -> Result<Target, WriteError> {
        let relative = Path::new(relative);
        let parts = checked_components(relative)?;
        let (file_name, folders) = parts.split_last().ok_or(WriteError::Empty)?;
        let folder = self.resolve(relative, folders)?;
        let path = folder.path.join(file_name);
        let metadata = folder.exists.then(|| fs::symlink_metadata(&path).ok());
        let metadata = metadata.flatten();
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
        let parts = checked_components(relative)?;
        let folder = self.resolve(relative, &parts)?;
        Ok(folder.exists.then_some(folder.path))
    }

    /// Walks `folders` from the root, following and checking each.
    fn resolve(&mut self, relative: &Path, folders: &[&OsStr]) -> Result<Folder, WriteError> {
        let mut folder = self.root.clone();
        let mut walked = PathBuf::new();
        for part in folders {
            walked.push(part);
            if let Some(known) = self.resolved.get(&walked) {
                folder = known.clone();
                continue;
            }
            folder = self.child(relative, &folder, part)?;
            self.resolved.insert(walked.clone(), folder.clone());
        }
        Ok(folder)
    }

    /// The folder `part` in `parent`: a real folder under a canonical one is canonical;
    /// a link is followed and must stay inside.
    fn child(&self, relative: &Path, parent: &Folder, part: &OsStr) -> Result<Folder, WriteError> {
        let next = parent.path.join(part);
        let metadata = match parent.exists.then(|| fs::symlink_metadata(&next)) {
            Some(Ok(metadata)) => metadata,
            Some(Err(error)) if error.kind() != io::ErrorKind::NotFound => {
                return Err(io_error(&next)(error));
            }
            _ => {
                return Ok(Folder {
                    path: next,
                    exists: false,
                });
            }
        };
        let resolved = if metadata.file_type().is_symlink() {
            let resolved = fs::canonicalize(&next).map_err(io_error(&next))?;
            self.contain(relative, &resolved)?;
            resolved
        } else {
            next.clone()
        };
        if !resolved.is_dir() {
            return Err(WriteError::NotAFolder {
                path: relative.to_path_buf(),
                blocker: next,
            });
        }
        Ok(Folder {
            path: resolved,
            exists: true,
        })
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
