//! Every output edasmith can produce from one analysis, rendered in memory.
//!
//! For the fuzzer and the robustness tests: one call reaches every renderer the
//! commands use, without writing a file. The gating is the commands': reports are
//! always rendered; diagrams, AsyncAPI documents and generated code only when the
//! analysis does not block them ([`Analysis::blocks`]).

use std::path::Path;

use crate::analysis::{Analysis, Output};
use crate::codegen::{self, TemplateError, Templates};
use crate::diagram::{self, Format, View};
use crate::export::{self, ExportError, asyncapi};
use crate::report;
use crate::report::paths::RepositoryRoot;

/// A renderer that returned an error instead of text (on a spec without errors, a bug).
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error(transparent)]
    Template(#[from] TemplateError),
}

/// Every output as `(name, text)`: `report.*`, `diagram/<file>`, `asyncapi/<file>`,
/// `generate/<path>`, in a fixed order.
pub fn render_everything(analysis: &Analysis) -> Result<Vec<(String, String)>, OutputError> {
    render_everything_with(analysis, &Templates::embedded()?)
}

/// [`render_everything`] with the code generator's templates given (parsed once).
pub fn render_everything_with(
    analysis: &Analysis,
    templates: &Templates,
) -> Result<Vec<(String, String)>, OutputError> {
    // The current folder as the root (no walk up to a `.git`): the same paths wherever
    // the checkout is.
    let root = RepositoryRoot::at(Path::new("."));
    let mut out = vec![
        (
            "report.human".to_owned(),
            report::human::render_findings(analysis, false),
        ),
        (
            "report.human.color".to_owned(),
            report::human::render_findings(analysis, true),
        ),
        (
            "report.model".to_owned(),
            report::human::render_model(analysis),
        ),
        ("report.json".to_owned(), report::json::render(analysis)),
        (
            "report.sarif".to_owned(),
            report::sarif::render(analysis, &root),
        ),
        (
            "report.github".to_owned(),
            report::github::render(analysis, &root),
        ),
    ];
    if !analysis.blocks(Output::Diagram) {
        let everything = diagram::Selection::views(&View::ALL);
        for file in diagram::draw_all(analysis, &everything, &Format::ALL) {
            out.push((format!("diagram/{}", file.name), file.text));
        }
    }
    if !analysis.blocks(Output::Export) {
        let catalog = export::Catalog::new(&analysis.model, &analysis.derived);
        for document in catalog.documents(&asyncapi::Options::default()) {
            out.push((
                format!("asyncapi/{}", document.file_name),
                document.to_yaml()?,
            ));
        }
    }
    if !analysis.blocks(Output::Code) {
        for file in codegen::render(analysis, templates)? {
            out.push((format!("generate/{}", file.path), file.contents));
        }
    }
    Ok(out)
}
