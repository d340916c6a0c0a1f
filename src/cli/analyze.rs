//! `edasmith analyze`: check a spec, print the derived model and the findings.

use anyhow::Context as _;
use clap::ValueEnum;

use super::{Outcome, output};

use edasmith::report;
use edasmith::report::paths::RepositoryRoot;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    input: super::SpecInput,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Make warnings fail the run (`--deny warnings`).
    #[arg(long, value_enum, value_name = "LEVEL")]
    deny: Option<Deny>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Human,
    Json,
    /// SARIF 2.1.0 for code scanning (paths relative to the repository root).
    Sarif,
    /// GitHub Actions annotations (`::error file=…,line=…::message`; paths relative to
    /// the repository root).
    Github,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Deny {
    Warnings,
}

/// Analyzes the specs and prints the report in the chosen format.
pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let started = std::time::Instant::now();
    let analysis = args.input.analyze(args.deny == Some(Deny::Warnings))?;
    output::note(|| {
        let files: Vec<String> = analysis
            .sources
            .files()
            .iter()
            .map(|f| f.display_path())
            .collect();
        format!("analyzed {} in {:.1?}", files.join(", "), started.elapsed())
    });
    let quiet = output::verbosity() == output::Verbosity::Quiet;
    let written = match args.format {
        Format::Human if quiet => Ok(()),
        Format::Human => output::stdout(&report::human::render_model(&analysis)),
        // Streamed: on a large spec the JSON is bigger than the spec itself.
        Format::Json => output::stdout_with(|out| report::json::write(&analysis, out)),
        Format::Sarif => output::stdout(&report::sarif::render(&analysis, &repository_root()?)),
        Format::Github => output::stdout(&report::github::render(&analysis, &repository_root()?)),
    };
    written.context("cannot write the report")?;
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

fn repository_root() -> anyhow::Result<RepositoryRoot> {
    RepositoryRoot::of_current_dir()
        .context("cannot find the repository root: the current folder cannot be read")
}
