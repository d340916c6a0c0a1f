//! Writing many files at once: the renderer hands files over one by one and goes on
//! rendering, while a few threads write them.
//!
//! All or nothing, as far as files that existed go: the threads write a file that
//! replaces another to a temporary file beside it, and only [`BatchWriter::finish`],
//! once everything was handed over and written, renames them into place. A folder
//! that did not exist is built out of sight and renamed into place by `finish`
//! too (`hidden.rs`), with every file in it. A file that did not exist, in a folder
//! that did, is put in place whole at once (`link.rs`: it cannot wait, open, for
//! `finish`), and removed again on failure. A renderer that fails half-way (a template
//! error) drops the writer, which removes the temporary files, the hidden folders and
//! the files it created: the output folder is as it was (or empty, if it was made for
//! the batch; a folder made in place on another mount inside it stays, empty), but for
//! readers that looked meanwhile, who may have seen new files in old folders come and
//! go.
//!
//! Why threads for a CPU-light job: creating a file can wait on the disk, not the CPU.
//! On this project's VM, right after a large deletion (the previous output removed),
//! ext4's inode allocator spends up to a millisecond per new file; eight threads
//! overlap those waits (measured: 2,000 files in 1.5 s on one thread, 0.2 s on eight).
//! On a quiet disk they cost nothing: one or eight threads write `generate`'s 18,000
//! files for 2,000 services in the same time. The queue is bounded, so a few batches
//! wait in memory: the caller can render one file at a time without holding them all.
//! Files go to the threads [`BATCH`] at a time, or fewer once they hold
//! [`BATCH_BYTES`]: one by one, the threads' turns on the queue cost more `futex`
//! calls than the files cost `write`s.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use super::{FileStatus, OutputDir, Pending, Policy, Staged, WriteError, io_error};

/// How many threads write.
const WORKERS: usize = 8;
/// How many rendered files may wait for a writer.
const QUEUED: usize = 64;
/// How many files a thread takes at once. One by one cost about five `futex` calls a
/// file (227,068 for 45,007 files: the threads wait on the queue's lock in turn, and
/// the renderer on the full queue); sixteen at a time, 27,202. A failure is then seen
/// by [`BatchWriter::has_failed`] up to this many files later.
const BATCH: usize = 16;
/// A batch is also sent once its files hold this many bytes. Files wait in the queue,
/// in each thread's hands and in the batch being filled: bounded by count alone, that
/// was 200 files, 3.6 MB of `generate`'s 17 KB crate files, more than a fifth of its
/// peak memory at 2,000 services. Bounded by bytes too, it is about 1 MB (a batch holds
/// up to this much plus the file that passes it, so large files make it more), and small
/// files (most diagrams are 3 KB) still go sixteen at a time.
const BATCH_BYTES: usize = 64 * 1024;

/// A file to write, numbered in the order it was handed over.
struct Job {
    number: usize,
    relative: PathBuf,
    contents: Contents,
    policy: Policy,
}

/// What a file holds: rendered bytes, or bytes still being rendered on another thread
/// (read as they come, never held whole).
enum Contents {
    Bytes(Vec<u8>),
    Reader(Box<dyn io::Read + Send>),
}

/// What the writers did, by job number.
#[derive(Default)]
struct Outcome {
    /// Kept as the threads' batches rather than appended to one list, which would
    /// double its capacity as it grows: a workspace of 45,000 files kept 1.7 MB of
    /// spare room until the end.
    done: Vec<Done>,
    failed: Vec<(usize, WriteError)>,
}

/// A run of files one thread staged, numbered from `first` on: a batch holds files
/// numbered one after the other (a file staged on the caller's thread sends the batch
/// being filled first, see [`BatchWriter::add_staged`]).
struct Done {
    first: usize,
    /// What each file was before, in order.
    statuses: Vec<FileStatus>,
    /// By number, what is left to do with each file ([`kept`]): a byte of status is
    /// all that most files keep until the end, where a staged file and its path were
    /// about 150 bytes (3 MB for `generate`'s 18,000 files at 2,000 services).
    staged: Vec<(usize, Staged)>,
}

