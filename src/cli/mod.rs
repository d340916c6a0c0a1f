//! The command line: argument types, one module per command, and the one place where an
//! outcome becomes an exit code.
//!
//! Exit codes (fixed by the format page): 0 = no error findings; 1 = error findings (or
//! stale files for `--check`); 2 = usage or I/O error.

mod analyze;
mod completions;
mod diagram;
mod explain;
mod export;
mod generate;
mod init;
mod load;
mod output;
mod schema;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use edasmith::analysis::{self, Analysis, Options, Output};
use edasmith::report;
use edasmith::spec::Limits;

/// What a command found, as far as the exit code cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing that fails the run.
    Clean,
    /// Error findings (or stale files): exit 1.
    Failed,
}

#[derive(Parser, Debug)]
#[command(
    name = "edasmith",
    version,
    about = "Design toolkit for event-driven microservice architectures",
    long_about = "edasmith reads a service relation diagram (SRD) written as YAML, derives the \
                  aggregates and domain events, checks messaging types, saga compensation, \
                  event-carried state and synchronous availability, and generates code, \
                  diagrams and AsyncAPI documents.",
    after_help = "Example:\n  edasmith analyze examples/telecom-ko/spec.yaml\n\nExit codes: 0 = no errors, 1 = the spec has errors, 2 = usage or I/O error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to use colour on the terminal (NO_COLOR is respected with `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
    /// Print only findings: no derived model, no summary line when there are none.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print the files read and how long each stage took (to stderr).
    #[arg(short, long, global = true)]
    verbose: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check a spec and print the derived model and every finding.
    #[command(
        after_help = "Examples:\n  edasmith analyze spec.yaml\n  edasmith analyze specs/ --format json\n  edasmith analyze spec.yaml --deny warnings"
    )]
    Analyze(analyze::Args),
    /// Show the load at a spike per service (peak, capacity, rate), and try other peaks.
    #[command(
        after_help = "Examples:\n  edasmith load examples/promotion/before.yaml\n  edasmith load spec.yaml --peak web=5000 --peak app=1_000\n  edasmith load spec.yaml --format json\n\nload = peak + sum over sync calls of rate x caller's load; async messages queue.\nExit 1 when the spec has other errors (printed instead) or a service is over its capacity."
    )]
    Load(load::Args),
    /// Draw the SRD, the load at the spike, domain events, lifecycles or sagas in Mermaid or
    /// Graphviz DOT.
    #[command(
        after_help = "Examples:\n  edasmith diagram spec.yaml --format mermaid\n  edasmith diagram spec.yaml --format dot --view saga --name terminate-contract -o saga.dot\n  edasmith diagram spec.yaml --out-dir diagrams/\n  edasmith diagram spec.yaml --format dot --view load | dot -Tsvg -o load.svg"
    )]
    Diagram(diagram::Args),
    /// Generate a Cargo workspace: message contracts and one crate per service.
    #[command(
        after_help = "Examples:\n  edasmith generate spec.yaml --out workspace\n  edasmith generate spec.yaml --out workspace --check\n\nFiles under `generated/` are rewritten on every run; the others are written once and are yours."
    )]
    Generate(generate::Args),
    /// Export the model to other tools' formats (AsyncAPI 3.0, one document per service).
    #[command(after_help = "Example:\n  edasmith export asyncapi spec.yaml --out-dir asyncapi/")]
    Export(export::Args),
    /// Explain a rule: what it checks, why, and how to fix it.
    #[command(
        after_help = "Examples:\n  edasmith explain --list\n  edasmith explain command-without-reply"
    )]
    Explain(explain::Args),
    /// Print the JSON Schema of the spec format (for editors and CI validation).
    #[command(
        after_help = "Example:\n  edasmith schema > edasmith.schema.json\n  # then, first line of a spec:\n  # yaml-language-server: $schema=./edasmith.schema.json"
    )]
    Schema(schema::Args),
    /// Write a commented starter spec (never overwrites a file).
    #[command(after_help = "Examples:\n  edasmith init\n  edasmith init specs/billing.yaml")]
    Init(init::Args),
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  edasmith completions bash > /etc/bash_completion.d/edasmith\n  edasmith completions zsh > \"${fpath[1]}/_edasmith\""
    )]
    Completions(completions::Args),
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// The specs every command reads, and the limit on their size: one definition, so the
/// commands accept the same arguments and analyze the same way.
#[derive(clap::Args, Debug)]
struct SpecInput {
    /// Spec files, or folders of *.yaml / *.yml files merged into one model.
    #[arg(required = true, value_name = "SPEC")]
    specs: Vec<PathBuf>,
    /// Largest spec file read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_file_bytes)]
    max_file_size: u64,
}

impl SpecInput {
    /// Loads and analyzes the specs. Only `analyze` passes `deny_warnings`: warnings never
    /// stop an output.
    fn analyze(&self, deny_warnings: bool) -> anyhow::Result<Analysis> {
        self.analyze_with(Options {
            deny_warnings,
            ..Options::default()
        })
    }

    /// Loads and analyzes the specs with `options`, the size limit replaced by
    /// `--max-file-size`.
    fn analyze_with(&self, options: Options) -> anyhow::Result<Analysis> {
        let options = Options {
            limits: Limits {
                max_file_bytes: self.max_file_size,
                ..options.limits
            },
            ..options
        };
        Ok(analysis::analyze_paths(&self.specs, &options)?)
    }
}

/// Prints the findings to stderr; when they stop `made` ([`Analysis::blocks`]), prints
/// `refusal` and returns false.
fn may_write(analysis: &Analysis, made: Output, refusal: &str) -> bool {
    if !analysis.findings.is_empty() {
        output::stderr(&report::human::render_findings(
            analysis,
            output::stderr_color(),
        ));
    }
    if analysis.blocks(made) {
        output::error(refusal);
        return false;
    }
    true
}

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // --help and --version are "errors" to clap but successes to the user.
            let code = if error.use_stderr() { 2 } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    output::set_color(cli.color);
    output::set_verbosity(if cli.quiet {
        output::Verbosity::Quiet
    } else if cli.verbose {
        output::Verbosity::Verbose
    } else {
        output::Verbosity::Normal
    });
    let result = match cli.command {
        Command::Analyze(args) => analyze::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Diagram(args) => diagram::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Load(args) => load::run(&args),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Failed) => ExitCode::from(1),
        Err(error) if output::is_broken_pipe(&error) => {
            // `edasmith analyze … | head` closed the pipe: the reader has what it wanted.
            ExitCode::SUCCESS
        }
        Err(error) => {
            output::error(&format!("{error:#}"));
            ExitCode::from(2)
        }
    }
}
