//! A legend: one sample edge per edge kind the graph uses, and the node kinds that are
//! drawn differently, in a group of their own.

use super::graph::{EdgeKind, Graph, GroupKind, Label, NodeKind};
use super::ids::Ids;

const EDGES: [(EdgeKind, &str); 7] = [
    (EdgeKind::Sync, "sync call"),
    (EdgeKind::Event, "event (pub/sub)"),
    (EdgeKind::Command, "command + reply"),
    (EdgeKind::Message, "one-way message"),
    (EdgeKind::Publishes, "publishes"),
    (EdgeKind::Subscribes, "subscribed by"),
    (EdgeKind::Handles, "handled by"),
];

/// At most how many nodes and edges a legend adds (the load view's included), so that a
/// graph can be sized before it is built.
pub const MOST_NODES: usize = 32;
pub const MOST_EDGES: usize = EDGES.len() + 1;

const NODES: [(NodeKind, &str); 6] = [
    (NodeKind::Frontend, "frontend"),
    (NodeKind::External, "external system"),
    (NodeKind::Service, "service"),
    (NodeKind::Aggregate, "aggregate"),
    (NodeKind::Event, "domain event"),
    (NodeKind::Command, "command"),
];

/// Adds the legend group (nothing when the graph has no edges).
pub fn add(graph: &mut Graph, ids: &mut Ids) {
    if used_edges(graph).is_empty() {
        return;
    }
    let group = group(graph, ids);
    let distinct_nodes = graph
        .nodes
        .iter()
        .map(|node| node.kind)
        .collect::<std::collections::BTreeSet<_>>();
    for (kind, text) in NODES {
        // Plain services need no key unless other node kinds are drawn beside them.
        if distinct_nodes.contains(&kind) && distinct_nodes.len() > 1 {
            let id = ids.id("legend_node", text);
            graph.node(id, Label::new(text), kind, Some(group));
        }
    }
    edge_samples(graph, ids, group);
}

/// The edge kinds the graph draws, with their legend text.
fn used_edges(graph: &Graph) -> Vec<(EdgeKind, &'static str)> {
    EDGES
        .iter()
        .copied()
        .filter(|(kind, _)| graph.edges.iter().any(|edge| edge.kind == *kind))
        .collect()
}

/// The legend group (empty): its index.
pub fn group(graph: &mut Graph, ids: &mut Ids) -> usize {
    graph.group(
        ids.id("legend", "legend"),
        Label::new("Legend"),
        GroupKind::Legend,
    )
}

/// The legend text of a node kind (`frontend`, `external system`…).
pub fn node_text(kind: NodeKind) -> Option<&'static str> {
    NODES
        .iter()
        .find(|(node, _)| *node == kind)
        .map(|(_, text)| *text)
}

/// One sample edge per edge kind the graph draws, in `group`.
pub fn edge_samples(graph: &mut Graph, ids: &mut Ids, group: usize) {
    for (kind, text) in used_edges(graph) {
        sample_edge(graph, ids, group, kind, text);
    }
}

/// One sample edge of `kind`, labelled `text`, between two unlabelled points in `group`.
pub fn sample_edge(graph: &mut Graph, ids: &mut Ids, group: usize, kind: EdgeKind, text: &str) {
    let from = ids.id("legend_from", text);
    let to = ids.id("legend_to", text);
    for point in [from.clone(), to.clone()] {
        graph.node(point, Label::default(), NodeKind::LegendPoint, Some(group));
    }
    graph.edge(from, to, Label::new(text), kind);
}