impl Done {
    fn new(first: usize, count: usize) -> Self {
        Done {
            first,
            statuses: Vec::with_capacity(count),
            staged: Vec::new(),
        }
    }

    fn push(&mut self, number: usize, before: FileStatus, staged: Option<Staged>) {
        debug_assert_eq!(number, self.first + self.statuses.len(), "a run has a gap");
        self.statuses.push(before);
        if let Some(staged) = staged {
            self.staged.push((number, staged));
        }
    }
}

/// A file handed to a [`BatchWriter`], once put in place: where, and what was on disk
/// before (a file already up to date is left untouched).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    pub before: FileStatus,
}

/// Writes files into an [`OutputDir`] on a few threads, each file as
/// [`OutputDir::write`] does (confined, untouched when unchanged), all put in place at
/// once by [`BatchWriter::finish`].
///
/// After the first failure the remaining files are skipped and nothing is put in place
/// (the files created are removed again); `finish` reports the failure of the earliest
/// file handed over, so the error does not depend on which thread was faster.
pub struct BatchWriter {
    /// The folder, for the files streamed on the caller's thread ([`BatchWriter::stream`]).
    out: OutputDir,
    sender: Option<SyncSender<Vec<Job>>>,
    /// Jobs handed over but not sent yet: they go to the threads [`BATCH`] at a time,
    /// or fewer holding [`BATCH_BYTES`].
    batch: Vec<Job>,
    /// The bytes of the files in `batch`.
    batch_bytes: usize,
    workers: Vec<JoinHandle<()>>,
    outcome: Arc<Mutex<Outcome>>,
    failed: Arc<AtomicBool>,
    handed_over: usize,
    /// Whether `finish` returns the paths (see [`BatchWriter::for_statuses`]).
    keep_paths: bool,
}

impl BatchWriter {
    /// Starts the writing threads for `out`. [`BatchWriter::finish`] returns the paths
    /// written.
    pub fn new(out: &OutputDir) -> Self {
        Self::start(out, true)
    }

    /// Starts the writing threads for `out`, for a caller that wants to know what each
    /// file was before, not where it went: [`BatchWriter::finish_statuses`]. A file
    /// with nothing left to do (unchanged, or in a new folder) then keeps no path until
    /// the end: at 18,000 files (`generate` or `diagram` at 2,000 services) the paths
    /// were 2 MB, kept from the first file written to the last.
    pub fn for_statuses(out: &OutputDir) -> Self {
        Self::start(out, false)
    }

    fn start(out: &OutputDir, keep_paths: bool) -> Self {
        let out = &out.hiding_new_folders();
        let (sender, receiver) = sync_channel::<Vec<Job>>(QUEUED / BATCH);
        let receiver = Arc::new(Mutex::new(receiver));
        let outcome = Arc::new(Mutex::new(Outcome::default()));
        let failed = Arc::new(AtomicBool::new(false));
        let workers = (0..WORKERS)
            .map(|_| {
                let (out, receiver) = (out.clone(), Arc::clone(&receiver));
                let (outcome, failed) = (Arc::clone(&outcome), Arc::clone(&failed));
                std::thread::spawn(move || {
                    work(&out, &receiver, &outcome, &failed, keep_paths);
                })
            })
            .collect();
        BatchWriter {
            out: out.clone(),
            sender: Some(sender),
            batch: Vec::with_capacity(BATCH),
            batch_bytes: 0,
            workers,
            outcome,
            failed,
            handed_over: 0,
            keep_paths,
        }
    }

    /// Queues a file; waits while [`QUEUED`] files are already waiting.
    pub fn write(&mut self, relative: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) {
        self.queue(
            relative.into(),
            Contents::Bytes(bytes.into()),
            Policy::Replace,
        );
    }

