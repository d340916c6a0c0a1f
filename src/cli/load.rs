//! `edasmith load`: the load at the spike, service by service, and what-ifs with `--peak`.

use std::io;

use anstream::ColorChoice;
use anyhow::Context as _;
use clap::ValueEnum;

use super::{Outcome, output};
use edasmith::analysis::{Options, Output};
use edasmith::load::{self, LoadRow};
use edasmith::report;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    input: super::SpecInput,
    /// Override or add a service's peak, in requests/s (repeatable): `--peak web=5000`.
    #[arg(long = "peak", value_name = "ID=RPS", value_parser = parse_peak)]
    peaks: Vec<(String, f64)>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Human,
    Json,
}

/// `ID=RPS` with RPS a finite number of at least 0 (`_` may group digits: `20_000`).
fn parse_peak(text: &str) -> Result<(String, f64), String> {
    let Some((id, rps)) = text.split_once('=') else {
        return Err(format!(
            "`{text}` is not ID=RPS (a service id, `=`, requests per second), e.g. web=5000"
        ));
    };
    let id = id.trim();
    if id.is_empty() {
        return Err(format!("`{text}` names no service before `=`"));
    }
    let digits = rps.trim().replace('_', "");
    match digits.parse::<f64>() {
        Ok(value) if value.is_finite() && value >= 0.0 => Ok((id.to_owned(), value)),
        _ => Err(format!(
            "`{}` is not a number of requests per second (a finite number of at least 0)",
            rps.trim()
        )),
    }
}

/// Prints the load table; exit 1 when the spec has other errors (printed instead) or a
/// service is over its capacity in the scenario.
pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let analysis = args.input.analyze_with(Options {
        peaks: args.peaks.clone(),
        ..Options::default()
    })?;
    if analysis.blocks(Output::Load) {
        output::stderr(&report::human::render_findings(
            &analysis,
            output::stderr_color(),
        ));
        return Ok(Outcome::Failed);
    }
    if let Some(unknown) = analysis.unknown_peak {
        return Err(unknown.into());
    }
    let (model, table) = (&analysis.model, &analysis.load);
    match args.format {
        Format::Human => {
            let color = anstream::AutoStream::choice(&io::stdout()) != ColorChoice::Never;
            output::stdout(&load::render::render_human(model, table, color))
                .context("cannot write the load table")?;
        }
        Format::Json => {
            #[derive(serde::Serialize)]
            struct Report {
                load: Vec<LoadRow>,
            }
            let report = Report {
                load: load::json_rows(model, table),
            };
            let mut text = serde_json::to_string_pretty(&report)?;
            text.push('\n');
            output::stdout(&text).context("cannot write the load table")?;
        }
    }
    // What is left are the load rules' findings on the scenario.
    Ok(if analysis.has_errors() {
        Outcome::Failed
    } else {
        Outcome::Clean
    })
}
