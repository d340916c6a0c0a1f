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
use std::{fmt, io};

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
    /// without a `peak` is left out. Computed per call: the files and the page each walk
    /// it once, and the subjects are small beside the diagrams.
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

/// Where [`draw_all`] puts the files it draws, one at a time, in a fixed order.
pub trait Sink {
    type Error;

    /// A diagram drawn in memory: one aggregate's or saga's, small whatever the system.
    fn file(&mut self, name: &str, text: String) -> Result<(), Self::Error>;

    /// A file that grows with the whole system (the SRD, load and events diagrams,
    /// [`PAGE`]), which `draw` writes piece by piece so that it need not be held whole
    /// (at 5,000 services the page is 13.7 MB, `events.dot` 7.6 MB). By default it is
    /// drawn into memory and handed to [`Sink::file`].
    fn stream(
        &mut self,
        name: &str,
        draw: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> Result<(), Self::Error> {
        let mut bytes = Vec::new();
        // Writing into a `Vec` cannot fail.
        let _ = draw(&mut bytes);
        let text = String::from_utf8(bytes)
            .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
        self.file(name, text)
    }
}

/// Draws what `selection` selects in each of `formats`, then [`PAGE`], each file handed
/// to `sink` before the next is drawn; returns how many diagrams were drawn (the page
/// aside). A view that cannot be drawn is left out: the load view of a spec without a
/// `peak`.
///
/// Memory holds one graph at a time: a per-subject diagram is drawn into a text of its
/// own (it is small), a whole-system one straight into its file (see [`Sink::stream`]),
/// and the page last, each Mermaid diagram drawn again straight into it (see
/// [`page`]).
pub fn draw_all<S: Sink>(
    analysis: &Analysis,
    selection: &Selection,
    formats: &[Format],
    sink: &mut S,
) -> Result<usize, S::Error> {
    let mut renderer = Renderer::new(analysis);
    let mut drawn = 0;
    for (view, subjects) in selection.drawn(analysis) {
        for subject in &subjects {
            renderer.each_format(view, subject.as_ref(), formats, sink)?;
            drawn += formats.len();
        }
    }
    // The page draws the whole-system views again before it reaches the sagas (in the
    // default order of views): the saga lookup (0.7 MB at 2,000 services) is dropped
    // here and made again for the page's sagas, so that it is not held beside those
    // graphs.
    renderer.sagas = OnceCell::new();
    sink.stream(PAGE, &mut |out| {
        through_io(out, |out| page(&renderer, selection, formats, out))
    })?;
    Ok(drawn)
}

/// `DIAGRAMS.md`, into `out`: each diagram's section, and its Mermaid text drawn again,
/// straight into the page. Drawing twice costs time (the Mermaid half of the files'
/// drawing), but no diagram text is then held beside the page, and each graph is
/// dropped once written into it.
fn page(renderer: &Renderer, selection: &Selection, formats: &[Format], out: &mut dyn fmt::Write) {
    let analysis = renderer.analysis;
    let mut page = Page::new(out, analysis, selection.draws_load(analysis));
    for (view, subjects) in selection.drawn(analysis) {
        for subject in &subjects {
            page.section(view, subject.as_ref(), formats);
            if formats.contains(&Format::Mermaid) {
                let id = subject.as_ref().map(|s| s.id.as_str());
                page.mermaid(|out| renderer.mermaid_into(out, view, id));
            }
        }
    }
    page.finish(&selection.views);
}

/// Runs `draw`, a writer of text, over the bytes writer `out`; the first error of `out`
/// is returned (the writers ignore their `fmt::Result`: drawing into a `String` cannot
/// fail, and once `out` failed every later write fails at once).
fn through_io(out: &mut dyn io::Write, draw: impl FnOnce(&mut dyn fmt::Write)) -> io::Result<()> {
    let mut text = IoText { out, error: None };
    draw(&mut text);
    text.error.map_or(Ok(()), Err)
}

/// A [`fmt::Write`] that passes text on to an [`io::Write`], keeping its first error.
struct IoText<'a> {
    out: &'a mut dyn io::Write,
    error: Option<io::Error>,
}

impl fmt::Write for IoText<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        if self.error.is_some() {
            return Err(fmt::Error);
        }
        self.out.write_all(text.as_bytes()).map_err(|error| {
            self.error = Some(error);
            fmt::Error
        })
    }
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

    /// One diagram (a view, or one subject of it) in each of `formats`, each handed to
    /// `sink` before the next is drawn: a whole-system view's streamed, a subject's as a
    /// text. The graph is built once for every format; the saga view draws a different
    /// structure per format (a sequence, a chain).
    fn each_format<S: Sink>(
        &self,
        view: View,
        subject: Option<&Subject>,
        formats: &[Format],
        sink: &mut S,
    ) -> Result<(), S::Error> {
        let id = subject.map(|s| s.id.as_str());
        if view == View::Saga {
            for &format in formats {
                sink.file(
                    &file_name(view, subject, format),
                    self.text(view, id, format),
                )?;
            }
            return Ok(());
        }
        let graph = self.graph(view, id);
        for &format in formats {
            let name = file_name(view, subject, format);
            match &graph {
                Some(graph) if !view.is_per_subject() => sink.stream(&name, &mut |out| {
                    through_io(out, |out| write_graph_into(out, graph, format))
                })?,
                Some(graph) => sink.file(&name, write_graph(graph, format))?,
                None => sink.file(&name, String::new())?,
            }
        }
        Ok(())
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

    /// Writes the Mermaid text of one diagram into `out` (nothing for an unknown
    /// subject), the bytes [`Renderer::text`] returns, without a text of its own.
    fn mermaid_into(&self, out: &mut dyn fmt::Write, view: View, subject: Option<&str>) {
        if view == View::Saga {
            let analysis = self.analysis;
            if let Some(saga) = subject.and_then(|id| analysis.model.saga(id)) {
                let lookup = self
                    .sagas
                    .get_or_init(|| saga::Lookup::new(&analysis.model, &analysis.derived));
                mermaid::write_sequence(out, &saga::sequence(lookup, saga));
            }
            return;
        }
        if let Some(graph) = self.graph(view, subject) {
            mermaid::write_graph(out, &graph);
        }
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

fn write_graph(graph: &graph::Graph, format: Format) -> String {
    let mut text = String::new();
    write_graph_into(&mut text, graph, format);
    text
}

/// Writes a graph's text into `out`, in `format`.
fn write_graph_into(out: &mut dyn fmt::Write, graph: &graph::Graph, format: Format) {
    match format {
        Format::Mermaid => mermaid::write_graph(out, graph),
        Format::Dot => dot::write_graph(out, graph),
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
