//! Diagrams of a spec: the SRD, the load at the spike, the domain events, each
//! aggregate's lifecycle and each saga, in Mermaid and Graphviz DOT.
//!
//! Each view is one module that builds a neutral structure ([`graph::Graph`] or
//! [`graph::Sequence`]: nodes, edges, groups, labels as written); each syntax is one
//! writer ([`mermaid`], [`dot`]) that owns its escaping. Everything is a pure function
//! of the analysis: the same spec gives the same bytes.

mod dot;
mod events;
pub mod graph;
mod ids;
mod legend;
mod lifecycle;
mod load;
mod mermaid;
mod page;
mod saga;
mod srd;

use crate::analysis::Analysis;
use crate::names::did_you_mean;

pub use page::page;

/// A diagram view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum View {
    Srd,
    /// The SRD coloured by utilization at the spike (only for a spec with a `peak`).
    Load,
    Events,
    Lifecycle,
    Saga,
}

impl View {
    pub const ALL: [View; 5] = [
        View::Srd,
        View::Load,
        View::Events,
        View::Lifecycle,
        View::Saga,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            View::Srd => "srd",
            View::Load => "load",
            View::Events => "events",
            View::Lifecycle => "lifecycle",
            View::Saga => "saga",
        }
    }

    /// Whether the view draws one diagram per aggregate or saga (selected by `--name`).
    pub fn is_per_subject(self) -> bool {
        matches!(self, View::Lifecycle | View::Saga)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    Mermaid,
    Dot,
}

impl Format {
    pub const ALL: [Format; 2] = [Format::Mermaid, Format::Dot];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Mermaid => "mmd",
            Format::Dot => "dot",
        }
    }

    /// The line comment of the syntax.
    pub fn comment(self) -> &'static str {
        match self {
            Format::Mermaid => "%%",
            Format::Dot => "//",
        }
    }
}

/// What a per-aggregate or per-saga diagram is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    /// The id in the spec (`--name` takes it).
    pub id: String,
    /// Its `code:`, if declared (`--name` takes it too).
    pub code: Option<String>,
    /// The display name.
    pub label: String,
    /// The ASCII file stem (`code:` if declared, else the romanized id), unique per view.
    pub stem: String,
}

/// One rendered diagram.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagram {
    pub view: View,
    pub subject: Option<Subject>,
    pub format: Format,
    pub text: String,
}

impl Diagram {
    /// The file name: `srd.mmd`, `lifecycle-contract.dot`, `saga-place-order.mmd`.
    pub fn file_name(&self) -> String {
        match &self.subject {
            Some(subject) => format!(
                "{}-{}.{}",
                self.view.as_str(),
                subject.stem,
                self.format.extension()
            ),
            None => format!("{}.{}", self.view.as_str(), self.format.extension()),
        }
    }
}

/// Why a diagram cannot be drawn (a usage error: the spec itself is fine).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DiagramError {
    #[error(
        "the {view} view draws the whole system: `--name` selects an aggregate (lifecycle) or a saga (saga)"
    )]
    NameNotApplicable { view: &'static str },
    #[error("{}", unknown_message(.view, .name, .suggestion, .known))]
    UnknownName {
        view: &'static str,
        name: String,
        suggestion: Option<String>,
        known: Vec<String>,
    },
    #[error(
        "the load view needs a `peak`: declare the requests/s arriving at the spike on an entry point (e.g. `web: {{ kind: frontend, peak: 3000 }}`), or try one with `edasmith load SPEC --peak ID=RPS`"
    )]
    NoPeak,
}

fn unknown_message(
    view: &str,
    name: &str,
    suggestion: &Option<String>,
    known: &[String],
) -> String {
    let what = if view == "saga" {
        "saga"
    } else {
        "aggregate with a lifecycle"
    };
    let mut message = format!("no {what} `{name}`");
    match (suggestion, known.is_empty()) {
        (Some(best), _) => message.push_str(&format!(": did you mean `{best}`?")),
        (None, true) => message.push_str(&format!(" (the spec has no {what})")),
        (None, false) => message.push_str(&format!(" (known: {})", known.join(", "))),
    }
    message
}

