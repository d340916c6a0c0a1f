//! Writing to the terminal: colour choice, stdout and stderr, broken pipes.

use std::io::{self, Write};
use std::sync::OnceLock;

use anstream::ColorChoice;

use super::ColorWhen;

pub(super) fn set_color(when: ColorWhen) {
    let choice = match when {
        ColorWhen::Auto => ColorChoice::Auto,
        ColorWhen::Always => ColorChoice::Always,
        ColorWhen::Never => ColorChoice::Never,
    };
    choice.write_global();
}

/// Whether stderr gets colour: renderers produce styled text only when it will be shown.
pub(super) fn stderr_color() -> bool {
    anstream::AutoStream::choice(&io::stderr()) != ColorChoice::Never
}

/// Writes to stdout; a closed pipe surfaces as an error that `run` ends quietly on.
pub(super) fn stdout(text: &str) -> io::Result<()> {
    let mut out = anstream::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Lets `write` stream a large output to stdout through a buffer, instead of holding
/// it whole in memory first.
pub(super) fn stdout_with(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let mut out = io::BufWriter::new(anstream::stdout().lock());
    write(&mut out)?;
    out.flush()
}

/// Writes diagnostics to stderr. Failing to write them is not worth a failure of its own.
pub(super) fn stderr(text: &str) {
    let mut err = anstream::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

pub(super) fn error(message: &str) {
    let style = anstyle::AnsiColor::Red.on_default().bold();
    stderr(&format!("{style}error{style:#}: {message}\n"));
}

pub(super) fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<io::Error>())
        .any(|io_error| io_error.kind() == io::ErrorKind::BrokenPipe)
}

/// How much the commands say besides their result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

static VERBOSITY: OnceLock<Verbosity> = OnceLock::new();

pub(super) fn set_verbosity(verbosity: Verbosity) {
    let _ = VERBOSITY.set(verbosity);
}

pub(super) fn verbosity() -> Verbosity {
    VERBOSITY.get().copied().unwrap_or(Verbosity::Normal)
}

/// A progress note for `-v`.
pub(super) fn note(message: impl FnOnce() -> String) {
    if verbosity() == Verbosity::Verbose {
        stderr(&format!("edasmith: {}\n", message()));
    }
}
