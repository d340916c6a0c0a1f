use std::collections::VecDeque;

use super::graph::{Edge, SyncGraph};
use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::rules::Context;

declare_rule! {
    /// Services call each other synchronously in a cycle.
    ///
    /// ## What it does
    /// Reports each group of services that call each other synchronously (a strongly
    /// connected component of the `sync` relations) once, with one concrete cycle
    /// through it, such as `order -> payment -> order`, at the relation that closes
    /// it: the one written last in the spec. A service that calls itself is a cycle too.
    ///
    /// ## Why is this bad?
    /// A synchronous caller waits until the callee answers, so every service in a
    /// synchronous chain must be up at once
    /// (docs/method.md#synchronous-calls-and-availability). In a cycle each service waits,
    /// directly or not, on itself: one slow service holds every thread of the others, a
    /// request can loop without end, and no service in it can be deployed or fail on its
    /// own. Its load at a spike has no finite bound either.
    ///
    /// ## Example
    /// ```yaml
    /// relations:
    ///   - { from: order, to: payment, type: sync, operation: POST /payments }
    ///   - { from: payment, to: order, type: sync, operation: "GET /orders/{id}" }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// relations:
    ///   - { from: order, to: payment, type: sync, operation: POST /payments }
    ///   - { from: payment, to: order, type: event, message: PaymentAuthorized, data: Payment }
    /// ```
    pub static META = ("sync-cycle", Error);
}

/// Reports one cycle per strongly connected component of the sync calls.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    let model = context.model;
    let graph = SyncGraph::of(model);
    let components = graph.cyclic_components();
    let mut component_of = vec![usize::MAX; graph.len()];
    for (id, members) in components.iter().enumerate() {
        for &node in members {
            component_of[node] = id;
        }
    }
    for (id, members) in components.iter().enumerate() {
        let Some((caller, closing)) = closing_edge(&graph, &component_of, id, members) else {
            continue;
        };
        let cycle = cycle_through(&graph, &component_of, id, caller, closing);
        let names: Vec<&str> = cycle.iter().map(|&node| graph.services[node]).collect();
        let relation = &model.relations[closing.relation];
        let mut message = format!("synchronous call cycle: {}", names.join(" -> "));
        // The cycle named is one of several when the group is larger than it.
        if members.len() + 1 > cycle.len() {
            let all: Vec<&str> = members.iter().map(|&n| graph.services[n]).collect();
            message.push_str(&format!(
                " (services {} all call each other synchronously)",
                all.join(", ")
            ));
        }
        let help = help(graph.services[caller], graph.services[closing.to]);
        out.push(META.finding(relation.span, message).with_help(help));
    }
}

/// How to break the cycle at its closing call `caller -> callee`.
fn help(caller: &str, callee: &str) -> String {
    if caller == callee {
        return format!(
            "{caller} calls itself over the network: call the code in-process, or hand the \
             work to itself asynchronously"
        );
    }
    // The method: an event carries what its consumers need, so they need not call back.
    format!(
        "break the cycle at one call, e.g. this one: instead of {caller} calling {callee}, \
         have {callee} publish an event carrying what {caller} needs, or send {callee} a \
         command whose reply {caller} handles asynchronously"
    )
}

/// The call inside the component written last in the spec, as (caller, edge): the one
/// that closes the cycle. A call between two services beats a self-call, which would
/// name one service only.
fn closing_edge<'g>(
    graph: &'g SyncGraph<'_>,
    component_of: &[usize],
    id: usize,
    members: &[usize],
) -> Option<(usize, &'g Edge)> {
    members
        .iter()
        .flat_map(|&from| graph.edges[from].iter().map(move |edge| (from, edge)))
        .filter(|(_, edge)| component_of[edge.to] == id)
        .max_by_key(|(from, edge)| (*from != edge.to, edge.relation))
}

/// The shortest cycle through `caller -> closing.to`: a breadth-first search inside the
/// component from the callee back to the caller (each node visited once: linear).
fn cycle_through(
    graph: &SyncGraph<'_>,
    component_of: &[usize],
    id: usize,
    caller: usize,
    closing: &Edge,
) -> Vec<usize> {
    let start = closing.to;
    let mut parent: Vec<Option<usize>> = vec![None; graph.len()];
    let mut seen = vec![false; graph.len()];
    let mut queue = VecDeque::from([start]);
    seen[start] = true;
    while let Some(node) = queue.pop_front() {
        if node == caller {
            break;
        }
        for edge in &graph.edges[node] {
            if component_of[edge.to] == id && !seen[edge.to] {
                seen[edge.to] = true;
                parent[edge.to] = Some(node);
                queue.push_back(edge.to);
            }
        }
    }
    // Walk back from the caller to the callee, then close the loop.
    let mut path = vec![caller];
    let mut node = caller;
    while node != start {
        match parent[node] {
            Some(previous) => {
                path.push(previous);
                node = previous;
            }
            // Unreachable inside a strongly connected component; stay total anyway.
            None => break,
        }
    }
    path.reverse();
    path.push(start);
    path
}
