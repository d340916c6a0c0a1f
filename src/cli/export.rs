//! `edasmith export asyncapi`: one AsyncAPI 3.0 document per service.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use edasmith::write::{File, OutputDir};

use super::{Outcome, output};
use edasmith::export::{self, Document, asyncapi};

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
    let refusal = "the spec has errors: nothing exported";
    if !super::may_write(&analysis, edasmith::analysis::Output::Export, refusal) {
        return Ok(Outcome::Failed);
    }
    let options = asyncapi::Options {
        api_version: args.api_version.clone(),
    };
    let catalog = export::Catalog::new(&analysis.model, &analysis.derived);
    let out = OutputDir::create(&args.out_dir)
        .with_context(|| format!("cannot export to `{}`", args.out_dir.display()))?;
    let listing = write_documents(&out, &args.out_dir, catalog.documents(&options))?;
    output::stdout(&listing).context("cannot list the written files")?;
    Ok(Outcome::Clean)
}

/// Renders every document, then writes them all: the paths written, a line each. They
/// are listed once all are written, so a reader that stops early (`| head`) does not
/// stop the export.
fn write_documents<'c>(
    out: &OutputDir,
    out_dir: &Path,
    documents: impl Iterator<Item = Document<'c>>,
) -> anyhow::Result<String> {
    let files = documents
        .map(|document| Ok(File::new(document.file_name.as_str(), document.to_yaml()?)))
        .collect::<anyhow::Result<Vec<File>>>()?;
    out.sync(&files)
        .with_context(|| format!("cannot export to `{}`", out_dir.display()))?;
    let mut listing = String::new();
    for file in &files {
        let _ = writeln!(listing, "{}", out.root().join(&file.path).display());
    }
    Ok(listing)
}
