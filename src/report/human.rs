//! The human report: the derived model on stdout, findings with source snippets on
//! stderr, in the style of rustc and ruff.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};
use smol_str::SmolStr;
use unicode_width::UnicodeWidthStr;

use crate::analysis::Analysis;
use crate::diagnostic::{Finding, Severity, Summary};
use crate::source::{Location, SourceMap, Span};

/// Styles used in the human output; all plain when colour is off.
#[derive(Clone, Copy)]
struct Palette {
    error: Style,
    warning: Style,
    info: Style,
    emphasis: Style,
    gutter: Style,
    help: Style,
}

impl Palette {
    fn new(color: bool) -> Self {
        if !color {
            let plain = Style::new();
            return Palette {
                error: plain,
                warning: plain,
                info: plain,
                emphasis: plain,
                gutter: plain,
                help: plain,
            };
        }
        Palette {
            error: AnsiColor::Red.on_default().bold(),
            warning: AnsiColor::Yellow.on_default().bold(),
            info: AnsiColor::Cyan.on_default().bold(),
            emphasis: Style::new().bold(),
            gutter: AnsiColor::Blue.on_default().bold(),
            help: AnsiColor::Green.on_default().bold(),
        }
    }

    fn severity(&self, severity: Severity) -> Style {
        match severity {
            Severity::Error => self.error,
            Severity::Warning => self.warning,
            Severity::Info => self.info,
        }
    }
}

/// Every finding with its snippet, then the summary line.
pub fn render_findings(analysis: &Analysis, color: bool) -> String {
    let palette = Palette::new(color);
    let mut out = String::new();
    for finding in &analysis.findings {
        render_finding(&mut out, finding, &analysis.sources, palette);
    }
    render_summary(
        &mut out,
        analysis.summary(),
        analysis.sources.files().len(),
        palette,
    );
    out
}

fn render_finding(out: &mut String, finding: &Finding, sources: &SourceMap, palette: Palette) {
    let style = palette.severity(finding.severity);
    let _ = writeln!(
        out,
        "{style}{}[{}]{style:#}{emphasis}: {}{emphasis:#}",
        finding.severity.as_str(),
        finding.rule,
        finding.message,
        emphasis = palette.emphasis,
    );
    render_snippet(out, finding.span, sources, style, palette);
    for related in &finding.related {
        let _ = writeln!(
            out,
            "  {}= note{:#}: {}",
            palette.gutter, palette.gutter, related.message
        );
        render_snippet(out, related.span, sources, palette.info, palette);
    }
    if let Some(help) = &finding.help {
        let _ = writeln!(out, "  {}= help{:#}: {help}", palette.help, palette.help);
    }
    out.push('\n');
}

/// `--> file:line:col`, the source line, and a caret under the node.
fn render_snippet(
    out: &mut String,
    span: Span,
    sources: &SourceMap,
    style: Style,
    palette: Palette,
) {
    let location = sources.locate(span);
    let gutter = palette.gutter;
    let _ = writeln!(
        out,
        "  {gutter}-->{gutter:#} {}:{}:{}",
        location.file.display_path(),
        location.line,
        location.column
    );
    let Some(line) = location.file.line(location.line) else {
        return;
    };
    let number = location.line.to_string();
    let pad = " ".repeat(number.len());
    let window = SnippetWindow::around(line, location);
    let indent = " ".repeat(display_width(&window.before));
    let carets = "^".repeat(display_width(&window.node).max(1));
    let _ = writeln!(out, "{pad} {gutter}|{gutter:#}");
    let _ = writeln!(
        out,
        "{gutter}{number} |{gutter:#} {}{}{}",
        window.before, window.node, window.after
    );
    let _ = writeln!(
        out,
        "{pad} {gutter}|{gutter:#} {indent}{style}{carets}{style:#}"
    );
}

/// The part of a source line shown in a snippet: the node and some context around it.
/// A minified or generated line can be megabytes long; print a window, not the line.
struct SnippetWindow {
    before: String,
    node: String,
    after: String,
}

impl SnippetWindow {
    const CONTEXT: usize = 60;

    fn around(line: &str, location: Location<'_>) -> Self {
        let start = location.column.saturating_sub(1) as usize;
        let from = start.saturating_sub(Self::CONTEXT);
        let node_len = (location.length.max(1) as usize).min(2 * Self::CONTEXT);
        let mut chars = line.chars().skip(from);
        let mut before: String = chars.by_ref().take(start - from).collect();
        let node: String = chars.by_ref().take(node_len).collect();
        let mut after: String = chars.by_ref().take(Self::CONTEXT).collect();
        if from > 0 {
            before.insert(0, '…');
        }
        if chars.next().is_some() {
            after.push('…');
        }
        let untab = |text: String| text.replace('\t', " ");
        SnippetWindow {
            before: untab(before),
            node: untab(node),
            after: untab(after),
        }
    }
}

/// Terminal columns of a text: Hangul and other wide characters take two.
fn display_width(text: &str) -> usize {
    UnicodeWidthStr::width(text.replace('\t', " ").as_str())
}

fn render_summary(out: &mut String, summary: Summary, files: usize, palette: Palette) {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let files = plural(files, "file");
    if summary.errors + summary.warnings + summary.infos == 0 {
        let _ = writeln!(
            out,
            "{}no findings{:#} in {files}",
            palette.help, palette.help
        );
        return;
    }
    let style = if summary.errors > 0 {
        palette.error
    } else {
        palette.warning
    };
    let _ = writeln!(
        out,
        "{style}{}, {}, {}{style:#} in {files}",
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.infos, "info"),
    );
}

