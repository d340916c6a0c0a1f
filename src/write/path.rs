//! Where a relative path lands: every existing folder on the way is resolved (symlinks
//! followed) and must stay inside the root; a link out is refused, a link that stays in
//! is as good as the folder it names.

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::{OutputDir, WriteError, io_error};

/// Makes the folder `path`: whether it was made (`false`: something is there already).
fn made(path: &Path) -> Result<bool, WriteError> {
    match fs::create_dir(path) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(error) => Err(io_error(path)(error)),
    }
}

/// The normal components of a relative path; `.` is skipped, anything else refused.
pub(super) fn checked_components(path: &Path) -> Result<Vec<&OsStr>, WriteError> {
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
                Component::ParentDir => {
                    planned.pop();
                }
                Component::CurDir => {}
                other => planned.push(other),
            }
        }
        return Ok(planned);
    }
    Err(io_error(root)(io::ErrorKind::NotFound.into()))
}

/// How many resolved folders are remembered at most.
pub(super) const REMEMBERED: usize = 2048;

/// A folder resolved earlier.
#[derive(Debug, Clone)]
pub(super) struct Folder {
    /// Canonical.
    path: PathBuf,
    /// Made by this [`OutputDir`]: only what it wrote there can be in it (or what
    /// another process put there since, which a link or `mkdir` finds taken).
    fresh: bool,
    /// Where it is built while hidden (a new folder of a batch, or one inside it):
    /// `path` does not exist until the batch reveals it.
    hidden: Option<PathBuf>,
}

impl Folder {
    fn existing(path: PathBuf, fresh: bool) -> Self {
        Folder {
            path,
            fresh,
            hidden: None,
        }
    }
}

/// The folder `path` inside a new folder built out of sight, built at `hidden` (made
/// when `create`). Nobody else knows the staging name, so what is there is this
/// batch's; a link or a file there all the same is refused.
fn inside_hidden(
    relative: &Path,
    path: PathBuf,
    hidden: PathBuf,
    create: bool,
) -> Result<Folder, WriteError> {
    // Errors name the folder asked for, not the staging path (which differs each run).
    let made_now = create
        && made(&hidden).map_err(|error| match error {
            WriteError::Io { source, .. } => io_error(&path)(source),
            other => other,
        })?;
    if !made_now {
        let metadata = fs::symlink_metadata(&hidden).map_err(io_error(&path))?;
        if !metadata.is_dir() {
            return Err(WriteError::NotAFolder {
                path: relative.to_path_buf(),
                blocker: path,
            });
        }
    }
    Ok(Folder {
        path,
        fresh: true,
        hidden: Some(hidden),
    })
}

/// `folder/name`, without the spare capacity `Path::join` leaves (up to as much again):
/// a batch keeps tens of thousands of these until it finishes.
fn joined(folder: &Path, name: &OsStr) -> PathBuf {
    let mut path = PathBuf::with_capacity(folder.as_os_str().len() + 1 + name.len());
    path.push(folder);
    path.push(name);
    path
}

/// Where a relative path lands, as far as the disk knows.
pub(super) struct Target {
    /// The containing folder, canonical, when every folder on the way exists.
    pub folder: Option<PathBuf>,
    /// The full path (the last component not resolved: it may be a link to replace).
    pub path: PathBuf,
    /// What is at the path (not followed), read while checking it: `None` when nothing.
    pub metadata: Option<fs::Metadata>,
    /// Where the file is written instead, in a hidden new folder (nothing is there).
    pub hidden: Option<PathBuf>,
}

impl OutputDir {
    /// Resolves every folder of `relative` but the last component, refusing one that
    /// leads out of the root or is not a folder. With `create`, missing folders are
    /// made; without, the first missing one ends the walk (nothing below it exists).
    pub(super) fn target(&self, relative: &Path, create: bool) -> Result<Target, WriteError> {
        self.find(relative, create, false)
    }

    /// [`OutputDir::target`] creating folders; with `trust_fresh`, a file in a folder
    /// this [`OutputDir`] made is not looked at (`metadata` is `None`): the caller
    /// writes it so that a file there since is not replaced.
    pub(super) fn target_to_write(
        &self,
        relative: &Path,
        trust_fresh: bool,
    ) -> Result<Target, WriteError> {
        self.find(relative, true, trust_fresh)
    }

    fn find(&self, relative: &Path, create: bool, trust_fresh: bool) -> Result<Target, WriteError> {
        let parts = checked_components(relative)?;
        let Some((file_name, folders)) = parts.split_last() else {
            return Err(WriteError::Empty);
        };
        let key: PathBuf = folders.iter().collect();
        let folder = match self.remembered(&key) {
            Some(folder) => folder,
            None => {
                // One thread at a time resolves: the files of a new folder arrive
                // together, and each writing thread would otherwise stat and create
                // the same folders (measured: 21,753 failed `mkdir`s for 15,000).
                let _resolving = self.resolving.lock().unwrap_or_else(|e| e.into_inner());
                match self.remembered(&key) {
                    Some(folder) => folder,
                    None => match self.resolve_folders(relative, folders, file_name, create)? {
                        Ok(folder) => folder,
                        Err(missing) => return Ok(missing),
                    },
                }
            }
        };
        let path = joined(&folder.path, file_name);
        if let Some(hidden) = &folder.hidden {
            return Ok(Target {
                hidden: Some(joined(hidden, file_name)),
                folder: Some(folder.path),
                path,
                metadata: None,
            });
        }
        if trust_fresh && folder.fresh {
            return Ok(Target {
                folder: Some(folder.path),
                path,
                metadata: None,
                hidden: None,
            });
        }
        let metadata = fs::symlink_metadata(&path).ok();
        if let Some(metadata) = &metadata
            && metadata.file_type().is_symlink()
        {
            // Writing renames over the link rather than through it; still, a link that
            // points out says someone expects the file elsewhere, and reading or
            // listing would follow it: refuse.
            let resolved = fs::canonicalize(&path)
                .unwrap_or_else(|_| fs::read_link(&path).unwrap_or_else(|_| path.clone()));
            self.contain(relative, &resolved)?;
        }
        Ok(Target {
            folder: Some(folder.path),
            path,
            metadata,
            hidden: None,
        })
    }

