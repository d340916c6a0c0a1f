//! Load at a spike: how the requests arriving at the entry points (`peak`) spread over
//! the services through synchronous calls, against what each service holds (`capacity`).
//!
//! The source document's failure case (docs/method.md#load-at-a-spike): a price
//! promotion sends users crowding in at once, mostly reads; scaling has a limit, and the
//! fix is in the design. The formulas are fixed by the format page ("Load at a spike"):
//!
//! - `load(S) = peak(S) + Σ over sync relations U -> S of rate × load(U)`
//! - `queued(S) = Σ over async relations U -> S of rate × load(U)`
//! - `utilization(S) = load(S) / capacity(S)` (none without a capacity)
//! - `reads(S)`: the share of the synchronous calls into S that are reads (`GET`/`HEAD`),
//!   **weighted by request volume** (`rate × load(U)` per relation), so that a relation
//!   carrying 9,000 req/s counts 9,000 times more than one carrying 1 req/s. `None` when
//!   no synchronous call comes in (no sync relation, or none carries any load).
//!
//! The computation is linear in services + relations: the strongly connected components
//! of the synchronous graph (petgraph, iterative Kosaraju) are visited once in
//! topological order. A component with a cycle (or a service calling itself) that any
//! load reaches has no finite load: its services, and every service downstream of them,
//! are *unbounded* (`load: None`). Nothing is ever looped on.
//!
//! The JSON `load` array ([`json_rows`], used by `analyze --format json` when a `peak` is
//! declared and by `edasmith load --format json`) has one row per service **in spec order**
//! (the order of `model.services`, files in the order given): `service`, `peak`, `load`
//! (null when unbounded), `capacity`, `utilization` (null without a capacity or when
//! unbounded), `queued`, `reads` (0..1), `unbounded`, and for a service over its capacity
//! `paths`: up to three paths from entry points that bring most of its load, heaviest
//! first. Whole numbers are JSON integers; others are rounded to 6 decimals.
//!
//! For a diagram: [`LoadTable::services`] has the figures per service (index = position in
//! `model.services`), [`LoadTable::edges`] the flow per relation and target.
//!
//! Values the model builder already rejected (`invalid-value`: negative, NaN, infinite)
//! are read as absent: no peak, no capacity, the default rate 1. A load that overflows
//! `f64` is reported as unbounded.

use std::collections::HashMap;

use petgraph::Graph;
use petgraph::algo::kosaraju_scc;
use petgraph::graph::NodeIndex;
use serde::Serialize;
use smol_str::SmolStr;

use crate::model::{Model, RelationKind};
use crate::names::did_you_mean_or;

pub mod render;

/// Per-service figures and per-edge flows for one scenario (the spec's peaks, possibly
/// with overrides). Rows follow `model.services` (spec order).
#[derive(Debug, Default)]
pub struct LoadTable {
    pub services: Vec<ServiceLoad>,
    /// One edge per (relation, target service) pair, in relation order, for every
    /// relation whose both ends are known services: sync and async alike.
    pub edges: Vec<EdgeLoad>,
    index: HashMap<SmolStr, usize>,
}

/// The figures of one service.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceLoad {
    /// Index into `model.services` (and into `LoadTable::services`).
    pub service: usize,
    pub id: SmolStr,
    /// Requests/s arriving from outside (0 when not declared).
    pub peak: f64,
    /// Requests/s arriving at the spike; `None` when unbounded (a sync cycle feeds it).
    pub load: Option<f64>,
    pub capacity: Option<f64>,
    /// Requests/s arriving by asynchronous messages; `None` when an unbounded service
    /// sends them.
    pub queued: Option<f64>,
    /// Share of the incoming synchronous request volume that is reads.
    pub reads: Option<f64>,
    /// The incoming sync edge (index into `LoadTable::edges`) that brings the most load,
    /// or `None` when the service's own peak is its largest source (or nothing comes in).
    pub heaviest: Option<usize>,
    /// Incoming sync edges (indices into `LoadTable::edges`), in relation order.
    pub incoming: Vec<usize>,
    /// The entry point the heaviest path starts at, and its number of edges.
    pub root: usize,
    pub depth: usize,
}

impl ServiceLoad {
    pub fn unbounded(&self) -> bool {
        self.load.is_none()
    }