    /// Queues a file to be written only if nothing is there yet (a file the team owns
    /// once it exists).
    pub fn create(&mut self, relative: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) {
        self.queue(
            relative.into(),
            Contents::Bytes(bytes.into()),
            Policy::CreateOnly,
        );
    }

    /// Queues a file read from `contents`, which another thread is still producing:
    /// a writing thread reads it as it comes ([`OutputDir::stage_streamed`]), and it is
    /// put in place with the others. Should a writing thread stop reading (a file
    /// failed), `contents` is dropped: the producer must not wait on it forever.
    pub fn write_from(
        &mut self,
        relative: impl Into<PathBuf>,
        contents: impl io::Read + Send + 'static,
    ) {
        let reader = Contents::Reader(Box::new(contents));
        self.queue(relative.into(), reader, Policy::Replace);
        // Sent at once: the producer waits until it is read.
        self.send_batch();
    }

    fn queue(&mut self, relative: PathBuf, contents: Contents, policy: Policy) {
        let job = Job {
            number: self.handed_over,
            relative,
            contents,
            policy,
        };
        self.handed_over += 1;
        if let Contents::Bytes(bytes) = &job.contents {
            self.batch_bytes += bytes.len();
        }
        self.batch.push(job);
        if self.batch.len() >= BATCH || self.batch_bytes >= BATCH_BYTES {
            self.send_batch();
        }
    }

    fn send_batch(&mut self) {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.batch_bytes = 0;
        if let Some(sender) = &self.sender
            && !batch.is_empty()
        {
            // The workers only stop when the sender is dropped, so sending cannot fail.
            let _ = sender.send(batch);
        }
    }

    /// Writes a file too large to hold, on the caller's thread, as `fill` produces it
    /// ([`OutputDir::stage_streamed`]), to be put in place with the others, in the order
    /// handed over. Returns what the file on disk was.
    pub fn stream<E: From<WriteError>>(
        &mut self,
        relative: impl AsRef<Path>,
        fill: impl FnOnce(&mut dyn io::Write) -> Result<(), E>,
    ) -> Result<FileStatus, E> {
        let relative = relative.as_ref();
        match self.out.stage_streamed(relative, fill) {
            Ok((before, staged)) => {
                self.add_staged(before, staged);
                Ok(before)
            }
            Err(error) => {
                // The batch fails with it, even if the caller goes on to `finish`.
                self.fail(WriteError::Io {
                    path: relative.to_path_buf(),
                    source: io::Error::other("it could not be written"),
                });
                Err(error)
            }
        }
    }

    /// Records a failure of the next file handed over: nothing will be put in place.
    /// The batch being filled is not sent: the threads skip every file from now on, so
    /// the failure reported stays this one, not one of a file queued before it that a
    /// thread might otherwise still try (and no run is recorded, gap or not).
    fn fail(&mut self, error: WriteError) {
        let number = self.handed_over;
        self.handed_over += 1;
        self.failed.store(true, Ordering::Relaxed);
        let mut outcome = self.outcome.lock().unwrap_or_else(|e| e.into_inner());
        outcome.failed.push((number, error));
    }

    /// Records a file staged on the caller's thread as the next file handed over.
    fn add_staged(&mut self, before: FileStatus, staged: Staged) {
        // The files queued before it go first: a file queued after it must not join
        // their batch, whose files are numbered one after the other ([`Done`]).
        self.send_batch();
        let number = self.handed_over;
        self.handed_over += 1;
        let mut done = Done::new(number, 1);
        done.push(number, before, kept(staged, self.keep_paths));
        let mut outcome = self.outcome.lock().unwrap_or_else(|e| e.into_inner());
        outcome.done.push(done);
    }

    /// Whether a file failed to be written (the rest are skipped: stop rendering).
    pub fn has_failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    /// Waits for every queued file, then renames them all into place: the paths, in
    /// the order handed over. On a failure, nothing is put in place (the files created
    /// are removed again) and the failure of the earliest file that failed is returned.
    pub fn finish(self) -> Result<Vec<PathBuf>, WriteError> {
        let written = self.finish_reporting()?;
        Ok(written.into_iter().map(|written| written.path).collect())
    }

