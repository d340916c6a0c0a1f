//! An aggregate's lifecycle: its states, and the domain events that move it between
//! them. A transition with no `from` creates the aggregate: it starts at `[*]`.

use super::graph::{Direction, EdgeKind, Graph, GraphKind, Label, NodeKind};
use super::ids::Ids;
use crate::model::Data;

pub fn build(data: &Data) -> Graph {
    let mut graph = Graph::new(
        GraphKind::State,
        format!("lifecycle: {}", title(data)),
        Direction::LeftRight,
    );
    let mut ids = Ids::default();
    let start = "start";
    if data.transitions.iter().any(|t| t.from.is_empty()) {
        graph.node(start, Label::default(), NodeKind::Start, None);
    }
    let mut states: Vec<&str> = data.states.iter().map(|s| s.as_str()).collect();
    // A state only named by a transition (a finding) is still drawn.
    for transition in &data.transitions {
        for state in transition.from.iter().chain([&transition.to]) {
            if !states.contains(&state.as_str()) {
                states.push(state.as_str());
            }
        }
    }
    for state in &states {
        let id = ids.id("st", state);
        graph.node(id, Label::new(state), NodeKind::State, None);
    }
    for transition in &data.transitions {
        let to = ids.id("st", transition.to.as_str());
        let label = Label::new(transition.event.as_str());
        if transition.from.is_empty() {
            graph.edge(start, to.clone(), label.clone(), EdgeKind::Transition);
        }
        for from in &transition.from {
            let from = ids.id("st", from.as_str());
            graph.edge(from, to.clone(), label.clone(), EdgeKind::Transition);
        }
    }
    graph
}

fn title(data: &Data) -> String {
    if data.label() == data.id.as_str() {
        data.id.value.to_string()
    } else {
        format!("{} ({})", data.label(), data.id.value)
    }
}