    /// `load / capacity`; `None` without a capacity. An unbounded load with a capacity
    /// is infinitely over it: `Some(f64::INFINITY)`.
    pub fn utilization(&self) -> Option<f64> {
        let capacity = self.capacity?;
        match self.load {
            None => Some(f64::INFINITY),
            Some(load) if capacity > 0.0 => Some(load / capacity),
            Some(load) if load > 0.0 => Some(f64::INFINITY),
            Some(_) => Some(0.0),
        }
    }

    /// More load than the declared capacity (an unbounded load always is).
    pub fn overloaded(&self) -> bool {
        self.utilization().is_some_and(|u| u > 1.0)
    }

    /// The level a table or a diagram colours the service by; `None` without a capacity.
    pub fn level(&self) -> Option<Level> {
        self.utilization().map(Level::of)
    }
}

/// Utilization levels, as the table's colours and a load diagram's legend show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Under 70 %.
    Low,
    /// 70 % to 100 %.
    High,
    /// Over 100 % (or unbounded).
    Over,
}

impl Level {
    pub fn of(utilization: f64) -> Level {
        if utilization > 1.0 {
            Level::Over
        } else if utilization >= 0.7 {
            Level::High
        } else {
            Level::Low
        }
    }

    /// The legend's wording.
    pub fn label(self) -> &'static str {
        match self {
            Level::Low => "under 70 %",
            Level::High => "70-100 %",
            Level::Over => "over 100 %",
        }
    }
}

/// One relation to one target, with what flows along it.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeLoad {
    /// Index into `model.relations`.
    pub relation: usize,
    pub from: usize,
    pub to: usize,
    pub kind: RelationKind,
    /// Calls per request (`rate`, default 1).
    pub rate: f64,
    /// `rate × load(from)`; `None` when `from` is unbounded and the rate is positive.
    pub flow: Option<f64>,
    /// A synchronous `GET`/`HEAD` operation.
    pub read: bool,
}

/// A path from an entry point to a service along the heaviest contributors.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadPath {
    /// The entry point: the service whose own peak starts the path.
    pub start: usize,
    /// The sync edges walked, from the entry point on; the first `skipped` ones are left
    /// out on a long path (the last [`MAX_PATH_EDGES`] are kept).
    pub edges: Vec<usize>,
    pub skipped: usize,
    /// Requests/s the path's last edge (or the entry's own peak) brings to the service.
    pub load: Option<f64>,
}

impl LoadTable {
    /// The row of a service by id.
    pub fn get(&self, id: &str) -> Option<&ServiceLoad> {
        self.index.get(id).map(|&index| &self.services[index])
    }

    /// Whether any service has a positive peak (the JSON report shows `load` only then).
    pub fn has_peak(&self) -> bool {
        self.services.iter().any(|row| row.peak > 0.0)
    }

    /// The path that brings the most load to `service`: follow each service's heaviest
    /// contributor back to an entry point. At most [`MAX_PATH_EDGES`] edges are walked.
    pub fn heaviest_path(&self, service: usize) -> LoadPath {
        let Some(row) = self.services.get(service) else {
            return LoadPath {
                start: service,
                edges: Vec::new(),
                skipped: 0,
                load: None,
            };
        };
        let mut edges = Vec::new();
        let mut current = service;
        while let Some(edge) = self.services[current].heaviest {
            if edges.len() == MAX_PATH_EDGES {
                break;
            }
            edges.push(edge);
            current = self.edges[edge].from;
        }
        edges.reverse();
        let load = match edges.last() {
            Some(&edge) => self.edges[edge].flow,
            None => row.load,
        };
        LoadPath {
            start: row.root,
            skipped: row.depth.saturating_sub(edges.len()),
            edges,
            load,
        }
    }

