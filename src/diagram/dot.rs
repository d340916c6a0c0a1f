//! The Graphviz DOT writer.
//!
//! Every id and every label is a double-quoted DOT string written by [`quoted`]; ids
//! are the views' synthetic ASCII ids, labels the user's text escaped so it renders as
//! written.

use std::fmt::Write;

use super::graph::{Direction, EdgeKind, Graph, GroupKind, Label, Node, NodeKind, Tone};

/// The font Graphviz needs for Hangul (installed by `.ci/install-tools`).
pub const FONT: &str = "Noto Sans CJK KR";

/// A DOT double-quoted string that renders `line` literally in a label: `\` and `"` are
/// backslash-escaped (so `\n`, `\N`, `\G`… written by a user stay text), `&` becomes
/// `&amp;` (Graphviz decodes HTML entities in plain labels), control characters become
/// spaces.
fn escape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '&' => out.push_str("&amp;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn quoted(text: &str) -> String {
    format!("\"{}\"", escape(text))
}

/// A label's lines joined by DOT's centred line break.
fn label(label: &Label) -> String {
    let lines: Vec<String> = label.lines().map(escape).collect();
    format!("\"{}\"", lines.join("\\n"))
}

fn node_attributes(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Service | NodeKind::Step => {
            r##"shape=box, style="rounded,filled", fillcolor="#ffffff", color="#37474f""##
        }
        NodeKind::Frontend => {
            r##"shape=box, style="filled,bold", fillcolor="#e3f2fd", color="#1565c0", peripheries=2"##
        }
        NodeKind::External => {
            r##"shape=box, style="dashed,filled", fillcolor="#f5f5f5", color="#757575""##
        }
        NodeKind::Aggregate => {
            r##"shape=box, style="filled", fillcolor="#fff59d", color="#f9a825""##
        }
        NodeKind::Event => r##"shape=box, style="filled", fillcolor="#ffcc80", color="#ef6c00""##,
        NodeKind::Command => r##"shape=box, style="filled", fillcolor="#90caf9", color="#1565c0""##,
        NodeKind::State => {
            r##"shape=box, style="rounded,filled", fillcolor="#ffffff", color="#37474f""##
        }
        NodeKind::Start => r##"shape=point, width=0.2, color="#212121""##,
        NodeKind::LegendPoint => r#"shape=point, width=0.05, style=invis"#,
        NodeKind::Pivot => {
            r##"shape=box, style="rounded,filled,bold", fillcolor="#e8f5e9", color="#2e7d32", peripheries=2"##
        }
        NodeKind::RetryStep => {
            r##"shape=box, style="rounded,filled,dashed", fillcolor="#ffffff", color="#37474f""##
        }
        NodeKind::Compensation => {
            r##"shape=box, style="rounded,filled", fillcolor="#ffebee", color="#c62828", fontcolor="#b71c1c""##
        }
    }
}

/// A toned node (the load view): the kind's shape, the tone's colours, and a border that
/// says the same without colour: bold from 70 %, doubled over 100 %.
fn tone_attributes(kind: NodeKind, tone: Tone) -> String {
    let mut style: Vec<&str> = match kind {
        NodeKind::Frontend => vec![],
        NodeKind::External => vec!["dashed"],
        _ => vec!["rounded"],
    };
    style.push("filled");
    let colours = match tone {
        Tone::Low => r##"fillcolor="#c8e6c9", color="#2e7d32""##,
        Tone::High => r##"fillcolor="#ffe082", color="#e65100", penwidth=2"##,
        Tone::Over => r##"fillcolor="#ef9a9a", color="#b71c1c", penwidth=2, peripheries=2"##,
        Tone::Unbounded => {
            r##"fillcolor="#b71c1c", color="#4a0000", fontcolor="#ffffff", penwidth=2, peripheries=2"##
        }
    };
    if tone != Tone::Low {
        style.push("bold");
    }
    format!("shape=box, style=\"{}\", {colours}", style.join(","))
}

fn attributes(node: &Node) -> String {
    match node.tone {
        Some(tone) => tone_attributes(node.kind, tone),
        None => node_attributes(node.kind).to_owned(),
    }
}

fn edge_attributes(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Sync | EdgeKind::Transition | EdgeKind::Forward => {
            r##"style=solid, color="#37474f""##
        }
        EdgeKind::Event => r##"style=dashed, color="#ef6c00", fontcolor="#e65100""##,
        EdgeKind::Command => {
            r##"style=bold, penwidth=2.5, color="#6a1b9a", fontcolor="#4a148c", arrowtail=inv, dir=both"##
        }
        EdgeKind::Message => r##"style=dotted, penwidth=1.5, color="#616161""##,
        EdgeKind::Publishes => r##"style=solid, color="#ef6c00""##,
        EdgeKind::Subscribes => r##"style=dashed, color="#ef6c00""##,
        EdgeKind::Handles => r##"style=bold, penwidth=2, color="#1565c0""##,
        EdgeKind::Fails => {
            r##"style=dashed, color="#c62828", fontcolor="#c62828", constraint=false"##
        }
        EdgeKind::Compensates => r##"style=bold, penwidth=2, color="#c62828", constraint=false"##,
    }
}

/// An edge nothing flows along (the load view): its kind's line, in light grey.
fn faint_edge_attributes(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Event | EdgeKind::Subscribes | EdgeKind::Fails => {
            r##"style=dashed, color="#b0bec5", fontcolor="#90a4ae""##
        }
        EdgeKind::Command => {
            r##"style=bold, penwidth=2.5, color="#b0bec5", fontcolor="#90a4ae", arrowtail=inv, dir=both"##
        }
        EdgeKind::Message => {
            r##"style=dotted, penwidth=1.5, color="#b0bec5", fontcolor="#90a4ae""##
        }
        _ => r##"style=solid, color="#b0bec5", fontcolor="#90a4ae""##,
    }
}

