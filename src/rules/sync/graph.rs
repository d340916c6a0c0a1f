//! The graph of synchronous calls, built once per check in O(services + calls).
//!
//! Nodes are the services named by `sync` relations, in order of first appearance;
//! edges keep spec order (relations in file order, `to` lists left to right), which is
//! what every tie-break below relies on for deterministic output.

use std::collections::{HashMap, VecDeque};

use petgraph::Graph;
use petgraph::algo::kosaraju_scc;
use petgraph::graph::NodeIndex;

use crate::model::{Model, RelationKind};

/// One call `from -> to` of a sync relation.
#[derive(Clone, Copy, Debug)]
pub struct Edge {
    pub to: usize,
    /// Index of the relation in `model.relations`.
    pub relation: usize,
}

pub struct SyncGraph<'m> {
    pub services: Vec<&'m str>,
    /// Out-edges per node, in spec order.
    pub edges: Vec<Vec<Edge>>,
}

impl<'m> SyncGraph<'m> {
    pub fn of(model: &'m Model) -> Self {
        let mut graph = SyncGraph {
            services: Vec::new(),
            edges: Vec::new(),
        };
        let mut index: HashMap<&'m str, usize> = HashMap::new();
        for relation in model.relations_of(RelationKind::Sync) {
            let from = graph.node(&mut index, relation.from.as_str());
            for to in &relation.to {
                let to = graph.node(&mut index, to.as_str());
                graph.edges[from].push(Edge {
                    to,
                    relation: relation.index,
                });
            }
        }
        graph
    }

    fn node(&mut self, index: &mut HashMap<&'m str, usize>, id: &'m str) -> usize {
        *index.entry(id).or_insert_with(|| {
            self.services.push(id);
            self.edges.push(Vec::new());
            self.services.len() - 1
        })
    }

    pub fn len(&self) -> usize {
        self.services.len()
    }

    /// The strongly connected components that contain a cycle (several services, or
    /// one that calls itself), each as a sorted list of nodes, ordered by first node.
    ///
    /// Kosaraju's algorithm is used because petgraph's is iterative: a chain of
    /// thousands of services must not overflow the stack.
    pub fn cyclic_components(&self) -> Vec<Vec<usize>> {
        let mut graph: Graph<(), ()> = Graph::with_capacity(self.len(), 0);
        let nodes: Vec<NodeIndex> = (0..self.len()).map(|_| graph.add_node(())).collect();
        for (from, edges) in self.edges.iter().enumerate() {
            for edge in edges {
                graph.add_edge(nodes[from], nodes[edge.to], ());
            }
        }
        let mut components: Vec<Vec<usize>> = kosaraju_scc(&graph)
            .into_iter()
            .map(|component| {
                let mut members: Vec<usize> = component.into_iter().map(|n| n.index()).collect();
                members.sort_unstable();
                members
            })
            .filter(|members| match members.as_slice() {
                [single] => self.edges[*single].iter().any(|e| e.to == *single),
                _ => true,
            })
            .collect();
        components.sort_unstable();
        components
    }

    /// True for each node on a cycle.
    pub fn on_cycle(&self, components: &[Vec<usize>]) -> Vec<bool> {
        let mut on_cycle = vec![false; self.len()];
        for &node in components.iter().flatten() {
            on_cycle[node] = true;
        }
        on_cycle
    }

    /// The nodes off every cycle in topological order (callers before callees), by
    /// Kahn's algorithm over the calls between them; ties in node order.
    pub fn acyclic_order(&self, on_cycle: &[bool]) -> Vec<usize> {
        let mut incoming = vec![0usize; self.len()];
        for edge in self.acyclic_edges(on_cycle) {
            incoming[edge.1.to] += 1;
        }
        let mut ready: VecDeque<usize> = (0..self.len())
            .filter(|&node| !on_cycle[node] && incoming[node] == 0)
            .collect();
        let mut order = Vec::with_capacity(self.len());
        while let Some(node) = ready.pop_front() {
            order.push(node);
            for edge in self.edges[node].iter().filter(|e| !on_cycle[e.to]) {
                incoming[edge.to] -= 1;
                if incoming[edge.to] == 0 {
                    ready.push_back(edge.to);
                }
            }
        }
        order
    }

    /// Calls between two nodes that are both off every cycle, as (caller, edge).
    pub fn acyclic_edges<'g>(
        &'g self,
        on_cycle: &'g [bool],
    ) -> impl Iterator<Item = (usize, &'g Edge)> + 'g {
        self.edges
            .iter()
            .enumerate()
            .filter(move |(from, _)| !on_cycle[*from])
            .flat_map(|(from, edges)| edges.iter().map(move |edge| (from, edge)))
            .filter(move |(_, edge)| !on_cycle[edge.to])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Options, analyze_str};

    fn graph_of(relations: &str) -> (crate::analysis::Analysis, Vec<Vec<String>>, Vec<String>) {
        let text = format!("relations:\n{relations}");
        let analysis = analyze_str("spec.yaml", &text, &Options::default());
        let graph = SyncGraph::of(&analysis.model);
        let components = graph.cyclic_components();
        let names = |nodes: &[usize]| -> Vec<String> {
            nodes
                .iter()
                .map(|&n| graph.services[n].to_owned())
                .collect()
        };
        let cycles = components.iter().map(|c| names(c)).collect();
        let order = names(&graph.acyclic_order(&graph.on_cycle(&components)));
        (analysis, cycles, order)
    }

    #[test]
    fn finds_cycles_and_self_calls_and_orders_the_rest() {
        let (_, cycles, order) = graph_of(
            "  - { from: a, to: b, type: sync }\n\
             \x20 - { from: b, to: [c, d], type: sync }\n\
             \x20 - { from: c, to: b, type: sync }\n\
             \x20 - { from: e, to: e, type: sync }\n\
             \x20 - { from: d, to: f, type: sync }\n\
             \x20 - { from: a, to: f, type: sync }\n",
        );
        assert_eq!(
            cycles,
            vec![vec!["b".to_owned(), "c".to_owned()], vec!["e".to_owned()]]
        );
        assert_eq!(order, vec!["a", "d", "f"]);
    }

    #[test]
    fn callers_come_before_callees_whatever_the_spec_order() {
        let (_, cycles, order) = graph_of(
            "  - { from: c, to: d, type: sync }\n\
             \x20 - { from: b, to: c, type: sync }\n\
             \x20 - { from: a, to: b, type: sync }\n",
        );
        assert!(cycles.is_empty());
        assert_eq!(order, vec!["a", "b", "c", "d"]);
    }
}