    /// The paths that bring most of a service's load, heaviest first: its own peak, and
    /// for each incoming sync relation the heaviest path through the caller. At most
    /// `limit` paths; contributions of zero are left out.
    pub fn top_paths(&self, service: usize, limit: usize) -> Vec<LoadPath> {
        let Some(row) = self.services.get(service) else {
            return Vec::new();
        };
        let mut paths = Vec::new();
        if row.peak > 0.0 {
            paths.push(LoadPath {
                start: service,
                edges: Vec::new(),
                skipped: 0,
                load: Some(row.peak),
            });
        }
        for &edge in &row.incoming {
            let flow = self.edges[edge].flow;
            if flow == Some(0.0) {
                continue;
            }
            let mut path = self.heaviest_path(self.edges[edge].from);
            path.edges.push(edge);
            if path.edges.len() > MAX_PATH_EDGES {
                path.edges.remove(0);
                path.skipped += 1;
            }
            path.load = flow;
            paths.push(path);
        }
        // Unbounded first, then by load; the sort is stable, so ties keep relation order.
        paths.sort_by(|a, b| {
            let key = |path: &LoadPath| path.load.unwrap_or(f64::INFINITY);
            key(b).total_cmp(&key(a))
        });
        paths.truncate(limit);
        paths
    }

    /// `web -> catalog (GET /products) x3 -> pricing (GET /prices)`: the rate is shown
    /// when it is not 1.
    pub fn path_text(&self, model: &Model, path: &LoadPath) -> String {
        let mut text = service_id(model, path.start).to_owned();
        if path.skipped > 0
            && let Some(&first) = path.edges.first()
        {
            let from = self.edges[first].from;
            text.push_str(&format!(
                " -> … ({} services) -> {}",
                format_number(path.skipped.saturating_sub(1) as f64),
                service_id(model, from)
            ));
        }
        for &edge in &path.edges {
            let edge = &self.edges[edge];
            text.push_str(" -> ");
            text.push_str(service_id(model, edge.to));
            if let Some(operation) = model
                .relations
                .get(edge.relation)
                .and_then(|relation| relation.operation.as_ref())
            {
                text.push_str(" (");
                text.push_str(&operation.value);
                text.push(')');
            }
            if edge.rate != 1.0 {
                text.push_str(" x");
                text.push_str(&format_number(edge.rate));
            }
        }
        text
    }
}

fn service_id(model: &Model, index: usize) -> &str {
    model
        .services
        .get(index)
        .map_or("?", |service| service.id.as_str())
}

/// A value the model builder accepts as a count of requests: finite and at least 0.
fn valid(value: f64) -> Option<f64> {
    (value.is_finite() && value >= 0.0).then_some(value)
}

/// Whether an operation is a read: its first word is `GET` or `HEAD`.
pub fn is_read(operation: &str) -> bool {
    let verb = operation.split_whitespace().next().unwrap_or("");
    verb.eq_ignore_ascii_case("GET") || verb.eq_ignore_ascii_case("HEAD")
}

/// A `--peak` naming no service (by id, nor by a display name only it has).
#[derive(Clone, Debug, thiserror::Error)]
#[error("--peak {service}={rps}: no service `{service}`; {help}", rps = format_number(*.rps))]
pub struct UnknownPeakService {
    pub service: String,
    pub rps: f64,
    /// The closest id, or the first services.
    pub help: String,
}

/// Service indices for peaks given by service id, else by display name: `(index into
/// model.services, req/s)`, or the first one naming no service.
pub fn resolve_peaks(
    model: &Model,
    peaks: &[(String, f64)],
) -> Result<Vec<(usize, f64)>, UnknownPeakService> {
    let mut resolved = Vec::with_capacity(peaks.len());
    for (id, rps) in peaks {
        let by_name = || {
            let mut named =
                model.services.iter().enumerate().filter(|(_, service)| {
                    service.name.as_ref().is_some_and(|name| name.value == *id)
                });
            match (named.next(), named.next()) {
                (Some((index, _)), None) => Some(index),
                _ => None,
            }
        };
        let Some(index) = model.service_position(id).or_else(by_name) else {
            let ids = model.services.iter().map(|service| service.id.as_str());
            let help = did_you_mean_or(id, ids, || {
                let first: Vec<String> = model
                    .services
                    .iter()
                    .take(12)
                    .map(|service| format!("`{}`", service.id.value))
                    .collect();
                format!("the services are: {}", first.join(", "))
            });
            return Err(UnknownPeakService {
                service: id.clone(),
                rps: *rps,
                help,
            });
        };
        resolved.push((index, *rps));
    }
    Ok(resolved)
}

/// The spec's load (its declared peaks).
pub fn analyze(model: &Model) -> LoadTable {
    analyze_with(model, &[])
}

