//! `edasmith load`: the load at the spike, service by service, and what-ifs with `--peak`.

use std::io;

use anstream::ColorChoice;
use anyhow::{Context as _, bail};
use clap::ValueEnum;

use super::{Outcome, output};
use edasmith::analysis::Analysis;
use edasmith::diagnostic::Severity;
use edasmith::load::{self, LoadRow};
use edasmith::model::Model;
use edasmith::names::did_you_mean_or;
use edasmith::report;
use edasmith::rules;

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
    let analysis = args.input.analyze(false)?;
    if has_other_errors(&analysis) {
        output::stderr(&report::human::render_findings(
            &analysis,
            output::stderr_color(),
        ));
        return Ok(Outcome::Failed);
    }
    let model = &analysis.model;
    let overrides = resolve_peaks(model, &args.peaks)?;
    let scenario;
    let table = if overrides.is_empty() {
        &analysis.load
    } else {
        scenario = load::analyze_with(model, &overrides);
        &scenario
    };
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
    let (levels, _) = rules::config::read(&model.rule_levels);
    let findings = rules::config::apply(
        rules::load::capacity_exceeded::findings(model, table),
        &levels,
        false,
    );
    Ok(
        if findings
            .iter()
            .any(|finding| finding.severity == Severity::Error)
        {
            Outcome::Failed
        } else {
            Outcome::Clean
        },
    )
}

fn has_other_errors(analysis: &Analysis) -> bool {
    !analysis.parsed
        || analysis.findings.iter().any(|finding| {
            // Load findings do not stop the table: they are its subject.
            finding.severity == Severity::Error && !rules::load::is_load_rule(finding.rule)
        })
}

/// Service indices for `--peak`: by id, else by display name; unknown ones are a usage
/// error with a suggestion.
fn resolve_peaks(model: &Model, peaks: &[(String, f64)]) -> anyhow::Result<Vec<(usize, f64)>> {
    let mut resolved = Vec::with_capacity(peaks.len());
    for (id, rps) in peaks {
        let by_id = model.services.iter().position(|s| s.id.value == *id);
        let by_name = || {
            let mut named = model
                .services
                .iter()
                .enumerate()
                .filter(|(_, s)| s.name.as_ref().is_some_and(|name| name.value == *id));
            match (named.next(), named.next()) {
                (Some((index, _)), None) => Some(index),
                _ => None,
            }
        };
        match by_id.or_else(by_name) {
            Some(index) => resolved.push((index, *rps)),
            None => {
                let hint =
                    did_you_mean_or(id, model.services.iter().map(|s| s.id.as_str()), || {
                        format!(
                            "the services are: {}",
                            model
                                .services
                                .iter()
                                .take(12)
                                .map(|s| format!("`{}`", s.id.value))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    });
                bail!(
                    "--peak {id}={}: no service `{id}`; {hint}",
                    load::format_number(*rps)
                );
            }
        }
    }
    Ok(resolved)
}
