//! GitHub Actions workflow commands (`analyze --format github`): one `::error` /
//! `::warning` / `::notice` line per finding, so the job annotates the diff.
//!
//! A file in the repository is named relative to its root, as SARIF names it: the runner
//! resolves `file` against the checkout, not against the folder the command ran in. A
//! file outside the repository gets no `file`, `line` or `col`: GitHub can annotate
//! only files of the repository, and an absolute `file` would be shown as if it were one
//! (a link to nothing). Its annotation is then one of the job's, with the absolute path
//! and position leading the message so that the reader still learns where it is.

use std::fmt::Write;

use super::paths::{ReportPath, ReportPaths, RepositoryRoot};
use crate::analysis::Analysis;
use crate::diagnostic::Severity;

pub fn render(analysis: &Analysis, root: &RepositoryRoot) -> String {
    let mut paths = ReportPaths::new(root, &analysis.sources);
    let mut out = String::new();
    for finding in &analysis.findings {
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let at = analysis.sources.locate(finding.span);
        let path = paths.of(finding.span.file);
        let mut message = String::new();
        let _ = write!(out, "::{command} ");
        match path {
            ReportPath::InRepository(_) => {
                let _ = write!(
                    out,
                    "file={},line={},col={},",
                    escape_property(&path.text()),
                    at.line,
                    at.column
                );
            }
            ReportPath::Outside(_) => {
                let _ = write!(message, "{}:{}:{}: ", path.text(), at.line, at.column);
            }
        }
        message.push_str(&finding.message);
        if let Some(help) = &finding.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let _ = writeln!(
            out,
            "title={}::{}",
            escape_property(finding.rule),
            escape_data(&message),
        );
    }
    out
}

/// GitHub's escaping of a command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// GitHub's escaping of a command's property value (also `:` and `,`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_would_end_a_command() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