fn group_attributes(kind: GroupKind) -> &'static str {
    match kind {
        GroupKind::SharedDatabase => {
            r##"style="dashed,rounded,filled", fillcolor="#fff8e1", color="#ff8f00""##
        }
        GroupKind::Owner => r##"style="rounded,filled", fillcolor="#fffde7", color="#f9a825""##,
        GroupKind::Legend => r##"style="rounded,filled", fillcolor="#fafafa", color="#bdbdbd""##,
    }
}

/// Writes a graph's text into `out`.
pub fn write_graph(out: &mut dyn Write, graph: &Graph) {
    let _ = writeln!(out, "digraph {} {{", quoted(&graph.title));
    let rankdir = match graph.direction {
        Direction::LeftRight => "LR",
        Direction::TopDown => "TB",
    };
    let _ = writeln!(
        out,
        "  graph [label={}, labelloc=t, fontsize=16, fontname={font}, rankdir={rankdir}, \
         nodesep=0.3, ranksep=0.6, compound=true];",
        quoted(&graph.title),
        font = quoted(FONT),
    );
    let _ = writeln!(
        out,
        "  node [fontname={font}, fontsize=11, margin=\"0.15,0.06\"];",
        font = quoted(FONT)
    );
    let _ = writeln!(
        out,
        "  edge [fontname={font}, fontsize=9, arrowsize=0.7];",
        font = quoted(FONT)
    );
    let node_line = |out: &mut dyn Write, indent: &str, index: usize| {
        let node = &graph.nodes[index];
        let text = match node.kind {
            NodeKind::Start | NodeKind::LegendPoint => "\"\"".to_owned(),
            _ => label(&node.label),
        };
        let _ = writeln!(
            out,
            "{indent}{} [label={text}, {}];",
            quoted(&node.id),
            attributes(node)
        );
    };
    // Index once: scanning every node for each group, or every node for each edge, is
    // quadratic, and a large SRD has thousands of groups and edges.
    let members = graph.members();
    let legend_points: std::collections::HashSet<&str> = graph
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::LegendPoint)
        .map(|n| n.id.as_str())
        .collect();
    for (group_index, group) in graph.groups.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph {} {{",
            quoted(&format!("cluster_{}", group.id))
        );
        let _ = writeln!(
            out,
            "    graph [label={}, fontsize=12, {}];",
            label(&group.label),
            group_attributes(group.kind)
        );
        for &index in &members[group_index] {
            node_line(out, "    ", index);
        }
        if group.kind == GroupKind::Legend {
            // The node samples side by side in one row, not one above the other.
            let samples: Vec<String> = members[group_index]
                .iter()
                .map(|&index| &graph.nodes[index])
                .filter(|n| n.kind != NodeKind::LegendPoint)
                .map(|n| quoted(&n.id))
                .collect();
            if samples.len() > 1 {
                match graph.direction {
                    Direction::LeftRight => {
                        let _ = writeln!(out, "    {} [style=invis];", samples.join(" -> "));
                    }
                    Direction::TopDown => {
                        let _ = writeln!(out, "    {{ rank=same; {}; }}", samples.join("; "));
                    }
                }
            }
        }
        if group.kind == GroupKind::Legend && graph.direction == Direction::TopDown {
            // Keep the sample edges horizontal, as in a left-to-right graph.
            let point = |id: &str| legend_points.contains(id);
            for edge in graph
                .edges
                .iter()
                .filter(|e| point(&e.from) && point(&e.to))
            {
                let _ = writeln!(
                    out,
                    "    {{ rank=same; {}; {}; }}",
                    quoted(&edge.from),
                    quoted(&edge.to)
                );
            }
        }
        let _ = out.write_str("  }\n");
    }
    for (index, node) in graph.nodes.iter().enumerate() {
        if node.group.is_none() {
            node_line(out, "  ", index);
        }
    }
    for (rank, ids) in [("min", &graph.first), ("max", &graph.last)] {
        if !ids.is_empty() {
            let ids: Vec<String> = ids.iter().map(|id| quoted(id)).collect();
            let _ = writeln!(out, "  {{ rank={rank}; {}; }}", ids.join("; "));
        }
    }
    for (a, b) in &graph.side_by_side {
        let _ = writeln!(out, "  {{ rank=same; {}; {}; }}", quoted(a), quoted(b));
    }
    for edge in &graph.edges {
        let text = if edge.label.is_empty() {
            String::new()
        } else {
            format!("label={}, ", label(&edge.label))
        };
        let _ = writeln!(
            out,
            "  {} -> {} [{text}{}];",
            quoted(&edge.from),
            quoted(&edge.to),
            if edge.faint {
                faint_edge_attributes(edge.kind)
            } else {
                edge_attributes(edge.kind)
            }
        );
    }
    let _ = out.write_str("}\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_render_as_written() {
        assert_eq!(escape("계약 \"해지\""), "계약 \\\"해지\\\"");
        assert_eq!(escape("a\\nb \\N"), "a\\\\nb \\\\N");
        assert_eq!(escape("&amp; <b>"), "&amp;amp; <b>");
        assert_eq!(escape("a -> b; }"), "a -> b; }");
        assert_eq!(label(&Label::new("a\nb")), "\"a\\nb\"");
    }
}
