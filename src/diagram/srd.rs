//! The service relation diagram: services, and the relations between them by type.

use std::collections::{BTreeMap, HashMap};

use smol_str::SmolStr;

use super::graph::{Direction, EdgeKind, Graph, GraphKind, GroupKind, Label, NodeKind, Tone};
use super::ids::Ids;
use crate::model::{Model, Relation, RelationKind, Service, ServiceKind};

/// Most services drawn left to right.
const LEFT_RIGHT_MAX: usize = 12;

/// Services as nodes (grouped by a database two or more of them share), relations as
/// edges; parallel relations of one type between two services share one edge.
pub fn build(model: &Model) -> Graph {
    let (mut graph, mut ids) = build_with(
        model,
        format!("SRD: {}", model.system_name()),
        |_, service| (service_label(service), None),
        |_, relation, _| (relation_text(relation), false),
    );
    super::legend::add(&mut graph, &mut ids);
    graph
}

/// The service's name, and its id below when they differ.
pub(super) fn service_label(service: &Service) -> Label {
    let mut label = Label::new(service.label());
    if service.label() != service.id.as_str() {
        label.push(service.id.as_str());
    }
    label
}

/// What the SRD writes on a relation: the operation, or the message (and a command's
/// replies).
fn relation_text(relation: &Relation) -> Option<String> {
    match relation.kind {
        RelationKind::Sync => relation.operation.as_ref().map(|o| o.value.to_string()),
        RelationKind::Command => relation.message.as_ref().map(|m| {
            let replies: Vec<&str> = relation.reply().iter().map(|r| r.as_str()).collect();
            if replies.is_empty() {
                m.value.to_string()
            } else {
                format!("{}\nreply: {}", m.value, replies.join(" | "))
            }
        }),
        _ => relation.message.as_ref().map(|m| m.value.to_string()),
    }
}

/// The SRD's layout with the caller's labels: the SRD and the load view draw the same
/// nodes, groups and edges. `node` gives a service's label and tone (by its index in
/// `model.services`); `edge` the text a relation adds to its edge towards one target
/// (by the relation's index in `model.relations`) and whether it is idle (an edge is
/// drawn faint when all its relations are). The legend is the caller's.
pub(super) fn build_with(
    model: &Model,
    title: String,
    mut node: impl FnMut(usize, &Service) -> (Label, Option<Tone>),
    mut edge: impl FnMut(usize, &Relation, &str) -> (Option<String>, bool),
) -> (Graph, Ids) {
    // Left to right reads best for a few services; a large SRD laid out left to right
    // becomes a band many times wider than high, so it goes top down.
    let direction = if model.services.len() > LEFT_RIGHT_MAX {
        Direction::TopDown
    } else {
        Direction::LeftRight
    };
    let mut graph = Graph::new(GraphKind::Flow, title, direction);
    // At most: every service, and an edge per relation and target (parallel ones share).
    let most_edges = (model.relations.iter())
        .map(|relation| relation.to.len())
        .sum::<usize>();
    graph.reserve(
        model.services.len() + super::legend::MOST_NODES,
        most_edges + super::legend::MOST_EDGES,
    );
    let mut ids = Ids::default();
    ids.reserve(&[("s", model.services.len())], 0);

    let mut users: BTreeMap<&str, usize> = BTreeMap::new();
    for service in &model.services {
        if let Some(database) = &service.database {
            *users.entry(database.as_str()).or_default() += 1;
        }
    }
    let mut groups: BTreeMap<&str, usize> = BTreeMap::new();
    for (position, service) in model.services.iter().enumerate() {
        let group = service
            .database
            .as_ref()
            .filter(|database| users.get(database.as_str()).copied().unwrap_or(0) > 1)
            .map(|database| {
                *groups.entry(database.as_str()).or_insert_with(|| {
                    let id = ids.id("db", database.as_str());
                    graph.group(
                        id,
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
        let (label, tone) = node(position, service);
        let id = ids.id("s", service.code_or_id());
        if group.is_none() {
            match kind {
                NodeKind::Frontend => graph.first.push(id.clone()),
                NodeKind::External => graph.last.push(id.clone()),
                _ => {}
            }
        }
        graph.toned_node(id, label, kind, group, tone);
    }

    // Parallel relations share one edge, in spec order of first appearance. The key is
    // what each end's node id is made from (`node_key`, one to one with the id), as a
    // number: a large SRD has tens of thousands of edges, and a table keyed by the two
    // names was the largest block of the whole diagram run (2.4 MB at 2,000 services,
    // with the copy it was growing out of). Sized for every edge up front, it never
    // grows.
    let mut ends = Ends::with_capacity(model.services.len());
    // Numbers of 32 bits halve the table: no spec that fits in memory has 2^32 edge ends
    // or edges (one per relation and target: a relation takes over 200 bytes).
    let mut at: HashMap<(u32, u32, EdgeKind), u32> = HashMap::with_capacity(most_edges);
    for (position, relation) in model.relations.iter().enumerate() {
        let kind = edge_kind(relation.kind);
        let from_key = node_key(model, relation.from.as_str());
        let from = ids.id("s", from_key);
        let from_end = ends.number(from_key);
        for to in &relation.to {
            let (text, idle) = edge(position, relation, to.as_str());
            let to_key = node_key(model, to.as_str());
            let to_id = ids.id("s", to_key);
            let key = (from_end, ends.number(to_key), kind);
            let index = *at.entry(key).or_insert_with(|| {
                graph.edge(from.clone(), to_id, Label::default(), kind);
                let index = graph.edges.len() - 1;
                // Faint until one of its relations carries something.
                graph.edges[index].faint = true;
                u32::try_from(index).expect("fewer than 2^32 edges")
            });
            let edge = &mut graph.edges[index as usize];
            edge.faint &= idle;
            if let Some(text) = &text
                && !edge.label.lines().any(|line| line == text)
            {
                edge.label.push(text);
            }
        }
    }
    (graph, ids)
}

/// A number for each edge end (a `node_key`), in the order first asked for.
struct Ends<'m> {
    numbers: HashMap<&'m str, u32>,
}

impl<'m> Ends<'m> {
    fn with_capacity(capacity: usize) -> Self {
        Ends {
            numbers: HashMap::with_capacity(capacity),
        }
    }

    fn number(&mut self, key: &'m str) -> u32 {
        let next = u32::try_from(self.numbers.len()).expect("fewer than 2^32 edge ends");
        *self.numbers.entry(key).or_insert(next)
    }
}

/// The node id of a service; an unknown service (an error finding, so never rendered in
/// practice) still gets an id rather than a panic.
pub(super) fn node_id(model: &Model, ids: &mut Ids, service: &str) -> SmolStr {
    ids.id("s", node_key(model, service))
}

/// What a service's node id is made from: its `code:` or id (the name as written when
/// unknown).
fn node_key<'m>(model: &'m Model, service: &'m str) -> &'m str {
    model.service(service).map_or(service, |s| s.code_or_id())
}

fn edge_kind(kind: RelationKind) -> EdgeKind {
    match kind {
        RelationKind::Sync => EdgeKind::Sync,
        RelationKind::Event => EdgeKind::Event,
        RelationKind::Command => EdgeKind::Command,
        RelationKind::Message => EdgeKind::Message,
    }
}
