//! The load table for people (`edasmith load`): one line per service, sorted by
//! utilization, with a bar in eighth blocks and a colour by level.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};
use unicode_width::UnicodeWidthStr;

use super::{Level, LoadTable, ServiceLoad, format_number, format_percent};
use crate::model::Model;

/// Bar cells for 100 %: a full bar of [`BAR_CELLS`] is 200 %.
const CELLS_PER_100: f64 = 10.0;
const BAR_CELLS: usize = 20;
const MAX_PEAKS_LISTED: usize = 8;
const EIGHTHS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];

/// Colours by level (see [`Level`]): green, yellow, red.
fn level_style(utilization: f64, color: bool) -> Style {
    if !color {
        return Style::new();
    }
    match Level::of(utilization) {
        Level::Over => AnsiColor::Red.on_default().bold(),
        Level::High => AnsiColor::Yellow.on_default(),
        Level::Low => AnsiColor::Green.on_default(),
    }
}

/// `██████████▌`: ten cells per 100 %, in eighths; at most 20 cells (200 %), then `»`.
pub fn bar(utilization: f64) -> String {
    if utilization.is_nan() || utilization <= 0.0 {
        return String::new();
    }
    let max_eighths = BAR_CELLS * 8;
    let eighths = (utilization * CELLS_PER_100 * 8.0).round();
    let (eighths, clipped) = if eighths > max_eighths as f64 {
        (max_eighths, true)
    } else {
        // At least one eighth, so that any load shows.
        ((eighths as usize).max(1), false)
    };
    let mut text = "█".repeat(eighths / 8);
    if eighths % 8 > 0 {
        text.push(EIGHTHS[eighths % 8 - 1]);
    }
    if clipped {
        text.push('»');
    }
    text
}

/// The rows the table shows: services with a peak, a capacity, or any load or queue.
fn shown(row: &ServiceLoad) -> bool {
    row.peak > 0.0
        || row.capacity.is_some()
        || row.load.is_none_or(|load| load > 0.0)
        || row.queued.is_none_or(|queued| queued > 0.0)
}

/// Utilization descending (unbounded first), services without a capacity after them by
/// load descending; ties keep spec order.
fn order(rows: &mut [&ServiceLoad]) {
    rows.sort_by(|a, b| {
        let key = |row: &ServiceLoad| {
            (
                row.utilization().is_some(),
                row.utilization()
                    .unwrap_or_else(|| row.load.unwrap_or(f64::INFINITY)),
            )
        };
        let (a, b) = (key(a), key(b));
        b.0.cmp(&a.0).then(b.1.total_cmp(&a.1))
    });
}

/// The table, a line per service, then the overloaded services' heaviest paths.
pub fn render_human(model: &Model, table: &LoadTable, color: bool) -> String {
    let mut out = String::new();
    let peaks: Vec<String> = table
        .services
        .iter()
        .filter(|row| row.peak > 0.0)
        .map(|row| format!("{} {}", row.id, format_number(row.peak)))
        .collect();
    let emphasis = if color {
        Style::new().bold()
    } else {
        Style::new()
    };
    if peaks.is_empty() {
        let _ = writeln!(
            out,
            "{}: no service declares a `peak`; add one, or try `--peak ID=RPS`",
            model.system_name()
        );
        return out;
    }
    let more = peaks.len().saturating_sub(MAX_PEAKS_LISTED);
    let mut listed = peaks[..peaks.len().min(MAX_PEAKS_LISTED)].join(", ");
    if more > 0 {
        let _ = write!(listed, ", … ({more} more)");
    }
    let _ = writeln!(
        out,
        "{emphasis}{}{emphasis:#}: load at the spike (peak req/s: {listed})\n",
        model.system_name(),
    );
    let mut rows: Vec<&ServiceLoad> = table.services.iter().filter(|row| shown(row)).collect();
    order(&mut rows);
    let cells: Vec<[String; 3]> = rows
        .iter()
        .map(|row| {
            [
                row.id.to_string(),
                row.load.map_or("unbounded".to_owned(), format_number),
                row.capacity.map_or(String::new(), format_number),
            ]
        })
        .collect();
    let width = |column: usize, header: &str| {
        cells
            .iter()
            .map(|cell| cell[column].width())
            .chain([header.width()])
            .max()
            .unwrap_or(0)
    };
    let (id_width, load_width, capacity_width) =
        (width(0, "service"), width(1, "load"), width(2, "capacity"));
    let _ = writeln!(
        out,
        "{emphasis}{:id_width$}  {:>load_width$}   {:>capacity_width$}        {:BAR_CELLS$}  {:>5}  {:>9}  {:>5}{emphasis:#}",
        "service", "load", "capacity", "", "use", "queued", "reads"
    );
    for (row, cell) in rows.iter().zip(&cells) {
        let utilization = row.utilization();
        let style = level_style(utilization.unwrap_or(0.0), color && utilization.is_some());
        let bar_text = utilization.map(bar).unwrap_or_default();
        let percent = utilization.map_or(String::new(), format_percent);
        let queued = row.queued.map_or("unbounded".to_owned(), format_number);
        let reads = row.reads.map_or("-".to_owned(), format_percent);
        let pad = |text: &str, width: usize| " ".repeat(width.saturating_sub(text.width()));
        let _ = writeln!(
            out,
            "{}{}  {}{} {} {}{} req/s  {style}{bar_text}{}{style:#}  {style}{}{percent}{style:#}  {:>9}  {:>5}",
            cell[0],
            pad(&cell[0], id_width),
            pad(&cell[1], load_width),
            cell[1],
            if row.capacity.is_some() { "/" } else { " " },
            pad(&cell[2], capacity_width),
            cell[2],
            pad(&bar_text, BAR_CELLS),
            pad(&percent, 5),
            queued,
            reads,
        );
    }
    let over: Vec<&&ServiceLoad> = rows.iter().filter(|row| row.overloaded()).collect();
    if !over.is_empty() {
        let style = level_style(2.0, color);
        let _ = writeln!(
            out,
            "\n{style}over capacity{style:#} (the heaviest path to each):"
        );
        for row in over {
            let path = table.heaviest_path(row.service);
            let text = if path.edges.is_empty() {
                format!("{} (its own peak)", row.id)
            } else {
                table.path_text(model, &path)
            };
            let brings = path.load.map_or("unbounded".to_owned(), |load| {
                format!("{} req/s", format_number(load))
            });
            let _ = writeln!(out, "  {}: {text}  ({brings})", row.id);
        }
    }
    out
}

/// Short lines for the model's human report (`analyze`): services with a peak, a
/// capacity or a load, in spec order.
pub fn summary_lines(table: &LoadTable) -> Vec<String> {
    table
        .services
        .iter()
        .filter(|row| shown(row))
        .map(|row| {
            let mut text = format!(
                "{}  {}",
                row.id,
                row.load.map_or("unbounded".to_owned(), format_number)
            );
            if let Some(capacity) = row.capacity {
                let _ = write!(text, " / {}", format_number(capacity));
            }
            text.push_str(" req/s");
            if let Some(utilization) = row.utilization() {
                let _ = write!(text, "  {}", format_percent(utilization));
            }
            if let Some(queued) = row.queued.filter(|&queued| queued > 0.0) {
                let _ = write!(text, "  queued {}", format_number(queued));
            }
            if let Some(reads) = row.reads {
                let _ = write!(text, "  reads {}", format_percent(reads));
            }
            text
        })
        .collect()
}
