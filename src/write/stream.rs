//! Files written as they are produced, never held whole in memory.
//!
//! Some outputs grow with the whole system (the contracts crate of `generate` is 26 MB
//! for 5,000 services, four times the spec): holding one as a `String` and then
//! comparing it with the file on disk costs its size twice over. Here the producer
//! writes into a [`Write`] that compares with the file on disk as the bytes come, and
//! starts a temporary file only at the first byte that differs (copying the equal
//! prefix from the old file): an unchanged file costs one read and no write, a changed
//! one a single pass, and memory holds a buffer, not the file.

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::{FileStatus, OutputDir, Pending, Staged, WriteError, io_error};

/// How many bytes are buffered between the producer and the disk.
const BUFFER: usize = 64 * 1024;

impl OutputDir {
    /// Stages the file `fill` writes, as [`OutputDir::stage`] stages bytes: compared with
    /// the file on disk while it is written, left alone when equal, otherwise staged in a
    /// temporary file beside it. Returns what the file on disk was, and what to commit.
    ///
    /// An error from `fill` (or from writing) removes the temporary file.
    pub fn stage_streamed<E: From<WriteError>>(
        &self,
        relative: impl AsRef<Path>,
        fill: impl FnOnce(&mut dyn Write) -> Result<(), E>,
    ) -> Result<(FileStatus, Staged), E> {
        let target = self.target(relative.as_ref(), true)?;
        if let Some(hidden) = target.hidden {
            return stage_new(target.path, &hidden, fill);
        }
        let existing = existing_file(relative.as_ref(), &target.path, target.metadata.as_ref())?;
        let mut sink = StreamingFile::new(target.path, existing, true)?;
        sink.fill(fill)?;
        Ok(sink.finish()?)
    }

    /// Whether the file `fill` writes is on disk already: up to date, stale or missing.
    /// Nothing is written; the file on disk is read as far as it agrees.
    pub fn status_streamed<E: From<WriteError>>(
        &self,
        relative: impl AsRef<Path>,
        fill: impl FnOnce(&mut dyn Write) -> Result<(), E>,
    ) -> Result<FileStatus, E> {
        let target = self.target(relative.as_ref(), false)?;
        let existing = match target.folder {
            Some(_) => existing_file(relative.as_ref(), &target.path, target.metadata.as_ref())?,
            None => (false, None),
        };
        let mut sink = StreamingFile::new(target.path, existing, false)?;
        sink.fill(fill)?;
        Ok(sink.finish()?.0)
    }
}

/// Writes what `fill` produces into a new file at `hidden`, in a hidden new folder
/// (`hidden.rs`): nothing to compare with, and nothing to do on commit.
fn stage_new<E: From<WriteError>>(
    path: PathBuf,
    hidden: &Path,
    fill: impl FnOnce(&mut dyn Write) -> Result<(), E>,
) -> Result<(FileStatus, Staged), E> {
    let file = super::hidden::create_file(hidden).map_err(io_error(&path))?;
    let mut file = BufWriter::with_capacity(BUFFER, file);
    let filled = fill(&mut file).and_then(|()| {
        file.flush()
            .map_err(|source| E::from(io_error(&path)(source)))
    });
    if let Err(error) = filled {
        // No half file waits to be revealed, whatever the caller does next.
        drop(file);
        let _ = fs::remove_file(hidden);
        return Err(error);
    }
    Ok((FileStatus::Missing, Staged::InNewFolder(path)))
}

/// What is at `path` (whose metadata, not followed, is `metadata`): whether anything
/// is, and the regular file opened for comparing. Only a regular file is opened (a FIFO
/// would block); anything else there, or a file that cannot be read, differs and is
/// replaced by the rename.
fn existing_file(
    relative: &Path,
    path: &Path,
    metadata: Option<&fs::Metadata>,
) -> Result<(bool, Option<File>), WriteError> {
    match metadata {
        Some(metadata) if metadata.is_dir() => Err(WriteError::NotAFolder {
            path: relative.to_path_buf(),
            blocker: path.to_path_buf(),
        }),
        Some(_) if !fs::metadata(path).is_ok_and(|followed| followed.is_file()) => Ok((true, None)),
        Some(_) => Ok((true, File::open(path).ok())),
        None => Ok((false, None)),
    }
}

/// Where the produced bytes stand against the file on disk.
enum State {
    /// Every byte so far equals the file on disk, which has been read that far.
    Matching(BufReader<File>),
    /// The bytes differ from the file on disk (or there is none): they go to a
    /// temporary file when staging, nowhere when only comparing.
    Differing(Option<(Pending, BufWriter<File>)>),
}

/// A [`Write`] that compares with, then replaces, one file.
struct StreamingFile {
    target: PathBuf,
    /// Whether a file was on disk (missing and stale both differ).
    existed: bool,
    /// Whether differing bytes are staged (`false`: only compared).
    staging: bool,
    state: State,
    /// How many bytes matched the file on disk before they first differed.
    matched: u64,
    /// The first failure, kept whole: what `fill` sees is a plain `io::Error`.
    error: Option<WriteError>,
}