/// The load with some peaks overridden or added: `(index into model.services, req/s)`.
/// Later overrides of the same service win; invalid values are ignored.
pub fn analyze_with(model: &Model, peaks: &[(usize, f64)]) -> LoadTable {
    let count = model.services.len();
    let mut index = HashMap::with_capacity(count);
    let mut services: Vec<ServiceLoad> = model
        .services
        .iter()
        .enumerate()
        .map(|(position, service)| {
            index.insert(service.id.value.clone(), position);
            ServiceLoad {
                service: position,
                id: service.id.value.clone(),
                peak: service.peak.and_then(|p| valid(p.value)).unwrap_or(0.0),
                load: Some(0.0),
                capacity: service.capacity.and_then(|c| valid(c.value)),
                queued: Some(0.0),
                reads: None,
                heaviest: None,
                incoming: Vec::new(),
                root: position,
                depth: 0,
            }
        })
        .collect();
    for &(service, peak) in peaks {
        if let (Some(row), Some(peak)) = (services.get_mut(service), valid(peak)) {
            row.peak = peak;
        }
    }

    // Edges, in relation order, one per target; the graph holds the sync ones that carry
    // load.
    let mut edges = Vec::new();
    let mut graph: Graph<(), (), petgraph::Directed, u32> =
        Graph::with_capacity(count, model.relations.len());
    for _ in 0..count {
        graph.add_node(());
    }
    let mut outgoing_async: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut self_loop = vec![false; count];
    for (position, relation) in model.relations.iter().enumerate() {
        let Some(&from) = index.get(relation.from.as_str()) else {
            continue;
        };
        let rate = relation.rate.and_then(|r| valid(r.value)).unwrap_or(1.0);
        let sync = relation.kind == RelationKind::Sync;
        let read = sync
            && relation
                .operation
                .as_ref()
                .is_some_and(|operation| is_read(&operation.value));
        for target in &relation.to {
            let Some(&to) = index.get(target.as_str()) else {
                continue;
            };
            let edge = edges.len();
            edges.push(EdgeLoad {
                relation: position,
                from,
                to,
                kind: relation.kind,
                rate,
                flow: Some(0.0),
                read,
            });
            if sync {
                services[to].incoming.push(edge);
                if rate > 0.0 {
                    graph.add_edge(NodeIndex::new(from), NodeIndex::new(to), ());
                    if from == to {
                        self_loop[from] = true;
                    }
                }
            } else {
                outgoing_async[from].push(edge);
            }
        }
    }

    // Kosaraju's components come sinks first: walk them backwards, callers before callees.
    let components = kosaraju_scc(&graph);
    let mut component_of = vec![0usize; count];
    for (id, component) in components.iter().enumerate() {
        for node in component {
            component_of[node.index()] = id;
        }
    }
    for (id, component) in components.iter().enumerate().rev() {
        let cyclic = component.len() > 1 || self_loop[component[0].index()];
        if cyclic {
            // Load that reaches a cycle goes round it forever.
            let mut reached = false;
            for node in component {
                let row = &services[node.index()];
                reached |= row.peak > 0.0;
                for &edge in &row.incoming {
                    let edge = &edges[edge];
                    if component_of[edge.from] != id && edge.rate > 0.0 {
                        reached |= services[edge.from].load.is_none_or(|load| load > 0.0);
                    }
                }
            }
            for node in component {
                let node = node.index();
                services[node].load = if reached { None } else { Some(0.0) };
                if !reached {
                    continue;
                }
                // The heaviest way in from outside the cycle, else a caller on the cycle
                // (loops of such pointers are cut below).
                let mut best: Option<(usize, f64)> = None;
                let mut inside = None;
                for &edge in &services[node].incoming {
                    let edge_data = &edges[edge];
                    if edge_data.rate <= 0.0 || edge_data.from == node {
                        continue;
                    }
                    if component_of[edge_data.from] == id {
                        inside = inside.or(Some(edge));
                        continue;
                    }
                    let part = services[edge_data.from]
                        .load
                        .map_or(f64::INFINITY, |load| edge_data.rate * load);
                    if part > best.map_or(services[node].peak, |(_, b)| b) {
                        best = Some((edge, part));
                    }
                }
                services[node].heaviest = match best {
                    Some((edge, _)) => Some(edge),
                    None if services[node].peak > 0.0 => None,
                    None => inside,
                };
            }
        } else {
            let node = component[0].index();
            let mut load = Some(services[node].peak);
            let mut heaviest: Option<(usize, f64)> = None;
            for &edge in &services[node].incoming {
                let edge_data = &edges[edge];
                if edge_data.rate <= 0.0 {
                    continue;
                }
                let contribution = services[edge_data.from].load.map(|l| edge_data.rate * l);
                load = match (load, contribution) {
                    (Some(total), Some(part)) => Some(total + part),
                    _ => None,
                };
                let part = contribution.unwrap_or(f64::INFINITY);
                if part > heaviest.map_or(services[node].peak, |(_, best)| best) {
                    heaviest = Some((edge, part));
                }
            }
            let row = &mut services[node];
            row.load = load.filter(|l| l.is_finite());
            row.heaviest = heaviest.map(|(edge, _)| edge);
        }
    }

    // Flows, queues and read shares, now that every load is known.
    for edge in &mut edges {
        edge.flow = if edge.rate == 0.0 {
            Some(0.0)
        } else {
            services[edge.from]
                .load
                .map(|load| edge.rate * load)
                .filter(|flow| flow.is_finite())
        };
    }
    for edges_out in &outgoing_async {
        for &edge in edges_out {
            let (to, flow) = (edges[edge].to, edges[edge].flow);
            let row = &mut services[to];
            row.queued = match (row.queued, flow) {
                (Some(total), Some(part)) => Some(total + part).filter(|q| q.is_finite()),
                _ => None,
            };
        }
    }
    for row in &mut services {
        row.reads = read_share(&row.incoming, &edges);
    }
    break_back_pointer_cycles(&mut services, &edges);
    set_roots(&mut services, &edges);
    LoadTable {
        services,
        edges,
        index,
    }
}

