//! The JSON report (`analyze --format json`), in the shape the format page fixes.

use std::io;

use serde::Serialize;

use crate::analysis::Analysis;
use crate::derive::{Aggregate, Command, Event, Message, SyncCall};
use crate::diagnostic::{Finding, Severity, Summary};
use crate::load::{self, LoadRow};
use crate::model::{OnFailure, SagaStyle};
use crate::saga::CompensationPath;
use crate::source::SourceMap;

#[derive(Serialize)]
pub struct Report<'a> {
    pub system: String,
    pub aggregates: &'a [Aggregate],
    pub events: &'a [Event],
    pub commands: &'a [Command],
    pub messages: &'a [Message],
    pub sync_calls: Vec<SyncCall>,
    pub sagas: Vec<SagaReport<'a>>,
    pub findings: Vec<FindingReport<'a>>,
    /// Present when any service declares a `peak`: every service, in spec order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load: Option<Vec<LoadRow>>,
    pub summary: Summary,
}

#[derive(Serialize)]
pub struct SagaReport<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub style: SagaStyle,
    pub orchestrator: Option<&'a str>,
    pub steps: Vec<StepReport<'a>>,
    pub compensation_paths: &'a [CompensationPath],
}

#[derive(Serialize)]
pub struct StepReport<'a> {
    pub step: usize,
    pub service: &'a str,
    pub action: &'a str,
    pub compensation: Option<&'a str>,
    pub pivot: bool,
    pub on_failure: OnFailure,
    pub read_only: bool,
}

#[derive(Serialize)]
pub struct FindingReport<'a> {
    pub rule: &'a str,
    pub severity: Severity,
    pub message: &'a str,
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub help: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedReport<'a>>,
}

#[derive(Serialize)]
pub struct RelatedReport<'a> {
    pub message: &'a str,
    pub file: String,
    pub line: u32,
    pub column: u32,
}

/// Builds the report's data; [`render`] prints it.
pub fn report(analysis: &Analysis) -> Report<'_> {
    let model = &analysis.model;
    let sagas = model
        .sagas
        .iter()
        .zip(&analysis.compensation_paths)
        .map(|(saga, paths)| SagaReport {
            id: &saga.id.value,
            name: saga.label(),
            style: saga.style,
            orchestrator: saga.orchestrator.as_ref().map(|o| o.as_str()),
            steps: saga
                .steps
                .iter()
                .map(|step| StepReport {
                    step: step.number,
                    service: step.service.as_str(),
                    action: step.action.as_str(),
                    compensation: step.compensation.as_ref().map(|c| c.as_str()),
                    pivot: step.pivot,
                    on_failure: step.on_failure,
                    read_only: step.read_only,
                })
                .collect(),
            compensation_paths: paths,
        })
        .collect();
    Report {
        system: model.system_name(),
        aggregates: &analysis.derived.aggregates,
        events: &analysis.derived.events,
        commands: &analysis.derived.commands,
        messages: &analysis.derived.messages,
        sync_calls: crate::derive::sync_calls(model),
        sagas,
        findings: analysis
            .findings
            .iter()
            .map(|f| finding_report(f, &analysis.sources))
            .collect(),
        load: model
            .services
            .iter()
            .any(|service| service.peak.is_some())
            .then(|| load::json_rows(model, &analysis.load)),
        summary: analysis.summary(),
    }
}

pub fn finding_report<'a>(finding: &'a Finding, sources: &SourceMap) -> FindingReport<'a> {
    let at = sources.locate(finding.span);
    FindingReport {
        rule: finding.rule,
        severity: finding.severity,
        message: &finding.message,
        file: at.file.display_path(),
        line: at.line,
        column: at.column,
        help: finding.help.as_deref(),
        related: finding
            .related
            .iter()
            .map(|related| {
                let at = sources.locate(related.span);
                RelatedReport {
                    message: &related.message,
                    file: at.file.display_path(),
                    line: at.line,
                    column: at.column,
                }
            })
            .collect(),
    }
}

/// The report as pretty-printed JSON with a final newline.
pub fn render(analysis: &Analysis) -> String {
    let mut out = Vec::new();
    write(analysis, &mut out).expect("writing into memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes [`render`]'s text to `out` as it is serialized.
pub fn write(analysis: &Analysis, mut out: impl io::Write) -> io::Result<()> {
    match serde_json::to_writer_pretty(&mut out, &report(analysis)) {
        Ok(()) => {}
        Err(error) if error.is_io() => return Err(error.into()),
        // Serializing plain strings and numbers cannot fail; say so loudly if it ever does.
        Err(error) => write!(
            out,
            "{{\"error\": \"cannot serialize the report: {error}\"}}"
        )?,
    }
    out.write_all(b"\n")
}
