//! Diagnostics: the one finding type every check produces, whatever renders it later,
//! and what a rule is ([`RuleMeta`], [`declare_rule!`](crate::declare_rule)).
//!
//! The bottom of the crate above [`crate::source`]: the loader, the model builder and
//! the rules all report through it.

use serde::Serialize;

use crate::source::Span;

/// How bad a finding is. The order matters: `Error` is the most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One diagnostic: which rule, how severe, what is wrong, where, and how to fix it.
///
/// A finding carries a span, never a pre-formatted location: rendering happens once,
/// in a report format.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub help: Option<String>,
    /// Other places the finding involves (the first definition of a duplicate id, …).
    pub related: Vec<Related>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

impl Finding {
    pub fn new(
        rule: &'static str,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            severity,
            message: message.into(),
            span,
            help: None,
            related: Vec::new(),
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_optional_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            message: message.into(),
        });
        self
    }
}

/// Counts by severity, as the summary line and the JSON report give them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Self {
        let mut summary = Summary::default();
        for finding in findings {
            match finding.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        summary
    }
}

/// What a rule is: its name, how severe by default, and its documentation.
#[derive(Debug)]
pub struct RuleMeta {
    pub name: &'static str,
    pub severity: Severity,
    /// Markdown: first line a one-sentence summary, then What it does / Why is this bad? /
    /// Example / Use instead.
    pub explain: &'static str,
}

impl RuleMeta {
    /// A finding of this rule at its default severity.
    pub fn finding(&'static self, span: Span, message: impl Into<String>) -> Finding {
        Finding::new(self.name, self.severity, span, message)
    }

    /// The documentation as Markdown: the doc comment without the space rustdoc keeps
    /// after each `///`.
    pub fn documentation(&self) -> String {
        let mut text = String::with_capacity(self.explain.len());
        for line in self.explain.trim_end().lines() {
            text.push_str(line.strip_prefix(' ').unwrap_or(line));
            text.push('\n');
        }
        text
    }

    /// The first line of the documentation.
    pub fn summary(&self) -> &'static str {
        self.explain
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty())
            .unwrap_or("")
    }
}

/// Declares a rule's metadata; its doc comment becomes its `explain` text.
///
/// ```ignore
/// declare_rule! {
///     /// One-sentence summary.
///     ///
///     /// ## What it does
///     /// …
///     pub static META = ("rule-name", Error);
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* $vis:vis static $ident:ident = ($name:literal, $severity:ident);) => {
        $(#[doc = $doc])*
        $vis static $ident: $crate::diagnostic::RuleMeta = $crate::diagnostic::RuleMeta {
            name: $name,
            severity: $crate::diagnostic::Severity::$severity,
            explain: concat!($($doc, "\n"),*),
        };
    };
}