/// Unbounded services on one cycle may point at each other; cut such loops so that
/// [`LoadTable::heaviest_path`] walks a chain. Linear: each service is visited once.
fn break_back_pointer_cycles(services: &mut [ServiceLoad], edges: &[EdgeLoad]) {
    // 0 = unvisited, 1 = on the current walk, 2 = done.
    let mut state = vec![0u8; services.len()];
    for start in 0..services.len() {
        let mut walk = Vec::new();
        let mut current = start;
        while state[current] == 0 {
            state[current] = 1;
            walk.push(current);
            match services[current].heaviest {
                Some(edge) => current = edges[edge].from,
                None => break,
            }
        }
        if state[current] == 1 && services[current].heaviest.is_some() {
            // The walk came back to itself: the service where it closed starts the path.
            services[current].heaviest = None;
        }
        for service in walk {
            state[service] = 2;
        }
    }
}

/// Each service's heaviest-path entry point and length, memoized: linear overall.
fn set_roots(services: &mut [ServiceLoad], edges: &[EdgeLoad]) {
    let mut known = vec![false; services.len()];
    for start in 0..services.len() {
        let mut walk = Vec::new();
        let mut current = start;
        while !known[current] {
            match services[current].heaviest {
                Some(edge) => {
                    walk.push(current);
                    current = edges[edge].from;
                }
                None => {
                    services[current].root = current;
                    services[current].depth = 0;
                    known[current] = true;
                }
            }
        }
        // Back-pointer loops were cut, so the walk ended at a known service.
        while let Some(service) = walk.pop() {
            services[service].root = services[current].root;
            services[service].depth = services[current].depth + 1;
            known[service] = true;
            current = service;
        }
    }
}

/// Volume-weighted share of reads among the incoming sync calls. Unbounded callers
/// dominate any finite volume: then the share is counted over the unbounded relations.
fn read_share(incoming: &[usize], edges: &[EdgeLoad]) -> Option<f64> {
    let unbounded: Vec<&EdgeLoad> = incoming
        .iter()
        .map(|&edge| &edges[edge])
        .filter(|edge| edge.flow.is_none())
        .collect();
    if !unbounded.is_empty() {
        let reads = unbounded.iter().filter(|edge| edge.read).count();
        return Some(reads as f64 / unbounded.len() as f64);
    }
    let (mut reads, mut total) = (0.0, 0.0);
    for &edge in incoming {
        let flow = edges[edge].flow.unwrap_or(0.0);
        total += flow;
        if edges[edge].read {
            reads += flow;
        }
    }
    (total > 0.0 && total.is_finite()).then(|| reads / total)
}