impl StreamingFile {
    fn new(
        target: PathBuf,
        (existed, existing): (bool, Option<File>),
        staging: bool,
    ) -> Result<Self, WriteError> {
        let mut sink = StreamingFile {
            target,
            existed,
            staging,
            state: State::Differing(None),
            matched: 0,
            error: None,
        };
        match existing {
            Some(file) => sink.state = State::Matching(BufReader::with_capacity(BUFFER, file)),
            None => sink.diverge(None)?,
        }
        Ok(sink)
    }

    /// Runs the producer over a buffered `self`; a failure of ours wins over the
    /// producer's report of it.
    fn fill<E: From<WriteError>>(
        &mut self,
        fill: impl FnOnce(&mut dyn Write) -> Result<(), E>,
    ) -> Result<(), E> {
        let target = self.target.clone();
        let filled = {
            let mut buffered = BufWriter::with_capacity(BUFFER, &mut *self);
            fill(&mut buffered).and_then(|()| {
                buffered
                    .flush()
                    .map_err(|source| E::from(io_error(&target)(source)))
            })
        };
        match (self.error.take(), filled) {
            (Some(error), _) => Err(error.into()),
            (None, result) => result,
        }
    }

    /// From here on the bytes differ: start the temporary file with the prefix that
    /// matched, read again from the file on disk.
    fn diverge(&mut self, existing: Option<BufReader<File>>) -> Result<(), WriteError> {
        if !self.staging {
            self.state = State::Differing(None);
            return Ok(());
        }
        let (pending, file) = Pending::create_empty(self.target.clone())?;
        let mut temp = BufWriter::with_capacity(BUFFER, file);
        if let Some(existing) = existing {
            let mut old = existing.into_inner();
            old.seek(SeekFrom::Start(0))
                .and_then(|_| io::copy(&mut (&mut old).take(self.matched), &mut temp))
                .map_err(io_error(&self.target))?;
        }
        self.state = State::Differing(Some((pending, temp)));
        Ok(())
    }

    /// What the file on disk was, and what to commit.
    fn finish(mut self) -> Result<(FileStatus, Staged), WriteError> {
        if let State::Matching(existing) = &mut self.state {
            let at_end = existing
                .fill_buf()
                .map_err(io_error(&self.target))?
                .is_empty();
            if at_end {
                return Ok((FileStatus::UpToDate, Staged::Unchanged(self.target)));
            }
            // The old file is longer: what was produced is a prefix of it.
            let State::Matching(existing) =
                std::mem::replace(&mut self.state, State::Differing(None))
            else {
                unreachable!("matched just above")
            };
            self.diverge(Some(existing))?;
        }
        let status = if self.existed {
            FileStatus::Stale
        } else {
            FileStatus::Missing
        };
        match std::mem::replace(&mut self.state, State::Differing(None)) {
            State::Differing(Some((pending, temp))) => {
                temp.into_inner()
                    .map_err(|error| io_error(&self.target)(error.into_error()))?;
                Ok((status, Staged::Pending(pending)))
            }
            _ => Ok((status, Staged::Unchanged(self.target))),
        }
    }

    fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        if let State::Matching(existing) = &mut self.state {
            match compare(existing, bytes) {
                Ok(Some(equal)) => {
                    self.matched += equal;
                    return Ok(());
                }
                Ok(None) => {}
                Err(error) => return Err(io_error(&self.target)(error)),
            }
            let State::Matching(existing) =
                std::mem::replace(&mut self.state, State::Differing(None))
            else {
                unreachable!("matched just above")
            };
            self.diverge(Some(existing))?;
        }
        match &mut self.state {
            State::Differing(Some((_, temp))) => {
                temp.write_all(bytes).map_err(io_error(&self.target))
            }
            _ => Ok(()),
        }
    }
}

/// Reads `bytes.len()` bytes of the file on disk and compares: `Some(len)` when equal,
/// `None` at the first difference (or its early end). On `None` the reader may have
/// moved past the difference; the caller reads the prefix again from the start.
fn compare(existing: &mut BufReader<File>, bytes: &[u8]) -> io::Result<Option<u64>> {
    let mut rest = bytes;
    while !rest.is_empty() {
        let available = existing.fill_buf()?;
        let n = available.len().min(rest.len());
        if n == 0 || available[..n] != rest[..n] {
            return Ok(None);
        }
        existing.consume(n);
        rest = &rest[n..];
    }
    Ok(Some(bytes.len() as u64))
}

impl Write for StreamingFile {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.error.is_some() {
            return Err(io::Error::other("an earlier write failed"));
        }
        match self.write_bytes(bytes) {
            Ok(()) => Ok(bytes.len()),
            Err(error) => {
                let message = error.to_string();
                self.error = Some(error);
                Err(io::Error::other(message))
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