/// The aggregates (with a lifecycle) or sagas a per-subject view draws, in spec order.
pub fn subjects(analysis: &Analysis, view: View) -> Vec<Subject> {
    let model = &analysis.model;
    let mut stems = ids::Stems::default();
    match view {
        View::Srd | View::Load | View::Events => Vec::new(),
        View::Lifecycle => analysis
            .derived
            .aggregates
            .iter()
            .filter_map(|aggregate| model.data(&aggregate.id))
            .filter(|data| data.has_lifecycle())
            .map(|data| Subject {
                id: data.id.value.to_string(),
                code: data.code.as_ref().map(|c| c.value.to_string()),
                label: data.label().to_owned(),
                stem: stems.stem(&data.id.value, data.code.as_ref().map(|c| c.as_str())),
            })
            .collect(),
        View::Saga => model
            .sagas
            .iter()
            .map(|saga| Subject {
                id: saga.id.value.to_string(),
                code: saga.code.as_ref().map(|c| c.value.to_string()),
                label: saga.label().to_owned(),
                stem: stems.stem(&saga.id.value, saga.code.as_ref().map(|c| c.as_str())),
            })
            .collect(),
    }
}

/// Renders one view: one diagram, or one per aggregate / saga (only `name`'s when given:
/// an id or a `code:`).
pub fn render(
    analysis: &Analysis,
    view: View,
    format: Format,
    name: Option<&str>,
) -> Result<Vec<Diagram>, DiagramError> {
    if view == View::Load && !analysis.load.has_peak() {
        return Err(DiagramError::NoPeak);
    }
    if !view.is_per_subject() {
        if name.is_some() {
            return Err(DiagramError::NameNotApplicable {
                view: view.as_str(),
            });
        }
        return Ok(vec![Diagram {
            view,
            subject: None,
            format,
            text: render_one(analysis, view, None, format),
        }]);
    }
    let mut subjects = subjects(analysis, view);
    if let Some(name) = name {
        subjects.retain(|subject| subject.id == name || subject.code.as_deref() == Some(name));
        if subjects.is_empty() {
            let known: Vec<String> = self::subjects(analysis, view)
                .into_iter()
                .map(|s| s.id)
                .collect();
            return Err(DiagramError::UnknownName {
                view: view.as_str(),
                name: name.to_owned(),
                suggestion: did_you_mean(name, known.iter().map(String::as_str)).map(str::to_owned),
                known,
            });
        }
    }
    Ok(subjects
        .into_iter()
        .map(|subject| Diagram {
            view,
            format,
            text: render_one(analysis, view, Some(&subject.id), format),
            subject: Some(subject),
        })
        .collect())
}

/// Every view in each of `formats`: what `--out-dir` writes (before the page). A view
/// that cannot be drawn is left out: the load view of a spec without a `peak`.
pub fn render_all(analysis: &Analysis, views: &[View], formats: &[Format]) -> Vec<Diagram> {
    let mut diagrams = Vec::new();
    for &view in views {
        for &format in formats {
            // Cannot fail: no name is given.
            diagrams.extend(render(analysis, view, format, None).unwrap_or_default());
        }
    }
    diagrams
}

/// The text of one diagram. `subject` is the aggregate or saga id of a per-subject view.
pub fn render_one(
    analysis: &Analysis,
    view: View,
    subject: Option<&str>,
    format: Format,
) -> String {
    let model = &analysis.model;
    let graph = match view {
        View::Srd => srd::build(model),
        View::Load => load::build(model, &analysis.load),
        View::Events => events::build(model, &analysis.derived),
        View::Lifecycle => match subject.and_then(|id| model.data(id)) {
            Some(data) => lifecycle::build(data),
            None => return String::new(),
        },
        View::Saga => {
            let Some(saga) = subject.and_then(|id| model.saga(id)) else {
                return String::new();
            };
            match format {
                Format::Mermaid => {
                    return mermaid::sequence(&saga::sequence(model, &analysis.derived, saga));
                }
                Format::Dot => saga::chain(model, saga),
            }
        }
    };
    match format {
        Format::Mermaid => mermaid::graph(&graph),
        Format::Dot => dot::graph(&graph),
    }
}

/// Several diagrams as one text, each after a separator line naming the file
/// `--out-dir` would write it to (`%% ---- lifecycle-contract.mmd ----`), followed by its
/// own title comment. Graphviz reads several graphs from one file; Mermaid takes one
/// diagram at a time, so split at the separators.
pub fn concatenate(diagrams: &[Diagram]) -> String {
    if let [diagram] = diagrams {
        return diagram.text.clone();
    }
    let mut out = String::new();
    for (index, diagram) in diagrams.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        out.push_str(&format!(
            "{} {SEPARATOR} {} {SEPARATOR}\n",
            diagram.format.comment(),
            diagram.file_name()
        ));
        out.push_str(&diagram.text);
    }
    out
}

/// Marks the line before each diagram when several are printed together.
pub const SEPARATOR: &str = "----";
