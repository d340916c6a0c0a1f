//! The Mermaid writer: flowcharts, state diagrams and sequence diagrams.
//!
//! Node ids are the views' synthetic ASCII ids (`s_gyeyak`), never user text, so no
//! name can be a keyword (`end`, `subgraph`, `state`…) or break the syntax. Every text
//! the user wrote goes through [`text`]: characters Mermaid gives a meaning to are
//! written as Mermaid entity codes (`#quot;`, `#59;`…), which render as the character.

use std::fmt::Write;

use super::graph::{
    Arrow, Direction, EdgeKind, Graph, GraphKind, GroupKind, Label, Node, NodeKind, Sequence,
    SequenceItem, Tone,
};

/// Escapes one line of user text for any Mermaid text position (quoted labels, edge
/// labels, participant aliases, notes, block labels, transition labels).
///
/// Mermaid decodes `#name;` and `#code;` entities in all of them. Characters that are
/// syntax somewhere become entities: `"` quotes a label, `;` ends a statement, `#`
/// starts an entity, `|` ends an edge label, `<` `>` `&` are HTML, `%` starts a comment
/// or directive, `{` `}` start shape data, `\` is an escape, and a backtick would close
/// the Markdown fence `DIAGRAMS.md` puts the diagram in. Everything else (Hangul,
/// brackets, `:`, `-->`, keywords such as `end`) is plain text in these positions
/// (checked with Mermaid's parser by the integration tests).
pub fn text(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' | ';' | '|' | '%' | '{' | '}' | '`' | '\\' => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A multi-line label as one Mermaid text.
fn label(label: &Label) -> String {
    label.lines().map(text).collect::<Vec<_>>().join("<br/>")
}

/// A `%%` comment line (a title); never a directive, never more than one line.
fn comment(out: &mut dyn Write, line: &str) {
    let clean: String = line
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let _ = writeln!(out, "%% {}", clean.replace("%%", "% %"));
}

/// Writes a graph's text into `out`.
pub fn write_graph(out: &mut dyn Write, graph: &Graph) {
    match graph.kind {
        GraphKind::Flow => flowchart(out, graph),
        GraphKind::State => state(out, graph),
    }
}

fn direction(direction: Direction) -> &'static str {
    match direction {
        Direction::LeftRight => "LR",
        Direction::TopDown => "TB",
    }
}

fn node_shape(kind: NodeKind, text: &str) -> String {
    match kind {
        NodeKind::Service | NodeKind::State => format!("(\"{text}\")"),
        NodeKind::Frontend => format!("[/\"{text}\"/]"),
        NodeKind::External => format!("[[\"{text}\"]]"),
        NodeKind::Aggregate => format!("[\"{text}\"]"),
        NodeKind::Event => format!("[\"{text}\"]"),
        NodeKind::Command => format!("[\"{text}\"]"),
        NodeKind::Start | NodeKind::LegendPoint => "((\" \"))".to_owned(),
        NodeKind::Step | NodeKind::RetryStep => format!("[\"{text}\"]"),
        NodeKind::Pivot => format!("{{{{\"{text}\"}}}}"),
        NodeKind::Compensation => format!("[\"{text}\"]"),
    }
}

fn class_name(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Service | NodeKind::State => "service",
        NodeKind::Frontend => "frontend",
        NodeKind::External => "external",
        NodeKind::Aggregate => "aggregate",
        NodeKind::Event => "event",
        NodeKind::Command => "command",
        NodeKind::Start => "start",
        NodeKind::LegendPoint => "point",
        NodeKind::Step | NodeKind::RetryStep => "step",
        NodeKind::Pivot => "pivot",
        NodeKind::Compensation => "compensation",
    }
}

/// A toned node (the load view) takes its tone's class instead of its kind's.
fn node_class(node: &Node) -> &'static str {
    match node.tone {
        None => class_name(node.kind),
        Some(Tone::Low) => "low",
        Some(Tone::High) => "high",
        Some(Tone::Over) => "over",
        Some(Tone::Unbounded) => "unbounded",
    }
}

/// Class definitions, in a fixed order; colours follow event storming (aggregate
/// yellow, event orange, command blue). Load tones get a border that says the same
/// without colour: thicker from 70 %, thickest over 100 %.
const CLASSES: [(&str, &str); 15] = [
    ("service", "fill:#ffffff,stroke:#37474f"),
    ("frontend", "fill:#e3f2fd,stroke:#1565c0"),
    (
        "external",
        "fill:#f5f5f5,stroke:#757575,stroke-dasharray:5 3",
    ),
    ("aggregate", "fill:#fff59d,stroke:#f9a825"),
    ("event", "fill:#ffcc80,stroke:#ef6c00"),
    ("command", "fill:#90caf9,stroke:#1565c0"),
    ("start", "fill:#212121,stroke:#212121"),
    ("point", "fill:none,stroke:none"),
    ("step", "fill:#ffffff,stroke:#37474f"),
    ("pivot", "fill:#e8f5e9,stroke:#2e7d32,stroke-width:3px"),
    ("compensation", "fill:#ffebee,stroke:#c62828"),
    ("low", "fill:#c8e6c9,stroke:#2e7d32"),
    ("high", "fill:#ffe082,stroke:#e65100,stroke-width:2px"),
    ("over", "fill:#ef9a9a,stroke:#b71c1c,stroke-width:4px"),
    (
        "unbounded",
        "fill:#b71c1c,stroke:#4a0000,stroke-width:4px,color:#ffffff,stroke-dasharray:6 3",
    ),
];

fn arrow(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Sync | EdgeKind::Publishes | EdgeKind::Transition | EdgeKind::Forward => "-->",
        EdgeKind::Event | EdgeKind::Message | EdgeKind::Subscribes | EdgeKind::Fails => "-.->",
        EdgeKind::Command | EdgeKind::Handles | EdgeKind::Compensates => "==>",
    }
}

fn link_style(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Sync | EdgeKind::Transition | EdgeKind::Forward => "stroke:#37474f",
        EdgeKind::Event => "stroke:#ef6c00,stroke-dasharray:8 4",
        EdgeKind::Command => "stroke:#6a1b9a,stroke-width:3px",
        EdgeKind::Message => "stroke:#757575,stroke-dasharray:2 3",
        EdgeKind::Publishes => "stroke:#ef6c00",
        EdgeKind::Subscribes => "stroke:#ef6c00,stroke-dasharray:8 4",
        EdgeKind::Handles => "stroke:#1565c0,stroke-width:3px",
        EdgeKind::Fails => "stroke:#c62828,stroke-dasharray:8 4",
        EdgeKind::Compensates => "stroke:#c62828,stroke-width:3px",
    }
}

/// An edge nothing flows along (the load view): its kind's dashes, in light grey.
fn faint_link_style(kind: EdgeKind) -> String {
    let style = link_style(kind);
    let rest = style.split_once(',').map_or("", |(_, rest)| rest);
    if rest.is_empty() {
        "stroke:#b0bec5".to_owned()
    } else {
        format!("stroke:#b0bec5,{rest}")
    }
}

fn flowchart(out: &mut dyn Write, graph: &Graph) {
    comment(out, &graph.title);
    let _ = writeln!(out, "flowchart {}", direction(graph.direction));
    let node_line = |out: &mut dyn Write, indent: &str, index: usize| {
        let node = &graph.nodes[index];
        let _ = writeln!(
            out,
            "{indent}{}{}",
            node.id,
            node_shape(node.kind, &label(&node.label))
        );
    };
    for (index, node) in graph.nodes.iter().enumerate() {
        if node.group.is_none() {
            node_line(out, "  ", index);
        }
    }
    let members = graph.members();
    for (group_index, group) in graph.groups.iter().enumerate() {
        let _ = writeln!(out, "  subgraph {}[\"{}\"]", group.id, label(&group.label));
        if group.kind == GroupKind::Legend {
            let _ = out.write_str("    direction LR\n");
        }
        for &index in &members[group_index] {
            node_line(out, "    ", index);
        }
        let _ = out.write_str("  end\n");
    }
    for edge in &graph.edges {
        let text = if edge.label.is_empty() {
            String::new()
        } else {
            format!("|\"{}\"|", label(&edge.label))
        };
        let _ = writeln!(
            out,
            "  {} {}{} {}",
            edge.from,
            arrow(edge.kind),
            text,
            edge.to
        );
    }
    // Invisible links (after the real ones, so linkStyle indices stay right) keep the
    // legend's node samples in one row.
    for (group_index, group) in graph.groups.iter().enumerate() {
        if group.kind == GroupKind::Legend {
            let samples: Vec<&str> = members[group_index]
                .iter()
                .map(|&index| &graph.nodes[index])
                .filter(|n| n.kind != NodeKind::LegendPoint)
                .map(|n| n.id.as_str())
                .collect();
            if samples.len() > 1 {
                let _ = writeln!(out, "  {}", samples.join(" ~~~ "));
            }
        }
    }
    for (name, style) in CLASSES {
        let members: Vec<&str> = graph
            .nodes
            .iter()
            .filter(|node| node_class(node) == name)
            .map(|node| node.id.as_str())
            .collect();
        if !members.is_empty() {
            let _ = writeln!(out, "  classDef {name} {style}");
            let _ = writeln!(out, "  class {} {name}", members.join(","));
        }
    }
    for group in &graph.groups {
        let style = match group.kind {
            GroupKind::SharedDatabase => "fill:#fff8e1,stroke:#ff8f00,stroke-dasharray:6 3",
            GroupKind::Owner => "fill:#fffde7,stroke:#f9a825",
            GroupKind::Legend => "fill:#fafafa,stroke:#bdbdbd",
        };
        let _ = writeln!(out, "  style {} {style}", group.id);
    }
    // Mermaid styles a link only by its index in the chart: one `linkStyle` line per
    // kind, kinds in a fixed order so the same graph gives the same text; faint edges
    // (the load view's idle ones) after.
    let mut kinds: Vec<(bool, EdgeKind)> = graph
        .edges
        .iter()
        .map(|edge| (edge.faint, edge.kind))
        .collect();
    kinds.sort();
    kinds.dedup();
    for (faint, kind) in kinds {
        let style = if faint {
            faint_link_style(kind)
        } else {
            link_style(kind).to_owned()
        };
        // Written index by index: a string per edge would cost more than the line.
        let _ = out.write_str("  linkStyle ");
        let indices = (graph.edges.iter().enumerate())
            .filter(|(_, edge)| edge.kind == kind && edge.faint == faint)
            .map(|(index, _)| index);
        for (position, index) in indices.enumerate() {
            let separator = if position == 0 { "" } else { "," };
            let _ = write!(out, "{separator}{index}");
        }
        let _ = writeln!(out, " {style}");
    }
}

fn state(out: &mut dyn Write, graph: &Graph) {
    comment(out, &graph.title);
    let _ = out.write_str("stateDiagram-v2\n");
    let _ = writeln!(out, "  direction {}", direction(graph.direction));
    for node in &graph.nodes {
        if node.kind == NodeKind::State {
            let _ = writeln!(out, "  state \"{}\" as {}", label(&node.label), node.id);
        }
    }
    let end = |id: &str| -> String {
        match graph.nodes.iter().find(|node| node.id == id) {
            Some(node) if node.kind == NodeKind::Start => "[*]".to_owned(),
            _ => id.to_owned(),
        }
    };
    for edge in &graph.edges {
        let mut text = label(&edge.label);
        if text.trim().is_empty() {
            // An empty transition label does not parse.
            text = "#160;".to_owned();
        }
        let _ = writeln!(
            out,
            "  {} --> {} : {}",
            end(&edge.from),
            end(&edge.to),
            text
        );
    }
}

pub fn sequence(sequence: &Sequence) -> String {
    let mut out = String::new();
    write_sequence(&mut out, sequence);
    out
}

/// Appends [`sequence`]'s text to `out`.
fn write_sequence(out: &mut dyn Write, sequence: &Sequence) {
    comment(out, &sequence.title);
    let _ = out.write_str("sequenceDiagram\n");
    for participant in &sequence.participants {
        let _ = writeln!(
            out,
            "  participant {} as {}",
            participant.id,
            label(&participant.label)
        );
    }
    items(out, &sequence.items, "  ");
}

fn items(out: &mut dyn Write, list: &[SequenceItem], indent: &str) {
    for item in list {
        match item {
            SequenceItem::Message {
                from,
                to,
                label: text,
                arrow,
            } => {
                let arrow = match arrow {
                    Arrow::Request => "->>",
                    Arrow::Reply => "-->>",
                    Arrow::Async => "-)",
                    Arrow::Compensation => "--)",
                };
                let _ = writeln!(out, "{indent}{from}{arrow}{to}: {}", label(text));
            }
            SequenceItem::Note { over, label: text } => {
                let _ = writeln!(out, "{indent}Note over {}: {}", over.join(","), label(text));
            }
            SequenceItem::Failure {
                label: text,
                items: inner,
            } => {
                let _ = writeln!(out, "{indent}rect rgb(255, 235, 238)");
                let _ = writeln!(out, "{indent}  break {}", label(text));
                items(out, inner, &format!("{indent}    "));
                let _ = writeln!(out, "{indent}  end");
                let _ = writeln!(out, "{indent}end");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_characters_become_entities() {
        assert_eq!(text("계약 (해지됨)"), "계약 (해지됨)");
        assert_eq!(text("say \"hi\"; #1"), "say #quot;hi#quot;#59; #35;1");
        assert_eq!(text("a --> b | c"), "a --#gt; b #124; c");
        assert_eq!(text("<b>&</b>"), "#lt;b#gt;#amp;#lt;/b#gt;");
        assert_eq!(
            text("%%{init}%% `x` \\"),
            "#37;#37;#123;init#125;#37;#37; #96;x#96; #92;"
        );
        assert_eq!(text("end"), "end");
        assert_eq!(text("a\tb"), "a b");
    }

    #[test]
    fn comments_stay_one_line_and_never_become_directives() {
        let mut out = String::new();
        comment(&mut out, "a\nb %%{init}%%");
        assert_eq!(out, "%% a b % %{init}% %\n");
    }
}
