//! `edasmith export asyncapi`: one AsyncAPI 3.0 document per service.

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use edasmith::analysis::Analysis;
use edasmith::derive::Derived;
use edasmith::model::Model;
use edasmith::write::{BatchWriter, OutputDir};

use super::{Outcome, output};
use edasmith::diagnostic::Severity;
use edasmith::export::{self, Document, asyncapi};
use edasmith::report;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    format: Format,
}

#[derive(clap::Subcommand, Debug)]
enum Format {
    /// One AsyncAPI 3.0.0 document per service (`<service>.asyncapi.yaml`): channels,
    /// send/receive operations, command replies with a correlationId, payload schemas.
    #[command(
        after_help = "Documents: every service of kind `service`, and every frontend or external that sends or receives an asynchronous message.\n\nKeys and file names are the names in kebab-case ASCII (Hangul romanized), the same in every document; names that meet on one key are told apart by `-2`, `-3`, … in the order of their spelling.\n\nChannel addresses:\n  event    <system>.<aggregate>.<event>      publisher: send, subscribers: receive\n  command  <system>.<handler>.<command>      sender: send + reply, handler: receive + reply\n  reply    <system>.<handler>.<command>-reply  (correlationId: $message.header#/correlationId)\n  message  <system>.<receiver>.<message>     one-way: send, receive, no reply\n\nExample:\n  edasmith export asyncapi examples/telecom-ko/spec.yaml --out-dir asyncapi/"
    )]
    Asyncapi(AsyncapiArgs),
}

#[derive(clap::Args, Debug)]
struct AsyncapiArgs {
    #[command(flatten)]
    input: super::SpecInput,
    /// The folder the documents are written to (created if missing).
    #[arg(long, value_name = "DIR")]
    out_dir: PathBuf,
    /// `info.version` of every document.
    #[arg(long, value_name = "VERSION", default_value_t = asyncapi::Options::default().api_version)]
    api_version: String,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    match &args.format {
        Format::Asyncapi(args) => run_asyncapi(args),
    }
}

/// Analyzes the specs; with no error finding, writes every document, then lists them.
fn run_asyncapi(args: &AsyncapiArgs) -> anyhow::Result<Outcome> {
    let analysis = args.input.analyze(false)?;
    if analysis
        .findings
        .iter()
        .any(|finding| finding.severity != Severity::Info)
    {
        output::stderr(&report::human::render_findings(
            &analysis,
            output::stderr_color(),
        ));
    }
    if analysis.blocks(edasmith::analysis::Output::Export) {
        return Ok(Outcome::Failed);
    }
    let options = asyncapi::Options {
        api_version: args.api_version.clone(),
    };
    let (model, derived) = model_of(analysis);
    let catalog = export::Catalog::new(&model, &derived);
    let out = OutputDir::create(&args.out_dir)
        .with_context(|| format!("cannot export to `{}`", args.out_dir.display()))?;
    let listing = write_documents(&out, &args.out_dir, catalog.documents(&options))?;
    output::stdout(&listing).context("cannot list the written files")?;
    Ok(Outcome::Clean)
}

/// The model and what is derived from it: all the export reads. The rest of the analysis
/// (findings, load table) is freed on return, so the catalog and the documents reuse its
/// memory instead of adding to it.
fn model_of(analysis: Analysis) -> (Model, Derived) {
    (analysis.model, analysis.derived)
}

/// Documents up to this size are rendered in memory and written by the writing threads
/// (at most this much for each of the few queued); a larger one is streamed into its
/// file here. At 5,000 services one document is 4.7 MB (the mailer's, which every service
/// talks to) and the next largest 17 KB.
const IN_MEMORY: usize = 256 * 1024;

/// Renders each document and hands it to the writing threads before the next is built,
/// so memory holds a few documents however many the system has; a large one is streamed
/// into its file instead of held. Returns the paths written, a line each: they are
/// listed once all are written, so a reader that stops early (`| head`) does not stop
/// the export.
fn write_documents<'c>(
    out: &OutputDir,
    out_dir: &Path,
    documents: impl Iterator<Item = Document<'c>>,
) -> anyhow::Result<String> {
    let mut writer = BatchWriter::new(out);
    for document in documents {
        if writer.has_failed() {
            break;
        }
        match in_memory(&document)? {
            Some(text) => writer.write(document.file_name.as_str(), text.into_bytes()),
            None => {
                writer.stream(&document.file_name, |file| {
                    document.write_yaml_to(file).map_err(anyhow::Error::from)
                })?;
            }
        }
    }
    let written = writer
        .finish()
        .with_context(|| format!("cannot export to `{}`", out_dir.display()))?;
    let mut listing = String::new();
    for path in written {
        let _ = writeln!(listing, "{}", path.display());
    }
    Ok(listing)
}

/// The document's text, when it is at most [`IN_MEMORY`] bytes; `None` for a larger
/// one, whose rendering stops there (to be streamed: its first [`IN_MEMORY`] bytes are
/// rendered twice, a small cost beside the copy it saves).
fn in_memory(document: &Document) -> anyhow::Result<Option<String>> {
    let mut text = Capped::default();
    // Written as text, not bytes: the serializer's many small pieces then cost no
    // dynamic call each (measured: 0.4 s of 2.4 at 5,000 services).
    match document.write_yaml(&mut text) {
        Ok(()) => Ok(Some(text.text)),
        Err(_) if text.over => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// Text in memory, up to [`IN_MEMORY`] bytes: a write past it fails, and says so.
#[derive(Default)]
struct Capped {
    text: String,
    over: bool,
}

impl fmt::Write for Capped {
    fn write_str(&mut self, piece: &str) -> fmt::Result {
        if self.text.len() + piece.len() > IN_MEMORY {
            self.over = true;
            return Err(fmt::Error);
        }
        self.text.push_str(piece);
        Ok(())
    }
}
