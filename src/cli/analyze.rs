//! `edasmith analyze`: check a spec, print the derived model and the findings.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::ValueEnum;

use super::{Outcome, output};
use edasmith::analysis::{self, Options};
use edasmith::report;
use edasmith::spec::Limits;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Spec files, or folders of *.yaml / *.yml files merged into one model.
    #[arg(required = true, value_name = "SPEC")]
    specs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Make warnings fail the run (`--deny warnings`).
    #[arg(long, value_enum, value_name = "LEVEL")]
    deny: Option<Deny>,
    /// Largest spec file read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_file_bytes)]
    max_file_size: u64,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Human,
    Json,
    /// SARIF 2.1.0 for code scanning (paths relative to the repository root).
    Sarif,
    /// GitHub Actions annotations (`::error file=…,line=…::message`).
    Github,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Deny {
    Warnings,
}

/// Analyzes the specs and prints the report in the chosen format.
pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let options = Options {
        limits: Limits {
            max_file_bytes: args.max_file_size,
            ..Limits::default()
        },
        deny_warnings: args.deny == Some(Deny::Warnings),
    };
    let started = std::time::Instant::now();
    let analysis = analysis::analyze_paths(&args.specs, &options)?;
    output::note(|| {
        let files: Vec<String> = analysis
            .model
            .sources
            .files()
            .iter()
            .map(|f| f.display_path())
            .collect();
        format!("analyzed {} in {:.1?}", files.join(", "), started.elapsed())
    });
    let quiet = output::verbosity() == output::Verbosity::Quiet;
    let report = match args.format {
        Format::Human if quiet => String::new(),
        Format::Human => report::human::render_model(&analysis),
        Format::Json => report::json::render(&analysis),
        Format::Sarif => report::sarif::render(&analysis, &report::sarif::repository_root()),
        Format::Github => report::github::render(&analysis),
    };
    output::stdout(&report).context("cannot write the report")?;
    if args.format == Format::Human && !(quiet && analysis.findings.is_empty()) {
        // The model first, the findings last: they stay next to the prompt.
        output::stderr(&report::human::render_findings(
            &analysis,
            output::stderr_color(),
        ));
    }
    Ok(if analysis.has_errors() {
        Outcome::Failed
    } else {
        Outcome::Clean
    })
}
