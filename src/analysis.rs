//! One analysis from start to end: load -> model -> derivations -> rules -> sagas.
//!
//! Every command that reads a spec runs this first; renderers take its result, and ask
//! it whether its findings stop their output ([`Analysis::blocks`]).

use std::path::PathBuf;

use crate::derive::{self, Derived};
use crate::diagnostic::{Finding, Severity, Summary};
use crate::load::{self, LoadTable, UnknownPeakService};
use crate::model::{self, Model};
use crate::rules::{self, Context};
use crate::saga::{self, CompensationPath};
use crate::source::SourceMap;
use crate::spec::{self, Limits, LoadError, LoadedSpec};

/// What to analyze, and how.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub limits: Limits,
    /// Treat warnings as errors (`--deny warnings`).
    pub deny_warnings: bool,
    /// Peaks to try instead of the spec's (`load --peak`): a service id or display name,
    /// and requests per second. The load table and the load rules use them.
    pub peaks: Vec<(String, f64)>,
}

/// The result of one analysis.
#[derive(Debug)]
pub struct Analysis {
    /// The spec files, with their text: where findings are.
    pub sources: SourceMap,
    pub model: Model,
    pub derived: Derived,
    /// Compensation paths per saga, in the order of `model.sagas`.
    pub compensation_paths: Vec<Vec<CompensationPath>>,
    /// Sorted by file, then position.
    pub findings: Vec<Finding>,
    /// The load at the spike, from the spec's peaks and [`Options::peaks`] (empty when the
    /// spec did not parse).
    pub load: LoadTable,
    /// A peak of [`Options::peaks`] naming no service (the load is then the spec's own).
    pub unknown_peak: Option<UnknownPeakService>,
    /// False when a file could not be parsed: the model is then empty.
    pub parsed: bool,
}

/// What a command makes of an analysis; each is refused for a different set of findings
/// ([`Analysis::blocks`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// The load table (`load`).
    Load,
    /// Diagrams (`diagram`).
    Diagram,
    /// AsyncAPI documents (`export`).
    Export,
    /// The generated workspace (`generate`).
    Code,
}

impl Analysis {
    pub fn summary(&self) -> Summary {
        Summary::of(&self.findings)
    }

    pub fn has_errors(&self) -> bool {
        self.summary().errors > 0
    }

    /// The findings that stop `output`: every error, as an output of a broken spec would
    /// present its mistakes as the design. The load rules' errors stop neither the load
    /// table nor the diagrams: an overloaded service is what the table and the load view
    /// exist to show (`analyze` and `load` still fail on it).
    pub fn blocking(&self, output: Output) -> impl Iterator<Item = &Finding> {
        let shows_load = matches!(output, Output::Load | Output::Diagram);
        self.findings.iter().filter(move |finding| {
            finding.severity == Severity::Error
                && !(shows_load && rules::load::is_load_rule(finding.rule))
        })
    }

    /// Whether anything stops `output`: a blocking finding, or a spec that did not parse.
    pub fn blocks(&self, output: Output) -> bool {
        !self.parsed || self.blocking(output).next().is_some()
    }
}

/// Loads the spec files and analyzes them. I/O failures (a missing file) are errors;
/// everything wrong inside a spec is a finding.
pub fn analyze_paths(paths: &[PathBuf], options: &Options) -> Result<Analysis, LoadError> {
    Ok(analyze(spec::load(paths, &options.limits)?, options))
}

/// Analyzes one spec given as text (tests, fuzzing, editors).
pub fn analyze_str(path: &str, text: &str, options: &Options) -> Analysis {
    analyze(spec::load_str(path, text, &options.limits), options)
}

