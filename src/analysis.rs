//! One analysis from start to end: load -> model -> derivations -> rules -> sagas.
//!
//! Every command that reads a spec runs this first; renderers take its result.

use std::path::PathBuf;

use crate::derive::{self, Derived};
use crate::diagnostic::{Finding, Summary};
use crate::load::{self, LoadTable};
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
    /// The load at the spike from the spec's peaks (empty when the spec did not parse).
    pub load: LoadTable,
    /// False when a file could not be parsed: the model is then empty.
    pub parsed: bool,
}

impl Analysis {
    pub fn summary(&self) -> Summary {
        Summary::of(&self.findings)
    }

    pub fn has_errors(&self) -> bool {
        self.summary().errors > 0
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
            parsed: false,
        };
    }
    let (model, mut findings) = model::build(files, &sources);
    let derived = derive::derive(&model);
    let load = load::analyze(&model);
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
        parsed: true,
    }
}

fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| (f.span.file, f.span.start);
        (key(a), a.rule, &a.message).cmp(&(key(b), b.rule, &b.message))
    });
}
