//! GitHub Actions workflow commands (`analyze --format github`): one `::error` /
//! `::warning` / `::notice` line per finding, so the job annotates the diff.

use std::fmt::Write;

use crate::analysis::Analysis;
use crate::diagnostic::Severity;

pub fn render(analysis: &Analysis) -> String {
    let mut out = String::new();
    for finding in &analysis.findings {
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = finding.message.clone();
        if let Some(help) = &finding.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let at = analysis.sources.locate(finding.span);
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},title={}::{}",
            escape_property(&at.file.display_path()),
            at.line,
            at.column,
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