/// Analyzes loaded spec files.
pub fn analyze(loaded: LoadedSpec, options: &Options) -> Analysis {
    let LoadedSpec {
        sources,
        files,
        findings: mut load_findings,
    } = loaded;
    if !load_findings.is_empty() {
        // A file that does not parse would make every reference into it look unknown:
        // report what stopped the parse, and nothing built on a partial model.
        sort(&mut load_findings);
        let (model, _) = model::build(Vec::new(), &sources);
        return Analysis {
            sources,
            model,
            derived: Derived::default(),
            compensation_paths: Vec::new(),
            findings: load_findings,
            load: LoadTable::default(),
            unknown_peak: None,
            parsed: false,
        };
    }
    let (model, mut findings) = model::build(files, &sources);
    let derived = derive::derive(&model);
    let (peaks, unknown_peak) = match load::resolve_peaks(&model, &options.peaks) {
        Ok(peaks) => (peaks, None),
        Err(unknown) => (Vec::new(), Some(unknown)),
    };
    let load = load::analyze_with(&model, &peaks);
    let (levels, level_findings) = rules::config::read(&model.rule_levels);
    findings.extend(level_findings);
    findings.extend(rules::check_all(&Context {
        model: &model,
        derived: &derived,
        load: &load,
    }));
    let mut findings = rules::config::apply(findings, &levels, options.deny_warnings);
    sort(&mut findings);
    let compensation_paths = model.sagas.iter().map(saga::compensation_paths).collect();
    Analysis {
        sources,
        model,
        derived,
        compensation_paths,
        findings,
        load,
        unknown_peak,
        parsed: true,
    }
}

fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| (f.span.file, f.span.start);
        (key(a), a.rule, &a.message).cmp(&(key(b), b.rule, &b.message))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `catalog` holds 100 req/s; `web` sends it 150 at its peak, and `ghost` is unknown
    /// unless `broken`.
    fn spec(broken: bool) -> String {
        let to = if broken { "ghost" } else { "catalog" };
        format!(
            "services:\n  web: {{ kind: frontend, peak: 150 }}\n  catalog: {{ capacity: 100 }}\n\
             relations:\n  - {{ from: web, to: {to}, type: sync }}\n"
        )
    }

    fn rules(analysis: &Analysis) -> Vec<&str> {
        analysis.findings.iter().map(|f| f.rule).collect()
    }

    #[test]
    fn a_service_over_its_capacity_blocks_what_is_written_not_what_shows_load() {
        let analysis = analyze_str("spec.yaml", &spec(false), &Options::default());
        assert_eq!(rules(&analysis), ["capacity-exceeded"]);
        assert!(analysis.has_errors());
        assert!(!analysis.blocks(Output::Load));
        assert!(!analysis.blocks(Output::Diagram));
        assert!(analysis.blocks(Output::Export));
        assert!(analysis.blocks(Output::Code));
        let blocking: Vec<&str> = analysis.blocking(Output::Code).map(|f| f.rule).collect();
        assert_eq!(blocking, ["capacity-exceeded"]);
    }

    #[test]
    fn any_other_error_blocks_every_output() {
        let analysis = analyze_str("spec.yaml", &spec(true), &Options::default());
        assert!(rules(&analysis).contains(&"unknown-reference"));
        for output in [Output::Load, Output::Diagram, Output::Export, Output::Code] {
            assert!(analysis.blocks(output), "{output:?}");
        }
        let unparsed = analyze_str("spec.yaml", "services: [", &Options::default());
        assert!(!unparsed.parsed);
        assert!(unparsed.blocks(Output::Load));
    }

    #[test]
    fn peaks_to_try_run_the_load_rules_on_their_scenario() {
        let options = |service: &str, rps: f64| Options {
            peaks: vec![(service.to_owned(), rps)],
            ..Options::default()
        };
        let calm = analyze_str("spec.yaml", &spec(false), &options("web", 50.0));
        assert_eq!(
            calm.load.get("catalog").and_then(|row| row.load),
            Some(50.0)
        );
        assert!(rules(&calm).is_empty(), "{:?}", calm.findings);
        assert!(calm.unknown_peak.is_none());
        let unknown = analyze_str("spec.yaml", &spec(false), &options("wbe", 50.0));
        let error = unknown
            .unknown_peak
            .as_ref()
            .expect("`wbe` names no service");
        assert_eq!(
            error.to_string(),
            "--peak wbe=50: no service `wbe`; did you mean `web`?"
        );
        // The spec's own peak then stands.
        assert_eq!(rules(&unknown), ["capacity-exceeded"]);
    }
}
