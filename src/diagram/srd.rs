//! The service relation diagram: services, and the relations between them by type.

use std::collections::BTreeMap;

use super::graph::{Direction, EdgeKind, Graph, GraphKind, GroupKind, Label, NodeKind};
use super::ids::Ids;
use crate::model::{Model, RelationKind, ServiceKind};

/// Most services drawn left to right.
const LEFT_RIGHT_MAX: usize = 12;

/// Services as nodes (grouped by a database two or more of them share), relations as
/// edges; parallel relations of one type between two services share one edge.
pub fn build(model: &Model) -> Graph {
    // Left to right reads best for a few services; a large SRD laid out left to right
    // becomes a band many times wider than high, so it goes top down.
    let direction = if model.services.len() > LEFT_RIGHT_MAX {
        Direction::TopDown
    } else {
        Direction::LeftRight
    };
    let mut graph = Graph::new(
        GraphKind::Flow,
        format!("SRD: {}", model.system_name()),
        direction,
    );
    let mut ids = Ids::default();

    let mut users: BTreeMap<&str, usize> = BTreeMap::new();
    for service in &model.services {
        if let Some(database) = &service.database {
            *users.entry(database.as_str()).or_default() += 1;
        }
    }
    let mut groups: BTreeMap<&str, usize> = BTreeMap::new();
    for service in &model.services {
        let group = service
            .database
            .as_ref()
            .filter(|database| users.get(database.as_str()).copied().unwrap_or(0) > 1)
            .map(|database| {
                *groups.entry(database.as_str()).or_insert_with(|| {
                    let id = ids.id("db", database.as_str());
                    graph.group(
                        &id,
                        Label::new(&format!("shared database: {}", database.value)),
                        GroupKind::SharedDatabase,
                    )
                })
            });
        let kind = match service.kind {
            ServiceKind::Frontend => NodeKind::Frontend,
            ServiceKind::External => NodeKind::External,
            _ => NodeKind::Service,
        };
        let mut label = Label::new(service.label());
        if service.label() != service.id.as_str() {
            label.push(service.id.as_str());
        }
        let id = ids.id("s", service.code_or_id());
        if group.is_none() {
            match kind {
                NodeKind::Frontend => graph.first.push(id.clone()),
                NodeKind::External => graph.last.push(id.clone()),
                _ => {}
            }
        }
        graph.node(&id, label, kind, group);
    }

    // (from, to, kind) -> label lines, in spec order of first appearance.
    let mut edges: Vec<((String, String, EdgeKind), Label)> = Vec::new();
    let mut at: BTreeMap<(String, String, EdgeKind), usize> = BTreeMap::new();
    for relation in &model.relations {
        let kind = edge_kind(relation.kind);
        let text = match relation.kind {
            RelationKind::Sync => relation.operation.as_ref().map(|o| o.value.clone()),
            RelationKind::Command => relation.message.as_ref().map(|m| {
                let replies: Vec<&str> = relation.reply.iter().map(|r| r.as_str()).collect();
                if replies.is_empty() {
                    m.value.clone()
                } else {
                    format!("{}\nreply: {}", m.value, replies.join(" | "))
                }
            }),
            _ => relation.message.as_ref().map(|m| m.value.clone()),
        };
        let from = node_id(model, &mut ids, relation.from.as_str());
        for to in &relation.to {
            let key = (from.clone(), node_id(model, &mut ids, to.as_str()), kind);
            let index = *at.entry(key.clone()).or_insert_with(|| {
                edges.push((key, Label::default()));
                edges.len() - 1
            });
            if let Some(text) = &text {
                let label = &mut edges[index].1;
                if !label.lines.iter().any(|line| line == text) {
                    label.push(text);
                }
            }
        }
    }
    for ((from, to, kind), label) in edges {
        graph.edge(&from, &to, label, kind);
    }
    super::legend::add(&mut graph, &mut ids);
    graph
}

/// The node id of a service; an unknown service (an error finding, so never rendered in
/// practice) still gets an id rather than a panic.
pub(super) fn node_id(model: &Model, ids: &mut Ids, service: &str) -> String {
    let key = model.service(service).map_or(service, |s| s.code_or_id());
    ids.id("s", key)
}

fn edge_kind(kind: RelationKind) -> EdgeKind {
    match kind {
        RelationKind::Sync => EdgeKind::Sync,
        RelationKind::Event => EdgeKind::Event,
        RelationKind::Command => EdgeKind::Command,
        RelationKind::Message => EdgeKind::Message,
    }
}
