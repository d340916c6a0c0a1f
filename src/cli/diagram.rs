//! `edasmith diagram`: draw the SRD, the load at the spike, the domain events,
//! lifecycles and sagas.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::ValueEnum;

use super::{Outcome, output};
use edasmith::analysis::{Analysis, Output};
use edasmith::diagram::{self, Format, View};
use edasmith::write::{File, OutputDir, write_atomic};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    input: super::SpecInput,
    /// Diagram syntax [default: mermaid; with --out-dir: both].
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// What to draw [default: srd; with --out-dir: every view, `load` only when a
    /// service declares a `peak`].
    #[arg(long, value_enum)]
    view: Option<ViewArg>,
    /// The aggregate (lifecycle view) or saga (saga view) to draw, by id [default: each one].
    #[arg(long, value_name = "ID")]
    name: Option<String>,
    /// Write to FILE instead of stdout.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        conflicts_with = "out_dir"
    )]
    output: Option<PathBuf>,
    /// Write every view (narrowed by --view/--name), in both formats (narrowed by
    /// --format), one file each, plus DIAGRAMS.md embedding the Mermaid diagrams.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum FormatArg {
    Mermaid,
    Dot,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum ViewArg {
    /// The service relation diagram.
    Srd,
    /// The SRD coloured by utilization at the spike (needs a `peak`).
    Load,
    /// Aggregates, their domain events and subscribers, commands and handlers.
    Events,
    /// Each aggregate's states and transitions.
    Lifecycle,
    /// Each saga with its compensation paths.
    Saga,
}

impl From<FormatArg> for Format {
    fn from(format: FormatArg) -> Self {
        match format {
            FormatArg::Mermaid => Format::Mermaid,
            FormatArg::Dot => Format::Dot,
        }
    }
}

impl From<ViewArg> for View {
    fn from(view: ViewArg) -> Self {
        match view {
            ViewArg::Srd => View::Srd,
            ViewArg::Load => View::Load,
            ViewArg::Events => View::Events,
            ViewArg::Lifecycle => View::Lifecycle,
            ViewArg::Saga => View::Saga,
        }
    }
}

/// Analyzes the specs; with no error findings, renders and writes the diagrams.
pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let analysis = args.input.analyze(false)?;
    if !super::may_write(
        &analysis,
        Output::Diagram,
        "the spec has errors: no diagram written",
    ) {
        return Ok(Outcome::Failed);
    }
    match &args.out_dir {
        Some(dir) => write_all(args, &analysis, dir),
        None => print_one_view(args, &analysis),
    }
}

fn print_one_view(args: &Args, analysis: &Analysis) -> anyhow::Result<Outcome> {
    let view = args.view.map_or(View::Srd, View::from);
    let format = args.format.map_or(Format::Mermaid, Format::from);
    let diagrams = diagram::render(analysis, view, format, args.name.as_deref())?;
    // One diagram a file or a stream: no renderer reads several concatenated.
    let [diagram] = &diagrams[..] else {
        if diagrams.is_empty() {
            anyhow::bail!(
                "nothing to draw: {}",
                match view {
                    View::Lifecycle =>
                        "no aggregate declares a lifecycle (`states` or `transitions`)",
                    _ => "the spec has no sagas",
                }
            );
        }
        let ids: Vec<&str> = (diagrams.iter())
            .filter_map(|diagram| Some(diagram.subject.as_ref()?.id.as_str()))
            .collect();
        anyhow::bail!(
            "`--view {}` draws {} diagrams: draw one with `--name ID` (one of: {}), or each into \
             a file of its own with `--out-dir DIR`",
            view.as_str(),
            diagrams.len(),
            ids.join(", ")
        );
    };
    let text = &diagram.text;
    match &args.output {
        Some(path) => write_atomic(path, text.as_bytes())?,
        None => output::stdout(text).context("cannot write the diagram")?,
    }
    Ok(Outcome::Clean)
}

fn write_all(args: &Args, analysis: &Analysis, dir: &PathBuf) -> anyhow::Result<Outcome> {
    let views: Vec<View> = match args.view {
        Some(view) => vec![view.into()],
        None => View::ALL.to_vec(),
    };
    if views == [View::Load] && !analysis.load.has_peak() {
        return Err(diagram::DiagramError::NoPeak.into());
    }
    let formats: Vec<Format> = match args.format {
        Some(format) => vec![format.into()],
        None => Format::ALL.to_vec(),
    };
    // A wrong `--name` fails here, before the folder is made.
    let selection = match args.name.as_deref() {
        None => diagram::Selection::views(&views),
        Some(name) => {
            let [view] = views[..] else {
                anyhow::bail!("`--name` needs `--view lifecycle` or `--view saga`");
            };
            diagram::Selection::named(analysis, view, name)?
        }
    };
    let out = OutputDir::create(dir)?;
    let files: Vec<File> = diagram::draw_all(analysis, &selection, &formats)
        .into_iter()
        .map(|file| File::new(file.name, file.text))
        .collect();
    out.sync(&files)?;
    output::stderr(&format!(
        "wrote {} diagrams and DIAGRAMS.md to {}\n",
        // The page is the last file.
        files.len() - 1,
        dir.display()
    ));
    Ok(Outcome::Clean)
}
