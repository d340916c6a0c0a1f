use super::graph::{Edge, SyncGraph};
use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::model::{Model, ServiceKind};
use crate::rules::Context;

declare_rule! {
    /// A chain of synchronous calls is less available than `targets.availability`.
    ///
    /// ## What it does
    /// Multiplies the `availability` of the services along each synchronous call chain
    /// (a service without one counts as 100 %) and reports the chain when the product is
    /// below `targets.availability`. Each chain is reported once, from the service where
    /// it starts (one that no service calls synchronously, services on a cycle aside) to
    /// its end, at its first call, with its figure and its weakest link: the call into
    /// the least available service.
    ///
    /// From each starting service only the worst chain is reported. Of several equally
    /// bad chains, the one with more calls wins, then the one whose calls come first in
    /// the spec. The weakest link prefers calls between services to calls from a
    /// `frontend` (a user waits on those; the method's own example keeps the web's call
    /// synchronous and makes the services' calls asynchronous); on a tie in
    /// availability, the one farthest from the start wins, for the same reason.
    ///
    /// Services on a synchronous cycle are left out (sync-cycle reports them); so are
    /// chains whose calls lower nothing (every callee at 100 %), where only the
    /// starting service itself is below the target. The worst chain from every service
    /// is computed once, in reverse topological order: the check is linear in services
    /// plus calls, whatever the number of paths.
    ///
    /// ## Why is this bad?
    /// A synchronous caller waits until the callee answers, so every service in a
    /// synchronous chain must be up at once and availability drops with each one
    /// (docs/method.md#synchronous-calls-and-availability): three services
    /// at 99.95 % make a chain at 99.85 %. The method's remedy is asynchronous messaging:
    /// publish an event, or send a command whose reply is handled asynchronously.
    ///
    /// ## Example
    /// ```yaml
    /// targets: { availability: 99.9 }
    /// services:
    ///   web: { kind: frontend }
    ///   contract: { availability: 99.95 }
    ///   billing: { availability: 99.9 }
    /// relations:
    ///   - { from: web, to: contract, type: sync, operation: POST /terminations }
    ///   - { from: contract, to: billing, type: sync, operation: POST /final-bills }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// relations:
    ///   - { from: web, to: contract, type: sync, operation: POST /terminations }
    ///   - { from: contract, to: billing, type: command, message: SettleFinalBill,
    ///       reply: [FinalBillSettled, FinalBillSettlementFailed] }
    /// ```
    pub static META = ("sync-chain-availability", Warning);
}

/// Slack for floating point: 0.999 x 100 must not read as below a 99.9 target.
const EPSILON: f64 = 1e-9;

/// Chains longer than this are shown with their middle elided.
const SHOWN_SERVICES: usize = 10;

/// The worst chain starting at one service, as dynamic programming keeps it.
#[derive(Clone, Copy)]
struct Worst {
    /// Product of the availabilities along the chain, as a fraction.
    product: f64,
    calls: usize,
    /// The first call of the chain.
    next: Option<Edge>,
    /// The chain's last service.
    last: usize,
    /// The call into the least available service after the start: (caller, edge).
    weakest: Option<(usize, Edge)>,
}

/// Reports the worst chain from each starting service when it is below the target.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    let model = context.model;
    // A target outside 0..=100 is invalid-value's finding; comparing against it would
    // only add noise.
    let Some(target) = model
        .targets
        .availability
        .map(|t| t.value)
        .filter(|t| (0.0..=100.0).contains(t))
    else {
        return;
    };
    let graph = SyncGraph::of(model);
    let on_cycle = graph.on_cycle(&graph.cyclic_components());
    let availability: Vec<f64> = graph
        .services
        .iter()
        .map(|id| availability(model, id))
        .collect();
    let frontend: Vec<bool> = graph
        .services
        .iter()
        .map(|id| {
            model
                .service(id)
                .is_some_and(|s| s.kind == ServiceKind::Frontend)
        })
        .collect();
    let links = Links {
        availability: &availability,
        frontend: &frontend,
    };
    let order = graph.acyclic_order(&on_cycle);
    let worst = worst_chains(&graph, &on_cycle, &links, &order);
    let mut called = vec![false; graph.len()];
    for (_, edge) in graph.acyclic_edges(&on_cycle) {
        called[edge.to] = true;
    }
    for &start in order.iter().filter(|&&node| !called[node]) {
        let chain = &worst[start];
        let (Some(first), Some((_, weakest))) = (chain.next, chain.weakest) else {
            continue;
        };
        let lowers = chain.product < availability[start];
        if lowers && chain.product * 100.0 < target - EPSILON {
            let relation = &model.relations[first.relation];
            let finding = META
                .finding(
                    relation.span,
                    message(&graph, &worst, &availability, start, target),
                )
                .with_help(help(&graph, chain, &availability))
                .with_related(
                    model.relations[weakest.relation].span,
                    "the weakest link of the chain",
                );
            out.push(finding);
        }
    }
}

