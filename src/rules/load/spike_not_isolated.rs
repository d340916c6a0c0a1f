use std::collections::{HashMap, VecDeque};

use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::load::{self, LoadTable, format_number};
use crate::model::{Model, RelationKind, ServiceKind};

declare_rule! {
    /// An entry point with a `peak` shares its synchronous path or a database with the regular entry points.
    ///
    /// ## What it does
    /// Takes every service with a `peak` as a spike's entry point, and every frontend
    /// without one as a regular entry point. Reports a spike entry point that reaches,
    /// by synchronous calls, a service that a regular entry point also reaches (or is
    /// itself called by one), or a service whose database a regular entry point's
    /// services also use. Asynchronous relations end a path: their messages queue.
    ///
    /// ## Why is this bad?
    /// The method's failure case (docs/method.md#load-at-a-spike): at
    /// a price promotion, users crowd in at once and the load goes main page > product
    /// detail > order creation. Scaling has a limit; what works is surprisingly simple:
    /// keep the promotion's users away from the main, product and order pages. Build a
    /// simple first-come entry page for the promotion with its own database, so that the
    /// spike cannot take the regular users' path down with it.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web: { kind: frontend }
    ///   sale: { kind: frontend, peak: 5000 }   # the promotion lands on the shop's catalog
    ///   catalog: { database: catalog-db }
    /// relations:
    ///   - { from: web, to: catalog, type: sync, operation: GET /products }
    ///   - { from: sale, to: catalog, type: sync, operation: GET /products }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   web: { kind: frontend }
    ///   sale: { kind: frontend, peak: 5000 }
    ///   entry: { database: entry-db }          # first-come entries, own database
    ///   catalog: { database: catalog-db }
    ///   order: { database: order-db }
    /// relations:
    ///   - { from: web, to: catalog, type: sync, operation: GET /products }
    ///   - { from: sale, to: entry, type: sync, operation: POST /entries }
    ///   - { from: entry, to: order, type: command, message: CreateOrder,
    ///       reply: [OrderCreated, OrderRejected] }
    /// ```
    pub static META = ("spike-not-isolated", Warning);
}

