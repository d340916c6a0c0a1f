//! A bounded pipe in memory, between the thread that renders a file and the one that
//! writes it out.
//!
//! The contracts crate's two files grow with the whole system (44 MB at 5,000
//! services) and take a third of `generate`'s rendering. Rendered on the thread that
//! hands files to the sink, they kept every other core idle for that long; through a
//! pipe, each renders on a thread of its own while a writing thread takes the bytes
//! as they come, and the service crates render beside them. The pipe holds a few
//! chunks, never the file.
//!
//! Not an OS pipe: a reader that stops early must not raise `SIGPIPE` in a program
//! that embeds the library, and a rendering that fails half-way must reach the reader
//! as an error, not as an end of file that would pass half a file for a whole one.

use std::io::{self, Read, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// How many bytes go over at once.
const CHUNK: usize = 32 * 1024;
/// How many chunks may wait for the reader before the writer waits.
const WAITING: usize = 2;

/// A chunk, or the news that the writer stopped without finishing.
type Message = Result<Vec<u8>, Unfinished>;

#[derive(Debug)]
struct Unfinished;

/// A pipe: what is written to the [`PipeWriter`] is read from the [`PipeReader`], which
/// sees the end of the file only once [`PipeWriter::finish`] was called.
pub fn pipe() -> (PipeReader, PipeWriter) {
    let (sender, receiver) = sync_channel(WAITING);
    let reader = PipeReader {
        receiver,
        chunk: Vec::new(),
        at: 0,
    };
    let writer = PipeWriter {
        sender,
        chunk: Vec::with_capacity(CHUNK),
        finished: false,
        reader_gone: false,
    };
    (reader, writer)
}

/// The writing end. Dropped without [`PipeWriter::finish`] (the rendering failed or
/// panicked), it makes the reader fail. A reader that is gone makes every write fail
/// ([`PipeWriter::reader_gone`] then says so), rather than wait forever.
pub struct PipeWriter {
    sender: SyncSender<Message>,
    chunk: Vec<u8>,
    finished: bool,
    reader_gone: bool,
}

impl PipeWriter {
    /// Sends what is buffered and ends the file.
    pub fn finish(&mut self) -> io::Result<()> {
        self.send_chunk()?;
        self.finished = true;
        Ok(())
    }

    /// Whether the reader is gone: a write failed because nobody reads any more (the
    /// sink stopped, and reports why itself), not because of the rendering.
    pub fn reader_gone(&self) -> bool {
        self.reader_gone
    }

    fn send_chunk(&mut self) -> io::Result<()> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK));
        // Not `BrokenPipe`: up the chain of errors that would read as a closed stdout.
        self.sender.send(Ok(chunk)).map_err(|_| {
            self.reader_gone = true;
            io::Error::other("the file's reader stopped reading")
        })
    }
}

impl Write for PipeWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let taken = bytes.len().min(CHUNK - self.chunk.len());
        self.chunk.extend_from_slice(&bytes[..taken]);
        if self.chunk.len() == CHUNK {
            self.send_chunk()?;
        }
        Ok(taken)
    }

    /// Chunks go over when full: a flush in the middle of a file would only make them
    /// smaller.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for PipeWriter {
    fn drop(&mut self) {
        if !self.finished {
            // A reader that is gone needs no news.
            let _ = self.sender.send(Err(Unfinished));
        }
    }
}

/// The reading end.
pub struct PipeReader {
    receiver: Receiver<Message>,
    chunk: Vec<u8>,
    /// How much of `chunk` was read.
    at: usize,
}

impl Read for PipeReader {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        while self.at == self.chunk.len() {
            match self.receiver.recv() {
                Ok(Ok(chunk)) => (self.chunk, self.at) = (chunk, 0),
                Ok(Err(Unfinished)) => {
                    return Err(io::Error::other("the file was not rendered to its end"));
                }
                // The writer finished and is gone.
                Err(_) => return Ok(0),
            }
        }
        let read = buffer.len().min(self.chunk.len() - self.at);
        buffer[..read].copy_from_slice(&self.chunk[self.at..self.at + read]);
        self.at += read;
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(length: usize) -> Vec<u8> {
        (0..length).map(|at| b'a' + (at % 26) as u8).collect()
    }

    #[test]
    fn a_finished_file_arrives_whole_across_threads() {
        let sent = text(3 * CHUNK + 17);
        let (mut reader, mut writer) = pipe();
        let writing = {
            let sent = sent.clone();
            std::thread::spawn(move || {
                for piece in sent.chunks(1000) {
                    writer.write_all(piece).unwrap();
                }
                writer.finish()
            })
        };
        let mut received = Vec::new();
        reader.read_to_end(&mut received).unwrap();
        writing.join().unwrap().unwrap();
        assert_eq!(received, sent);
    }

    #[test]
    fn an_unfinished_file_is_an_error_not_an_end() {
        let (mut reader, mut writer) = pipe();
        let writing = std::thread::spawn(move || {
            writer.write_all(&text(CHUNK + 5)).unwrap();
            // Dropped without `finish`, as when the rendering fails.
        });
        let mut received = Vec::new();
        let error = reader.read_to_end(&mut received).unwrap_err();
        writing.join().unwrap();
        assert_eq!(error.to_string(), "the file was not rendered to its end");
    }

    #[test]
    fn a_reader_that_stops_makes_the_writer_fail_instead_of_waiting() {
        let (reader, mut writer) = pipe();
        drop(reader);
        assert!(!writer.reader_gone());
        writer.write_all(&text(10 * CHUNK)).unwrap_err();
        assert!(writer.reader_gone());
    }
}