/// A service's availability as a fraction; undeclared or unreadable counts as 1 (the
/// loader reports values outside 0..=100).
fn availability(model: &Model, id: &str) -> f64 {
    model
        .service(id)
        .and_then(|service| service.availability)
        .map(|a| a.value / 100.0)
        .filter(|a| a.is_finite())
        .map_or(1.0, |a| a.clamp(0.0, 1.0))
}

/// The worst chain from every node off the cycles, callees first: each call is looked
/// at once, so this is O(services + calls).
fn worst_chains(
    graph: &SyncGraph<'_>,
    on_cycle: &[bool],
    links: &Links<'_>,
    order: &[usize],
) -> Vec<Worst> {
    let mut worst: Vec<Worst> = (0..graph.len())
        .map(|node| Worst {
            product: links.availability[node],
            calls: 0,
            next: None,
            last: node,
            weakest: None,
        })
        .collect();
    for &node in order.iter().rev() {
        let mut best: Option<Worst> = None;
        for edge in graph.edges[node].iter().filter(|e| !on_cycle[e.to]) {
            let candidate = extend(node, *edge, &worst[edge.to], links);
            if best.is_none_or(|b| worse(&candidate, &b)) {
                best = Some(candidate);
            }
        }
        if let Some(best) = best {
            worst[node] = best;
        }
    }
    worst
}

/// `node` calling `edge.to`, followed by the worst chain from there.
fn extend(node: usize, edge: Edge, rest: &Worst, links: &Links<'_>) -> Worst {
    let here = (node, edge);
    let weakest = match rest.weakest {
        // On a tie the link farther from the start wins.
        Some(further) if !links.weaker(here, further) => further,
        _ => here,
    };
    let availability = links.availability;
    Worst {
        product: availability[node] * rest.product,
        calls: rest.calls + 1,
        next: Some(edge),
        last: rest.last,
        weakest: Some(weakest),
    }
}

/// What makes one call a weaker link than another.
struct Links<'a> {
    availability: &'a [f64],
    frontend: &'a [bool],
}

impl Links<'_> {
    /// A call from a service beats one from a frontend; then the less available callee.
    fn weaker(&self, a: (usize, Edge), b: (usize, Edge)) -> bool {
        let (a_frontend, b_frontend) = (self.frontend[a.0], self.frontend[b.0]);
        if a_frontend != b_frontend {
            return b_frontend;
        }
        self.availability[a.1.to] < self.availability[b.1.to]
    }
}

/// Lower product first; on a tie, the longer (maximal) chain. Equal chains keep the
/// earlier call, because only a strictly worse candidate replaces the best so far.
fn worse(candidate: &Worst, best: &Worst) -> bool {
    match candidate.product.total_cmp(&best.product) {
        std::cmp::Ordering::Less => true,
        std::cmp::Ordering::Greater => false,
        std::cmp::Ordering::Equal => candidate.calls > best.calls,
    }
}

fn message(
    graph: &SyncGraph<'_>,
    worst: &[Worst],
    availability: &[f64],
    start: usize,
    target: f64,
) -> String {
    let chain = &worst[start];
    let weakest = chain
        .weakest
        .map(|(caller, edge)| {
            format!(
                "; weakest link: {} -> {} ({} %)",
                graph.services[caller],
                graph.services[edge.to],
                percent(availability[edge.to] * 100.0, 100.0)
            )
        })
        .unwrap_or_default();
    format!(
        "synchronous chain {} has availability {} %, below the target {} %{weakest}",
        chain_names(graph, worst, start),
        percent(chain.product * 100.0, target),
        target
    )
}

fn help(graph: &SyncGraph<'_>, chain: &Worst, availability: &[f64]) -> String {
    let Some((caller, edge)) = chain.weakest else {
        return String::new();
    };
    let callee = graph.services[edge.to];
    let mut help = format!(
        "every service of the chain must be up at once: make the call {} -> {callee} \
         asynchronous (an event {callee} reacts to, or a command with a reply)",
        graph.services[caller]
    );
    if availability[edge.to] < 1.0 {
        help.push_str(&format!(", or raise the availability of {callee}"));
    }
    help
}

/// `web -> order -> payment`, eliding the middle of very long chains (walking only the
/// services shown keeps the message cheap).
fn chain_names(graph: &SyncGraph<'_>, worst: &[Worst], start: usize) -> String {
    let mut names = vec![graph.services[start]];
    let mut node = start;
    while let Some(edge) = worst[node].next {
        if names.len() == SHOWN_SERVICES && worst[start].calls + 1 > SHOWN_SERVICES + 1 {
            let hidden = worst[start].calls + 1 - SHOWN_SERVICES - 1;
            let last = graph.services[worst[start].last];
            return format!("{} -> ... ({hidden} more) -> {last}", names.join(" -> "));
        }
        names.push(graph.services[edge.to]);
        node = edge.to;
    }
    names.join(" -> ")
}