    /// Waits for every queued file and puts them all in place, as
    /// [`BatchWriter::finish`] does: what each file was before, in the order handed over.
    pub fn finish_statuses(mut self) -> Result<Vec<FileStatus>, WriteError> {
        let (before, _) = self.put_in_place(false)?;
        Ok(before)
    }

    /// [`BatchWriter::finish`], also saying what each file was before. A writer made
    /// [`BatchWriter::for_statuses`] keeps no paths: for it, this fails (nothing is put
    /// in place) rather than return paths it does not have.
    pub fn finish_reporting(mut self) -> Result<Vec<Written>, WriteError> {
        if !self.keep_paths {
            return Err(WriteError::Io {
                path: PathBuf::new(),
                source: io::Error::other("a writer for statuses keeps no paths"),
            });
        }
        let (before, paths) = self.put_in_place(true)?;
        Ok(paths
            .into_iter()
            .zip(before)
            .map(|(path, before)| Written { path, before })
            .collect())
    }

    /// Waits for every queued file and puts them all in place: what each file was
    /// before and, if `paths`, where each went, in the order handed over.
    fn put_in_place(&mut self, paths: bool) -> Result<(Vec<FileStatus>, Vec<PathBuf>), WriteError> {
        self.join();
        let outcome = std::mem::take(&mut *self.outcome.lock().unwrap_or_else(|e| e.into_inner()));
        if let Some((_, error)) = outcome.failed.into_iter().min_by_key(|(number, _)| *number) {
            // Dropping the staged files removes their temporary files.
            return Err(error);
        }
        let mut done = outcome.done;
        let count = done.iter().map(|done| done.statuses.len()).sum::<usize>();
        if count != self.handed_over {
            // A writing thread died (a bug): the statuses would no longer line up with
            // the files handed over.
            return Err(WriteError::Io {
                path: PathBuf::new(),
                source: std::io::Error::other(format!(
                    "{} of {} files were not written",
                    self.handed_over - count.min(self.handed_over),
                    self.handed_over
                )),
            });
        }
        // The runs are disjoint and together number every file: in order of their
        // first file, the files are in the order handed over.
        done.sort_by_key(|done| done.first);
        let before: Vec<FileStatus> = (done.iter())
            .flat_map(|done| done.statuses.iter().copied())
            .collect();
        // Sized up front: this is the end of the run, where memory peaks.
        let mut staged = Vec::with_capacity(done.iter().map(|done| done.staged.len()).sum());
        staged.extend(done.into_iter().flat_map(|done| done.staged));
        let paths = commit_all(staged, paths.then_some(count), &self.out)?;
        Ok((before, paths))
    }

    fn join(&mut self) {
        self.send_batch();
        drop(self.sender.take());
        for worker in self.workers.drain(..) {
            // A worker only panics on a bug; its files are then missing from `written`.
            let _ = worker.join();
        }
    }
}

impl Drop for BatchWriter {
    /// Dropped without `finish` (the caller bailed out): no thread outlives the writer,
    /// the files still queued are skipped, and the staged files are removed with the
    /// outcome (the files created are removed again).
    fn drop(&mut self) {
        self.batch.clear();
        self.failed.store(true, Ordering::Relaxed);
        self.join();
        // Revealed already when the batch finished well: then nothing is left to remove.
        self.out.remove_new_folders();
    }
}

