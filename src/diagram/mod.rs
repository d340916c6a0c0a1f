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

use std::cell::OnceCell;

use crate::analysis::Analysis;
use crate::names::did_you_mean;

use page::Page;

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
        file_name(self.view, self.subject.as_ref(), self.format)
    }
}

/// The file a diagram is written to: known before it is rendered, so `DIAGRAMS.md` can
/// link a DOT file drawn after the Mermaid text it embeds.
fn file_name(view: View, subject: Option<&Subject>, format: Format) -> String {
    match subject {
        Some(subject) => format!("{}-{}.{}", view.as_str(), subject.stem, format.extension()),
        None => format!("{}.{}", view.as_str(), format.extension()),
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

/// What a view draws: `[None]` for a whole-system view, else each aggregate or saga
/// (only `name`'s when given: an id or a `code:`). Fails on a usage error.
fn select(
    analysis: &Analysis,
    view: View,
    name: Option<&str>,
) -> Result<Vec<Option<Subject>>, DiagramError> {
    if view == View::Load && !analysis.load.has_peak() {
        return Err(DiagramError::NoPeak);
    }
    if !view.is_per_subject() {
        if name.is_some() {
            return Err(DiagramError::NameNotApplicable {
                view: view.as_str(),
            });
        }
        return Ok(vec![None]);
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
    Ok(subjects.into_iter().map(Some).collect())
}

/// Renders one view: one diagram, or one per aggregate / saga (only `name`'s when given:
/// an id or a `code:`).
pub fn render(
    analysis: &Analysis,
    view: View,
    format: Format,
    name: Option<&str>,
) -> Result<Vec<Diagram>, DiagramError> {
    let renderer = Renderer::new(analysis);
    Ok(select(analysis, view, name)?
        .into_iter()
        .map(|subject| Diagram {
            view,
            format,
            text: renderer.text(view, subject.as_ref().map(|s| s.id.as_str()), format),
            subject,
        })
        .collect())
}

/// What `--out-dir` draws: views, narrowed to one aggregate or saga by `name`. Checked
/// when made, so a wrong name fails before anything is drawn or written.
#[derive(Debug, Clone)]
pub struct Selection<'a> {
    views: Vec<View>,
    name: Option<&'a str>,
}

impl<'a> Selection<'a> {
    /// Every diagram of `views`.
    pub fn views(views: &[View]) -> Self {
        Selection {
            views: views.to_vec(),
            name: None,
        }
    }

    /// The diagram of one aggregate (lifecycle view) or saga (saga view), by id or
    /// `code:`: an error when `view` has no such subject.
    pub fn named(analysis: &Analysis, view: View, name: &'a str) -> Result<Self, DiagramError> {
        select(analysis, view, Some(name))?;
        Ok(Selection {
            views: vec![view],
            name: Some(name),
        })
    }

    /// Each view drawn, with what it draws (see [`select`]); the load view of a spec
    /// without a `peak` is left out.
    fn drawn(&self, analysis: &Analysis) -> impl Iterator<Item = (View, Vec<Option<Subject>>)> {
        self.views.iter().filter_map(move |&view| {
            // Cannot fail but for a load view without a `peak`: the selection was checked.
            select(analysis, view, self.name)
                .ok()
                .map(|subjects| (view, subjects))
        })
    }

    /// Whether the load view is drawn: asked for, and the spec has a `peak`.
    fn draws_load(&self, analysis: &Analysis) -> bool {
        self.views.contains(&View::Load) && analysis.load.has_peak()
    }
}

/// The page `--out-dir` writes beside the diagrams, embedding the Mermaid ones.
pub const PAGE: &str = "DIAGRAMS.md";

/// A file `--out-dir` writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub name: String,
    pub text: String,
}

/// Draws what `selection` selects in each of `formats`, then [`PAGE`]: the files, the
/// page last. A view that cannot be drawn is left out: the load view of a spec without
/// a `peak`.
pub fn draw_all(analysis: &Analysis, selection: &Selection, formats: &[Format]) -> Vec<File> {
    let renderer = Renderer::new(analysis);
    let mut page = Page::new(analysis, selection.draws_load(analysis));
    let mut files = Vec::new();
    for (view, subjects) in selection.drawn(analysis) {
        for subject in &subjects {
            page.section(view, subject.as_ref(), formats);
            for (format, text) in renderer.each_format(view, subject.as_ref(), formats) {
                if format == Format::Mermaid {
                    page.mermaid(&text);
                }
                files.push(File {
                    name: file_name(view, subject.as_ref(), format),
                    text,
                });
            }
        }
    }
    files.push(File {
        name: PAGE.to_owned(),
        text: page.finish(&selection.views),
    });
    files
}

/// Renders the diagrams of one analysis. What the diagrams of many subjects look up is
/// indexed once here, not once per diagram.
struct Renderer<'a> {
    analysis: &'a Analysis,
    /// For saga sequence diagrams; built with the first one.
    sagas: OnceCell<saga::Lookup<'a>>,
}

impl<'a> Renderer<'a> {
    fn new(analysis: &'a Analysis) -> Self {
        Renderer {
            analysis,
            sagas: OnceCell::new(),
        }
    }

    /// One diagram (a view, or one subject of it) in each of `formats`. The graph is
    /// built once for every format; the saga view draws a different structure per
    /// format (a sequence, a chain).
    fn each_format(
        &self,
        view: View,
        subject: Option<&Subject>,
        formats: &[Format],
    ) -> Vec<(Format, String)> {
        let id = subject.map(|s| s.id.as_str());
        if view == View::Saga {
            return (formats.iter())
                .map(|&format| (format, self.text(view, id, format)))
                .collect();
        }
        let graph = self.graph(view, id);
        (formats.iter())
            .map(|&format| {
                let text = graph
                    .as_ref()
                    .map_or_else(String::new, |graph| write_graph(graph, format));
                (format, text)
            })
            .collect()
    }

    /// The text of one diagram. `subject` is the aggregate or saga id of a per-subject
    /// view.
    fn text(&self, view: View, subject: Option<&str>, format: Format) -> String {
        if view == View::Saga && format == Format::Mermaid {
            let analysis = self.analysis;
            let Some(saga) = subject.and_then(|id| analysis.model.saga(id)) else {
                return String::new();
            };
            let lookup = self
                .sagas
                .get_or_init(|| saga::Lookup::new(&analysis.model, &analysis.derived));
            return mermaid::sequence(&saga::sequence(lookup, saga));
        }
        self.graph(view, subject)
            .map_or_else(String::new, |graph| write_graph(&graph, format))
    }

    /// The graph of a view (for the saga view, its DOT chain); `None` for an unknown
    /// subject.
    fn graph(&self, view: View, subject: Option<&str>) -> Option<graph::Graph> {
        let analysis = self.analysis;
        let model = &analysis.model;
        match view {
            View::Srd => Some(srd::build(model)),
            View::Load => Some(load::build(model, &analysis.load)),
            View::Events => Some(events::build(model, &analysis.derived)),
            View::Lifecycle => subject.and_then(|id| model.data(id)).map(lifecycle::build),
            View::Saga => subject
                .and_then(|id| model.saga(id))
                .map(|saga| saga::chain(model, saga)),
        }
    }
}

/// A graph's text in `format`.
fn write_graph(graph: &graph::Graph, format: Format) -> String {
    let mut text = String::new();
    match format {
        Format::Mermaid => mermaid::write_graph(&mut text, graph),
        Format::Dot => dot::write_graph(&mut text, graph),
    }
    text
}
