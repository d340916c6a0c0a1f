//! Writing many files at once: the renderer hands files over one by one and goes on
//! rendering, while a few threads write them.
//!
//! Why threads for a CPU-light job: creating a file waits on the disk (the journal, the
//! inode table), not on the CPU. On this project's 2-core VM one thread creates about
//! 1,200 files a second on ext4, and eight threads about seven times as many, so
//! `generate` on 5,000 services (45,000 files) spends seconds, not tens of seconds, in
//! the kernel. The queue is bounded, so at most [`QUEUED`] files wait in memory: the
//! caller can render one file at a time without holding them all.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use super::{OutputDir, WriteError};

/// How many threads write.
const WORKERS: usize = 8;
/// How many rendered files may wait for a writer.
const QUEUED: usize = 64;

/// A file to write, numbered in the order it was handed over.
struct Job {
    number: usize,
    relative: PathBuf,
    bytes: Vec<u8>,
}

/// What the writers did, by job number.
#[derive(Default)]
struct Outcome {
    written: Vec<(usize, PathBuf)>,
    failed: Vec<(usize, WriteError)>,
}

/// Writes files into an [`OutputDir`] on a few threads, each file as
/// [`OutputDir::write`] does (atomic, confined, untouched when unchanged).
///
/// After the first failure the remaining files are skipped; [`BatchWriter::finish`]
/// reports the failure of the earliest file handed over, so the error does not depend
/// on which thread was faster.
pub struct BatchWriter {
    sender: Option<SyncSender<Job>>,
    workers: Vec<JoinHandle<()>>,
    outcome: Arc<Mutex<Outcome>>,
    failed: Arc<AtomicBool>,
    handed_over: usize,
}

impl BatchWriter {
    /// Starts the writing threads for `out`.
    pub fn new(out: &OutputDir) -> Self {
        let (sender, receiver) = sync_channel::<Job>(QUEUED);
        let receiver = Arc::new(Mutex::new(receiver));
        let outcome = Arc::new(Mutex::new(Outcome::default()));
        let failed = Arc::new(AtomicBool::new(false));
        let workers = (0..WORKERS)
            .map(|_| {
                let (out, receiver) = (out.clone(), Arc::clone(&receiver));
                let (outcome, failed) = (Arc::clone(&outcome), Arc::clone(&failed));
                std::thread::spawn(move || work(&out, &receiver, &outcome, &failed))
            })
            .collect();
        BatchWriter {
            sender: Some(sender),
            workers,
            outcome,
            failed,
            handed_over: 0,
        }
    }

    /// Queues a file; waits while [`QUEUED`] files are already waiting.
    pub fn write(&mut self, relative: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) {
        let job = Job {
            number: self.handed_over,
            relative: relative.into(),
            bytes: bytes.into(),
        };
        self.handed_over += 1;
        if let Some(sender) = &self.sender {
            // The workers only stop when the sender is dropped, so sending cannot fail.
            let _ = sender.send(job);
        }
    }

    /// Whether a file failed to be written (the rest are skipped: stop rendering).
    pub fn has_failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    /// Waits for every queued file; the paths written, in the order handed over, or the
    /// failure of the earliest file that failed.
    pub fn finish(mut self) -> Result<Vec<PathBuf>, WriteError> {
        self.join();
        let outcome = std::mem::take(&mut *self.outcome.lock().unwrap_or_else(|e| e.into_inner()));
        if let Some((_, error)) = outcome.failed.into_iter().min_by_key(|(number, _)| *number) {
            return Err(error);
        }
        let mut written = outcome.written;
        written.sort_by_key(|(number, _)| *number);
        Ok(written.into_iter().map(|(_, path)| path).collect())
    }

    fn join(&mut self) {
        drop(self.sender.take());
        for worker in self.workers.drain(..) {
            // A worker only panics on a bug; its files are then missing from `written`.
            let _ = worker.join();
        }
    }
}

impl Drop for BatchWriter {
    /// Dropped without `finish` (the caller bailed out): the queued files are still
    /// written whole, and no thread outlives the writer.
    fn drop(&mut self) {
        self.join();
    }
}

/// One writing thread: takes jobs until the queue is closed.
fn work(
    out: &OutputDir,
    receiver: &Mutex<Receiver<Job>>,
    outcome: &Mutex<Outcome>,
    failed: &AtomicBool,
) {
    loop {
        let job = match receiver.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        if failed.load(Ordering::Relaxed) {
            continue;
        }
        let result = out.write(&job.relative, &job.bytes);
        let mut outcome = outcome.lock().unwrap_or_else(|e| e.into_inner());
        match result {
            Ok(path) => outcome.written.push((job.number, path)),
            Err(error) => {
                failed.store(true, Ordering::Relaxed);
                outcome.failed.push((job.number, error));
            }
        }
    }
}