/// One writing thread: takes batches of jobs until the queue is closed.
fn work(
    out: &OutputDir,
    receiver: &Mutex<Receiver<Vec<Job>>>,
    outcome: &Mutex<Outcome>,
    failed: &AtomicBool,
    keep_paths: bool,
) {
    loop {
        let jobs = match receiver.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        let Ok(jobs) = jobs else { return };
        let mut done = Done::new(jobs.first().map_or(0, |job| job.number), jobs.len());
        let mut failures = Vec::new();
        for job in jobs {
            if failed.load(Ordering::Relaxed) {
                break;
            }
            match stage(out, job.relative, job.contents, job.policy) {
                Ok((before, file)) => done.push(job.number, before, kept(file, keep_paths)),
                Err(error) => {
                    failed.store(true, Ordering::Relaxed);
                    failures.push((job.number, error));
                }
            }
        }
        let mut outcome = outcome.lock().unwrap_or_else(|e| e.into_inner());
        if !done.statuses.is_empty() {
            outcome.done.push(done);
        }
        outcome.failed.append(&mut failures);
    }
}

/// What is kept of a staged file until the batch finishes: all of it, or, without
/// `keep_paths`, nothing where nothing is left to do with it (unchanged, or in a new
/// folder that is revealed whole).
fn kept(staged: Staged, keep_paths: bool) -> Option<Staged> {
    match staged {
        Staged::Unchanged(_) | Staged::InNewFolder(_) if !keep_paths => None,
        staged => Some(staged),
    }
}

/// Stages one file, from its bytes or as its reader gives them.
fn stage(
    out: &OutputDir,
    relative: PathBuf,
    contents: Contents,
    policy: Policy,
) -> Result<(FileStatus, Staged), WriteError> {
    match contents {
        Contents::Bytes(bytes) => out.stage_as(&relative, &bytes, policy),
        Contents::Reader(mut reader) => out.stage_streamed(&relative, |file| {
            io::copy(&mut reader, file)
                .map(drop)
                .map_err(io_error(&relative))
        }),
    }
}

/// Reveals the new folders, then renames every staged file into place, on the writing
/// threads' count of threads (a rename waits on the disk too). `staged` holds, by
/// number, the files handed over that kept something to do or their path ([`kept`]).
/// With `count` (the files handed over), their paths, in order; on
/// a failure, the first failed rename's error (a new folder that cannot be revealed
/// changes nothing; once they are, the folders, the files renamed before the failure
/// and every file created stay: each is whole and current).
fn commit_all(
    staged: Vec<(usize, Staged)>,
    count: Option<usize>,
    out: &OutputDir,
) -> Result<Vec<PathBuf>, WriteError> {
    // The new folders first: one that cannot be revealed (its name taken meanwhile)
    // fails the batch as a whole, and the files created are removed again on the way out.
    out.reveal_new_folders()?;
    // The files created are kept next, whatever becomes of the renames: a failed
    // rename then leaves every file whole and current, none removed half-way through.
    // Only the renames are left to do, and only they go to the threads (a copy of
    // every staged file split among them cost as much as the staged files again, at
    // the end of the run, where memory peaks).
    let mut paths: Vec<PathBuf> = std::iter::repeat_with(PathBuf::new)
        .take(count.unwrap_or(0))
        .collect();
    let mut path_of = |at: usize, path: PathBuf| {
        if let Some(slot) = paths.get_mut(at) {
            *slot = path;
        }
    };
    let mut pending = Vec::new();
    for (at, staged) in staged {
        match staged {
            Staged::Created(created) => path_of(at, created.keep()),
            Staged::Unchanged(path) | Staged::InNewFolder(path) => path_of(at, path),
            Staged::Pending(rename) => pending.push((at, rename)),
        }
    }
    let chunk = pending.len().div_ceil(WORKERS).max(1);
    let mut chunks: Vec<Vec<(usize, Pending)>> = Vec::new();
    let mut pending = pending.into_iter().peekable();
    while pending.peek().is_some() {
        chunks.push(pending.by_ref().take(chunk).collect());
    }
    let renamed: Vec<Result<Vec<(usize, PathBuf)>, WriteError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                scope.spawn(move || {
                    (chunk.into_iter())
                        .map(|(at, rename)| Ok((at, rename.commit()?)))
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    for chunk in renamed {
        for (at, path) in chunk? {
            path_of(at, path);
        }
    }
    Ok(paths)
}