    /// The folder a relative folder was resolved to earlier, if it was.
    fn remembered(&self, relative: &Path) -> Option<Folder> {
        self.resolved.lock().ok()?.get(relative).cloned()
    }

    fn remember(&self, relative: PathBuf, folder: &Folder) {
        if let Ok(mut map) = self.resolved.lock() {
            // Bounded: a workspace of 5,000 crates has 15,000 folders, 3 MB remembered
            // for a run that needs the few it is writing into. Forgetting costs a new
            // look at those few (and the trust in folders made by this run, so a file
            // in one is looked for before it is linked, as in any folder).
            if map.len() >= REMEMBERED {
                map.clear();
            }
            map.insert(relative, folder.clone());
        }
    }

    /// Forgets the resolved folders: after something removed one, the next write must
    /// create it again.
    pub(super) fn forget_folders(&self) {
        if let Ok(mut map) = self.resolved.lock() {
            map.clear();
        }
    }

    /// Walks the folders of a path from the root, following and checking each: the
    /// folder, or (without `create`) the target of a path whose folder is missing.
    fn resolve_folders(
        &self,
        relative: &Path,
        folders: &[&OsStr],
        file_name: &OsStr,
        create: bool,
    ) -> Result<Result<Folder, Target>, WriteError> {
        let mut folder = match self.remembered(Path::new("")) {
            Some(root) => root,
            None if create => {
                let fresh = fs::symlink_metadata(&self.root).is_err();
                fs::create_dir_all(&self.root).map_err(io_error(&self.root))?;
                let root = Folder::existing(self.root.clone(), fresh);
                self.remember(PathBuf::new(), &root);
                root
            }
            None => Folder::existing(self.root.clone(), false),
        };
        let mut walked = PathBuf::new();
        for (index, part) in folders.iter().enumerate() {
            walked.push(part);
            if let Some(known) = self.remembered(&walked) {
                folder = known;
                continue;
            }
            let next = folder.path.join(part);
            let known = match &folder.hidden {
                Some(hidden) => Some(inside_hidden(
                    relative,
                    next.clone(),
                    hidden.join(part),
                    create,
                )?),
                // By its final path: two relative paths (through a link that stays
                // inside) may lead to the same new folder.
                None => self.new_folder(&next),
            };
            if let Some(known) = known {
                folder = known;
                self.remember(walked.clone(), &folder);
                continue;
            }
            // In a folder made just now, the next one is missing: make it without looking
            // (a batch looks, to hide it: only the root can be such a folder there).
            if create && folder.fresh && self.new_folders.is_none() && made(&next)? {
                folder = Folder::existing(next, true);
                self.remember(walked.clone(), &folder);
                continue;
            }
            let metadata = match fs::symlink_metadata(&next) {
                Ok(metadata) => metadata,
                Err(error) if error.kind() == io::ErrorKind::NotFound && !create => {
                    let mut path = next;
                    path.extend(&folders[index + 1..]);
                    path.push(file_name);
                    return Ok(Err(Target {
                        folder: None,
                        path,
                        metadata: None,
                        hidden: None,
                    }));
                }
                Err(error) if error.kind() == io::ErrorKind::NotFound => {
                    let built = match &self.new_folders {
                        Some(new_folders) => new_folders
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .make(&next)?,
                        None => None,
                    };
                    if let Some(built) = built {
                        folder = Folder {
                            path: next,
                            fresh: true,
                            hidden: Some(built),
                        };
                        self.remember(walked.clone(), &folder);
                        continue;
                    }
                    if made(&next)? {
                        // Made just now: a real folder under a canonical one, so
                        // canonical, and no need to look at it again.
                        folder = Folder::existing(next, true);
                        self.remember(walked.clone(), &folder);
                        continue;
                    }
                    fs::symlink_metadata(&next).map_err(io_error(&next))?
                }
                Err(error) => return Err(io_error(&next)(error)),
            };
            // A real folder under a canonical one is canonical; a link is followed and
            // must stay inside.
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
            folder = Folder::existing(resolved, false);
            self.remember(walked.clone(), &folder);
        }
        Ok(Ok(folder))
    }

    /// A new folder this batch is building out of sight, by its final path.
    fn new_folder(&self, path: &Path) -> Option<Folder> {
        let new_folders = self.new_folders.as_ref()?;
        let built = new_folders
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)?;
        Some(Folder {
            path: path.to_path_buf(),
            fresh: true,
            hidden: Some(built),
        })
    }

    /// The canonical folder `relative` names, or `None` when it does not exist.
    pub(super) fn folder(&self, relative: &Path) -> Result<Option<PathBuf>, WriteError> {
        let target = self.target(relative, false)?;
        if target.folder.is_none() || fs::symlink_metadata(&target.path).is_err() {
            return Ok(None);
        }
        let resolved = fs::canonicalize(&target.path).map_err(io_error(&target.path))?;
        if !resolved.is_dir() {
            return Err(WriteError::NotAFolder {
                path: relative.to_path_buf(),
                blocker: target.path,
            });
        }
        Ok(Some(resolved))
    }

    pub(super) fn contain(&self, path: &Path, resolved: &Path) -> Result<(), WriteError> {
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
