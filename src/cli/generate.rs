//! `edasmith generate`: the model as a Cargo workspace (contracts + one crate per
//! service). Nothing is written when the spec has error findings.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;

use super::{Outcome, output};
use edasmith::codegen::{self, Mode, Ownership, Status, Templates, Update};
use edasmith::write::OutputDir;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    input: super::SpecInput,
    /// The workspace folder to write (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Write nothing; exit 1 listing every generated file that is stale or missing.
    #[arg(long)]
    check: bool,
    /// A folder of templates overriding the embedded ones by file name.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let analysis = args.input.analyze(false)?;
    if !super::may_write(
        &analysis,
        edasmith::analysis::Output::Code,
        "the spec has errors: nothing generated",
    ) {
        return Ok(Outcome::Failed);
    }
    let templates = match &args.templates {
        Some(dir) => Templates::with_overrides(dir)?,
        None => Templates::embedded()?,
    };
    let out = OutputDir::open(&args.out)?;
    let mode = if args.check { Mode::Check } else { Mode::Write };
    let Update { files, changes } = codegen::update(analysis, &templates, &out, mode)?;
    if args.check {
        let drift: Vec<_> = changes.iter().filter(|c| c.is_drift()).collect();
        let mut notes = String::new();
        for change in changes.iter().filter(|c| !c.is_drift()) {
            notes.push_str(&format!(
                "note: {} is missing (a file of yours: `generate` would create it)\n",
                change.path
            ));
        }
        output::stderr(&notes);
        if drift.is_empty() {
            output::stderr(&format!(
                "{}: generated files up to date ({} files)\n",
                args.out.display(),
                files
            ));
            return Ok(Outcome::Clean);
        }
        let mut report = String::new();
        for change in &drift {
            let what = match change.status {
                Status::Missing => "missing",
                Status::Stale => "stale",
                Status::Obsolete => "obsolete",
            };
            report.push_str(&format!("{what}: {}\n", change.path));
        }
        for diff in drift.iter().filter_map(|change| change.diff.as_deref()) {
            report.push('\n');
            report.push_str(diff);
        }
        output::stdout(&report).context("cannot write the report")?;
        output::error(&format!(
            "{} generated files out of date: run `edasmith generate` without --check",
            drift.len()
        ));
        return Ok(Outcome::Failed);
    }
    let count = |ownership, removed: bool| {
        changes
            .iter()
            .filter(|c| c.ownership == ownership && (c.status == Status::Obsolete) == removed)
            .count()
    };
    output::stderr(&format!(
        "{}: {} files: {} generated written, {} created for you, {} obsolete removed, in {} ms\n",
        args.out.display(),
        files,
        count(Ownership::Generated, false),
        count(Ownership::User, false),
        count(Ownership::Generated, true),
        started.elapsed().as_millis()
    ));
    Ok(Outcome::Clean)
}