/// The derived model, for stdout: aggregates, events, commands, messages, sync calls
/// and sagas with their compensation paths.
pub fn render_model(analysis: &Analysis) -> String {
    let mut out = String::new();
    if !analysis.parsed {
        return out;
    }
    let model = &analysis.model;
    let derived = &analysis.derived;
    let sync_calls = crate::derive::sync_calls(model);
    let _ = writeln!(
        out,
        "system {}: {} services, {} aggregates, {} events, {} commands, {} messages, {} sync calls, {} sagas",
        model.system_name(),
        model.services.len(),
        derived.aggregates.len(),
        derived.events.len(),
        derived.commands.len(),
        derived.messages.len(),
        sync_calls.len(),
        model.sagas.len(),
    );
    section(
        &mut out,
        "Aggregates",
        derived.aggregates.iter().map(|aggregate| {
            let mut text = format!(
                "{}{}",
                aggregate.id,
                label_suffix(&aggregate.name, &aggregate.id)
            );
            let _ = write!(
                text,
                "  owner {}",
                aggregate.owner.as_deref().unwrap_or("?")
            );
            if !aggregate.declared {
                text.push_str("  (undeclared)");
            }
            if !aggregate.states.is_empty() {
                let _ = write!(text, "\n    states  {}", aggregate.states.join(", "));
            }
            if !aggregate.events.is_empty() {
                let _ = write!(text, "\n    events  {}", aggregate.events.join(", "));
            }
            for suggestion in &aggregate.suggested_events {
                let _ = write!(
                    text,
                    "\n    suggest {} -> {}",
                    suggestion.command, suggestion.event
                );
            }
            text
        }),
    );
    section(
        &mut out,
        "Events",
        derived.events.iter().map(|event| {
            format!(
                "{}  [{}]  {} -> {}",
                event.name,
                event.aggregate.as_deref().unwrap_or("-"),
                event.publisher.as_deref().unwrap_or("?"),
                list_or_dash(&event.subscribers),
            )
        }),
    );
    section(
        &mut out,
        "Commands",
        derived.commands.iter().map(|command| {
            format!(
                "{}  {} -> {}  replies {}",
                command.name,
                list_or_dash(&command.senders),
                list_or_dash(&command.handlers),
                if command.replies.is_empty() {
                    "-".to_owned()
                } else {
                    command.replies.join(" | ")
                },
            )
        }),
    );
    section(
        &mut out,
        "Messages",
        derived.messages.iter().map(|message| {
            format!(
                "{}  {} -> {}",
                message.name,
                list_or_dash(&message.senders),
                list_or_dash(&message.receivers)
            )
        }),
    );
    section(
        &mut out,
        "Sync calls",
        sync_calls.iter().map(|call| {
            let operation = call
                .operation
                .as_deref()
                .map(|op| format!("  {op}"))
                .unwrap_or_default();
            format!("{} -> {}{operation}", call.from, call.to.join(", "))
        }),
    );
    section(
        &mut out,
        "Sagas",
        model
            .sagas
            .iter()
            .zip(&analysis.compensation_paths)
            .map(|(saga, paths)| {
                let style = match saga.style {
                    crate::model::SagaStyle::Orchestration => "orchestration",
                    crate::model::SagaStyle::Choreography => "choreography",
                };
                let mut text = format!(
                    "{}{}  {style}",
                    saga.id.value,
                    label_suffix(saga.label(), &saga.id.value)
                );
                if let Some(orchestrator) = &saga.orchestrator {
                    let _ = write!(text, " by {}", orchestrator.value);
                }
                for step in &saga.steps {
                    let _ = write!(
                        text,
                        "\n    {}. {}  {}",
                        step.number, step.service.value, step.action.value
                    );
                    if let Some(compensation) = &step.compensation {
                        let _ = write!(text, "  undo {}", compensation.value);
                    }
                    if step.pivot {
                        text.push_str("  (pivot)");
                    }
                    if step.read_only {
                        text.push_str("  (read-only)");
                    }
                    if step.on_failure != crate::model::OnFailure::Compensate {
                        let _ = write!(text, "  on failure {}", step.on_failure.as_str());
                    }
                }
                for path in paths {
                    // A batch job undoes batch-cancel failures later, not the saga at once.
                    let by = if path.batch_cancel {
                        " (batch cancel)"
                    } else {
                        ""
                    };
                    let _ = write!(
                        text,
                        "\n    if step {} fails{by}: {}",
                        path.failed_step,
                        path.compensations.join(", then ")
                    );
                }
                text
            }),
    );
    if model.services.iter().any(|service| service.peak.is_some()) {
        section(
            &mut out,
            "Load at the spike (req/s; `edasmith load` for the table)",
            crate::load::render::summary_lines(&analysis.load).into_iter(),
        );
    }
    out
}

fn section(out: &mut String, title: &str, items: impl Iterator<Item = String>) {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{title}");
    for item in items {
        let _ = writeln!(out, "  {item}");
    }
}

fn label_suffix(label: &str, id: &str) -> String {
    if label == id {
        String::new()
    } else {
        format!(" ({label})")
    }
}

fn list_or_dash(items: &[SmolStr]) -> String {
    if items.is_empty() {
        "-".to_owned()
    } else {
        items.join(", ")
    }
}