/// `11,000`, `2,500.5`, `0.25`: thousands separators, at most two decimals.
pub fn format_number(value: f64) -> String {
    if !value.is_finite() {
        return if value.is_nan() { "?" } else { "∞" }.to_owned();
    }
    if value.abs() >= 1e15 {
        // Exact decimal formatting of huge floats is slow and unreadable.
        return format!("{value:.3e}");
    }
    let rounded = (value * 100.0).round() / 100.0;
    let text = if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        let text = format!("{rounded:.2}");
        text.trim_end_matches('0').to_owned()
    };
    let (sign, text) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let mut grouped = String::new();
    for (position, digit) in whole.chars().enumerate() {
        if position > 0 && (whole.len() - position) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{sign}{grouped}.{fraction}"),
        None => format!("{sign}{grouped}"),
    }
}

/// `110%`, `85.5%`, `∞%`.
pub fn format_percent(ratio: f64) -> String {
    if !ratio.is_finite() {
        return "∞%".to_owned();
    }
    let percent = (ratio * 1000.0).round() / 10.0;
    if percent.fract() == 0.0 || percent >= 100.0 {
        format!("{}%", format_number(percent.round()))
    } else {
        format!("{percent:.1}%")
    }
}

/// One row of the JSON `load` array (format page: "JSON report").
#[derive(Debug, Serialize)]
pub struct LoadRow {
    pub service: SmolStr,
    pub peak: JsonNumber,
    pub load: Option<JsonNumber>,
    pub capacity: Option<JsonNumber>,
    pub utilization: Option<JsonNumber>,
    pub queued: Option<JsonNumber>,
    pub reads: Option<JsonNumber>,
    pub unbounded: bool,
    /// For a service over its capacity: the paths that bring most of its load.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<PathRow>,
}

#[derive(Debug, Serialize)]
pub struct PathRow {
    pub path: String,
    /// The entry point, then the services of the calls shown.
    pub services: Vec<String>,
    /// Calls left out after the entry point on a long path.
    #[serde(skip_serializing_if = "is_zero")]
    pub skipped: usize,
    pub load: Option<JsonNumber>,
}

/// A number for JSON: whole values as integers, others rounded to 6 decimals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JsonNumber(pub f64);

impl Serialize for JsonNumber {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = self.0;
        if !value.is_finite() {
            return serializer.serialize_none();
        }
        let rounded = if value.abs() < 1e9 {
            (value * 1e6).round() / 1e6
        } else {
            value
        };
        if rounded.fract() == 0.0 && rounded.abs() < 9.0e15 {
            serializer.serialize_i64(rounded as i64)
        } else {
            serializer.serialize_f64(rounded)
        }
    }
}

/// The longest path shown: the calls nearest the service are kept.
pub const MAX_PATH_EDGES: usize = 12;

/// How many paths the JSON report gives per overloaded service.
pub const PATHS_PER_SERVICE: usize = 3;

fn is_zero(value: &usize) -> bool {
    *value == 0
}

/// The JSON rows: every service, in spec order (the order of `model.services`).
pub fn json_rows(model: &Model, table: &LoadTable) -> Vec<LoadRow> {
    table
        .services
        .iter()
        .map(|row| LoadRow {
            service: row.id.clone(),
            peak: JsonNumber(row.peak),
            load: row.load.map(JsonNumber),
            capacity: row.capacity.map(JsonNumber),
            utilization: row.utilization().filter(|u| u.is_finite()).map(JsonNumber),
            queued: row.queued.map(JsonNumber),
            reads: row.reads.map(JsonNumber),
            unbounded: row.unbounded(),
            paths: if row.overloaded() {
                table
                    .top_paths(row.service, PATHS_PER_SERVICE)
                    .iter()
                    .map(|path| PathRow {
                        path: table.path_text(model, path),
                        services: std::iter::once(path.start)
                            .chain(path.edges.iter().map(|&edge| table.edges[edge].to))
                            .map(|service| service_id(model, service).to_owned())
                            .collect(),
                        load: path.load.map(JsonNumber),
                        skipped: path.skipped,
                    })
                    .collect()
            } else {
                Vec::new()
            },
        })
        .collect()
}

#[cfg(test)]
mod tests;
