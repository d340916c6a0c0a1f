//! The load view: the SRD at the spike, each service coloured by its utilization and
//! labelled with its load against its capacity, each relation with what flows along it.
//!
//! The figures are [`crate::load`]'s table, never recomputed here; the layout is the
//! SRD's ([`super::srd::build_with`]), so the two views line up.

use std::collections::BTreeMap;

use super::graph::{Graph, Label, NodeKind, Tone};
use super::ids::Ids;
use super::{legend, srd};
use crate::load::{EdgeLoad, Level, LoadTable, ServiceLoad, format_number, format_percent};
use crate::model::{Model, Relation, RelationKind, Service};

pub fn build(model: &Model, table: &LoadTable) -> Graph {
    // (relation, target service) -> what flows along it.
    let flows: BTreeMap<(usize, usize), &EdgeLoad> = table
        .edges
        .iter()
        .map(|edge| ((edge.relation, edge.to), edge))
        .collect();
    let (mut graph, mut ids) = srd::build_with(
        model,
        format!("Load at the spike: {}", model.system_name()),
        |position, service| {
            let row = table.services.get(position);
            (service_label(service, row), row.and_then(tone))
        },
        |position, relation, target| {
            let Some(edge) = table
                .get(target)
                .and_then(|row| flows.get(&(position, row.service)))
            else {
                return (None, false);
            };
            (Some(edge_text(relation, edge)), edge.flow == Some(0.0))
        },
    );
    add_legend(&mut graph, &mut ids, table);
    graph
}

/// The tone a service is drawn in; `None` without a capacity (unless unbounded).
fn tone(row: &ServiceLoad) -> Option<Tone> {
    if row.unbounded() {
        return Some(Tone::Unbounded);
    }
    row.level().map(|level| match level {
        Level::Low => Tone::Low,
        Level::High => Tone::High,
        Level::Over => Tone::Over,
    })
}

fn req(value: f64) -> String {
    format!("{} req/s", format_number(value))
}

/// The SRD's label, then `11,000 / 10,000 req/s (110%)` (or the peak of an entry point,
/// or the load alone without a capacity), then what queues.
fn service_label(service: &Service, row: Option<&ServiceLoad>) -> Label {
    let mut label = srd::service_label(service);
    let Some(row) = row else {
        return label;
    };
    match (row.load, row.capacity) {
        (None, capacity) => {
            label.push("unbounded: sync cycle");
            if let Some(capacity) = capacity {
                label.push(&format!("capacity {}", req(capacity)));
            }
        }
        (Some(load), Some(capacity)) => {
            let percent = row.utilization().map(format_percent).unwrap_or_default();
            label.push(&format!(
                "{} / {} ({percent})",
                format_number(load),
                req(capacity)
            ));
            if row.peak > 0.0 {
                label.push(&format!("peak {}", req(row.peak)));
            }
        }
        (Some(load), None) if row.peak > 0.0 && load == row.peak => {
            label.push(&format!("peak {}", req(row.peak)));
        }
        // A service reached only by messages: what queues says it all.
        (Some(load), None) if load == 0.0 && row.queued.is_some_and(|q| q > 0.0) => {}
        (Some(load), None) => {
            label.push(&req(load));
            if row.peak > 0.0 {
                label.push(&format!("peak {}", req(row.peak)));
            }
        }
    }
    match row.queued {
        None => label.push("queued: unbounded"),
        Some(queued) if queued > 0.0 => {
            label.push(&format!("queued {} msg/s", format_number(queued)));
        }
        Some(_) => {}
    }
    label
}

/// A call: its operation, then `8,000 req/s (x4)`; a message: its name, then what it
/// queues. The rate is shown when it is not 1. An edge nothing flows along is drawn
/// faint, so the spike's way through the system stands out.
fn edge_text(relation: &Relation, edge: &EdgeLoad) -> String {
    let rate = if edge.rate == 1.0 {
        String::new()
    } else {
        format!(" (x{})", format_number(edge.rate))
    };
    let flow = |unit: &str| match edge.flow {
        Some(flow) => format!("{} {unit}{rate}", format_number(flow)),
        None => format!("unbounded{rate}"),
    };
    let (name, figure) = match relation.kind {
        RelationKind::Sync => (
            relation.operation.as_ref().map(|o| o.value.as_str()),
            flow("req/s"),
        ),
        _ => (
            relation.message.as_ref().map(|m| m.value.as_str()),
            format!("queues {}", flow("msg/s")),
        ),
    };
    match name {
        Some(name) => format!("{name}\n{figure}"),
        None => figure,
    }
}

/// The levels (all three, so the scale reads), unbounded and "no capacity declared" when
/// drawn, the node kinds other than plain services, the edge kinds drawn, and a faint
/// edge when some carry nothing.
fn add_legend(graph: &mut Graph, ids: &mut Ids, table: &LoadTable) {
    let drawn: Vec<(NodeKind, Option<Tone>)> = graph
        .nodes
        .iter()
        .map(|node| (node.kind, node.tone))
        .collect();
    let group = legend::group(graph, ids);
    let mut sample = |graph: &mut Graph, text: &str, kind: NodeKind, tone: Option<Tone>| {
        let id = ids.id("legend_node", text);
        graph.toned_node(id, Label::new(text), kind, Some(group), tone);
    };
    for (level, tone) in [
        (Level::Low, Tone::Low),
        (Level::High, Tone::High),
        (Level::Over, Tone::Over),
    ] {
        sample(graph, level.label(), NodeKind::Service, Some(tone));
    }
    if table.services.iter().any(ServiceLoad::unbounded) {
        sample(graph, "unbounded", NodeKind::Service, Some(Tone::Unbounded));
    }
    if drawn.contains(&(NodeKind::Service, None)) {
        sample(graph, "no capacity declared", NodeKind::Service, None);
    }
    for kind in [NodeKind::Frontend, NodeKind::External] {
        if drawn.iter().any(|(drawn, _)| *drawn == kind)
            && let Some(text) = legend::node_text(kind)
        {
            sample(graph, text, kind, None);
        }
    }
    let idle = graph
        .edges
        .iter()
        .find(|edge| edge.faint)
        .map(|edge| edge.kind);
    legend::edge_samples(graph, ids, group);
    if let Some(kind) = idle {
        legend::sample_edge(graph, ids, group, kind, "nothing flows at the spike");
        if let Some(edge) = graph.edges.last_mut() {
            edge.faint = true;
        }
    }
}