/// The findings for one load table. Linear in services + relations: one forward search
/// from all regular entry points, then backward searches from what they reach.
pub fn findings(model: &Model, table: &LoadTable) -> Vec<Finding> {
    let count = table.services.len().min(model.services.len());
    let spikes: Vec<usize> = (0..count)
        .filter(|&s| table.services[s].peak > 0.0)
        .collect();
    let regular: Vec<usize> = (0..count)
        .filter(|&s| {
            model.services[s].kind == ServiceKind::Frontend && table.services[s].peak <= 0.0
        })
        .collect();
    if spikes.is_empty() || regular.is_empty() {
        return Vec::new();
    }
    let mut forward: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut backward: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (position, edge) in table.edges.iter().enumerate() {
        if edge.kind == RelationKind::Sync
            && edge.rate > 0.0
            && edge.from < count
            && edge.to < count
        {
            forward[edge.from].push(position);
            backward[edge.to].push(position);
        }
    }

    // Which regular entry point reaches each service first (spec order of entries).
    let mut regular_by: Vec<Option<usize>> = vec![None; count];
    let mut queue = VecDeque::new();
    for &entry in &regular {
        regular_by[entry] = Some(entry);
        queue.push_back(entry);
    }
    while let Some(service) = queue.pop_front() {
        for &edge in &forward[service] {
            let to = table.edges[edge].to;
            if regular_by[to].is_none() {
                regular_by[to] = regular_by[service];
                queue.push_back(to);
            }
        }
    }

    // Services outside the regular path whose database a regular path's service uses.
    let mut regular_databases: HashMap<&str, usize> = HashMap::new();
    for (service, by) in regular_by.iter().enumerate() {
        if by.is_some()
            && let Some(database) = &model.services[service].database
        {
            regular_databases
                .entry(database.as_str())
                .or_insert(service);
        }
    }
    let shares_database = |service: usize| -> Option<usize> {
        let database = model.services[service].database.as_ref()?;
        regular_databases
            .get(database.as_str())
            .copied()
            .filter(|&other| other != service)
    };

    let toward_path = toward(&backward, table, |s| regular_by[s].is_some());
    let toward_database = toward(&backward, table, |s| {
        regular_by[s].is_none() && shares_database(s).is_some()
    });

    let mut out = Vec::new();
    for &spike in &spikes {
        let Some(peak) = model.services[spike].peak else {
            // A `--peak` what-if added this one: there is no node to point at.
            continue;
        };
        let id = model.services[spike].id.as_str();
        let peak_text = format_number(table.services[spike].peak);
        let finding = if let Some((walk, shared)) = follow(&toward_path, table, spike) {
            let entry = regular_by[shared].unwrap_or(shared);
            let via = walk_text(model, table, spike, &walk);
            let shared_id = model.services[shared].id.as_str();
            let entry_id = model.services[entry].id.as_str();
            let what = if shared == spike {
                format!("is itself reached by calls from the regular entry point `{entry_id}`")
            } else if shared == entry {
                format!("calls the regular entry point `{entry_id}` (path: {via})")
            } else {
                format!(
                    "shares `{shared_id}` with the regular entry point `{entry_id}` (path: {via})"
                )
            };
            META.finding(
                peak.span,
                format!("the spike's entry point `{id}` ({peak_text} req/s) {what}"),
            )
            .with_related(
                model.services[entry].id.span,
                format!("regular entry point `{entry_id}`"),
            )
        } else if let Some((walk, shared)) = follow(&toward_database, table, spike) {
            let Some(other) = shares_database(shared) else {
                continue;
            };
            let database = model.services[shared]
                .database
                .as_ref()
                .map_or("?", |database| database.as_str());
            let via = walk_text(model, table, spike, &walk);
            META.finding(
                peak.span,
                format!(
                    "the spike's entry point `{id}` ({peak_text} req/s) reaches `{}` (path: {via}), \
                     whose database `{database}` the regular entry point `{}` also reaches \
                     through `{}`",
                    model.services[shared].id.as_str(),
                    model.services[regular_by[other].unwrap_or(other)]
                        .id
                        .as_str(),
                    model.services[other].id.as_str(),
                ),
            )
        } else {
            continue;
        };
        out.push(finding.with_help(
            "give the spike its own first-come entry page and service with their own \
             database, away from the main, product and order pages, and reach the shared \
             services by asynchronous messages (an event or a command) instead of calls",
        ));
    }
    out
}

/// Backward breadth-first search from the services `target` selects: for each service
/// that reaches one by sync calls, the first edge of a shortest way there.
fn toward(backward: &[Vec<usize>], table: &LoadTable, target: impl Fn(usize) -> bool) -> Vec<Step> {
    let mut steps = vec![Step::Unreached; backward.len()];
    let mut queue = VecDeque::new();
    for (service, step) in steps.iter_mut().enumerate() {
        if target(service) {
            *step = Step::Here;
            queue.push_back(service);
        }
    }
    while let Some(service) = queue.pop_front() {
        for &edge in &backward[service] {
            let from = table.edges[edge].from;
            if steps[from] == Step::Unreached {
                steps[from] = Step::Via(edge);
                queue.push_back(from);
            }
        }
    }
    steps
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Unreached,
    Here,
    Via(usize),
}

/// The edges from `start` to the first target, and that target.
fn follow(steps: &[Step], table: &LoadTable, start: usize) -> Option<(Vec<usize>, usize)> {
    let mut walk = Vec::new();
    let mut current = start;
    loop {
        match steps.get(current)? {
            Step::Unreached => return None,
            Step::Here => return Some((walk, current)),
            Step::Via(edge) => {
                if walk.len() > steps.len() {
                    return None;
                }
                walk.push(*edge);
                current = table.edges[*edge].to;
            }
        }
    }
}

fn walk_text(model: &Model, table: &LoadTable, start: usize, walk: &[usize]) -> String {
    table.path_text(
        model,
        &load::LoadPath {
            start,
            edges: walk.to_vec(),
            skipped: 0,
            load: None,
        },
    )
}