/// A percentage with as few decimals as show it is below `limit` (99.85, not 99.8500),
/// so a figure just under the target never prints as the target itself.
fn percent(value: f64, limit: f64) -> String {
    let mut text = String::new();
    for decimals in 2..=9 {
        text = format!("{value:.decimals$}");
        if text.parse::<f64>().is_ok_and(|shown| shown < limit) {
            break;
        }
    }
    let trimmed = text.trim_end_matches('0').trim_end_matches('.');
    trimmed.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Options, analyze_str};

    /// The messages of this rule's findings for a spec.
    fn chains(spec: &str) -> Vec<String> {
        analyze_str("spec.yaml", spec, &Options::default())
            .findings
            .into_iter()
            .filter(|f| f.rule == META.name)
            .map(|f| f.message)
            .collect()
    }

    const SERVICES: &str = "targets: { availability: 99.9 }
services:
  a: { availability: 99.95 }
  b: { availability: 99.95 }
  c: { availability: 99.95 }
  d: { availability: 99.95 }
  e: { availability: 99.95 }
";

    #[test]
    fn reports_the_maximal_chain_from_each_start_once() {
        let spec = format!(
            "{SERVICES}relations:
  - {{ from: a, to: b, type: sync }}
  - {{ from: b, to: c, type: sync }}
  - {{ from: c, to: d, type: sync }}
"
        );
        let found = chains(&spec);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("synchronous chain a -> b -> c -> d has availability 99.8"));
        assert!(
            found[0].ends_with("weakest link: c -> d (99.95 %)"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn equal_chains_prefer_the_longer_then_the_first_written() {
        let services = "targets: { availability: 99.95 }
services:
  a: { availability: 99.95 }
  b: { availability: 99.95 }
  e: { availability: 99.95 }
  f: {}
";
        // a -> e and a -> b -> f are equally available (f counts as 100 %).
        let longer = format!(
            "{services}relations:
  - {{ from: a, to: e, type: sync }}
  - {{ from: a, to: b, type: sync }}
  - {{ from: b, to: f, type: sync }}
"
        );
        let found = chains(&longer);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("synchronous chain a -> b -> f has"),
            "{}",
            found[0]
        );
        // a -> e and a -> b are equal in every way: the first written wins.
        let first = format!(
            "{services}relations:
  - {{ from: a, to: e, type: sync }}
  - {{ from: a, to: b, type: sync }}
"
        );
        let found = chains(&first);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("synchronous chain a -> e has"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn the_weakest_link_is_a_call_between_services_before_one_from_a_frontend() {
        let spec = "targets: { availability: 99.9 }
services:
  web: { kind: frontend }
  a: { availability: 99.9 }
  b: { availability: 99.95 }
relations:
  - { from: web, to: a, type: sync }
  - { from: a, to: b, type: sync }
";
        let found = chains(spec);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].ends_with("weakest link: a -> b (99.95 %)"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn services_on_a_cycle_are_left_to_sync_cycle() {
        // a <-> b is a cycle; c -> d -> e below it is still a chain of its own.
        let spec = format!(
            "{SERVICES}relations:
  - {{ from: a, to: b, type: sync }}
  - {{ from: b, to: a, type: sync }}
  - {{ from: b, to: c, type: sync }}
  - {{ from: c, to: d, type: sync }}
  - {{ from: d, to: e, type: sync }}
"
        );
        let found = chains(&spec);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("synchronous chain c -> d -> e has"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn long_chains_are_elided_and_do_not_overflow_the_stack() {
        let mut spec = String::from("targets: { availability: 99.9 }\nservices:\n");
        for i in 0..3000 {
            spec.push_str(&format!("  s{i}: {{ availability: 99.99 }}\n"));
        }
        spec.push_str("relations:\n");
        for i in 0..2999 {
            spec.push_str(&format!(
                "  - {{ from: s{i}, to: s{}, type: sync }}\n",
                i + 1
            ));
        }
        let found = chains(&spec);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with("synchronous chain s0 -> s1 -> s2 -> s3 -> s4 -> s5 -> s6 -> s7 -> s8 -> s9 -> ... (2989 more) -> s2999 has"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn percentages_are_short_and_stay_below_the_limit() {
        assert_eq!(percent(99.85, 99.9), "99.85");
        assert_eq!(percent(99.899_999, 99.9), "99.899999");
        assert_eq!(percent(100.0, 100.0), "100");
        assert_eq!(percent(99.9, 100.0), "99.9");
    }
}
