use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::load::{self, LoadTable, format_number, format_percent};
use crate::model::Model;

declare_rule! {
    /// A service gets more requests at the spike than its declared `capacity`.
    ///
    /// ## What it does
    /// Spreads each entry point's `peak` over the synchronous calls
    /// (`load(S) = peak(S) + Σ rate × load(U)` over sync relations `U -> S`) and reports
    /// every service whose load is above its `capacity`, with the ratio and the path from
    /// an entry point that brings most of the load. A service on (or behind) a
    /// synchronous cycle that the spike reaches has no finite load and is always over.
    /// `edasmith load SPEC --peak ID=RPS` shows the whole table and tries other peaks.
    ///
    /// ## Why is this bad?
    /// The method's failure case (docs/method.md#load-at-a-spike): a
    /// price promotion sends users crowding in at once, mostly reads, main page >
    /// product detail > order creation. Every synchronous call passes that spike on to
    /// the service behind it, and scaling servers or databases has a limit: the service
    /// falls over, and with it every synchronous chain through it. The way around is in
    /// the design: keep the promotion's users away from the main, product and order
    /// pages with a first-come entry page that has its own database, and decouple with
    /// asynchronous messages, which queue instead of passing the spike on.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web: { kind: frontend, peak: 3000 }
    ///   catalog: { capacity: 5000 }
    /// relations:
    ///   - { from: web, to: catalog, type: sync, operation: GET /products, rate: 3 }  # 9,000 req/s
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   web: { kind: frontend }
    ///   promo: { kind: frontend, peak: 3000 }          # the promotion's own entry page
    ///   entry: { database: entry-db, capacity: 5000 }  # first-come entries, own database
    ///   order: { database: order-db, capacity: 1000 }
    ///   catalog: { capacity: 5000 }
    /// relations:
    ///   - { from: web, to: catalog, type: sync, operation: GET /products }
    ///   - { from: promo, to: entry, type: sync, operation: POST /entries }
    ///   - { from: entry, to: order, type: command, message: CreateOrder,
    ///       reply: [OrderCreated, OrderRejected], rate: 0.05 }  # queued, not passed on
    /// ```
    pub static META = ("capacity-exceeded", Error);
}

/// The findings for one load table (the spec's peaks, or a `--peak` scenario).
pub fn findings(model: &Model, table: &LoadTable) -> Vec<Finding> {
    let mut out = Vec::new();
    for row in &table.services {
        if !row.overloaded() {
            continue;
        }
        let Some(service) = model.services.get(row.service) else {
            continue;
        };
        let Some(capacity) = service.capacity else {
            continue;
        };
        let path = table.heaviest_path(row.service);
        let path_text = if path.edges.is_empty() {
            format!("{} (its own peak)", row.id)
        } else {
            table.path_text(model, &path)
        };
        let capacity_text = format_number(row.capacity.unwrap_or(capacity.value));
        let message = match (row.load, row.utilization()) {
            (Some(load), Some(ratio)) => {
                let brings = match path.load {
                    Some(part) if !path.edges.is_empty() => {
                        format!(" ({} req/s)", format_number(part))
                    }
                    _ => String::new(),
                };
                format!(
                    "`{}` gets {} req/s at the spike, over its capacity of {capacity_text} req/s \
                     ({}); heaviest path: {path_text}{brings}",
                    row.id,
                    format_number(load),
                    format_percent(ratio),
                )
            }
            _ => format!(
                "`{}` has no finite load at the spike (it is on or behind a synchronous cycle, \
                 or the figures overflow), over any capacity ({capacity_text} req/s); \
                 heaviest path: {path_text}",
                row.id
            ),
        };
        out.push(
            META.finding(capacity.span, message)
                .with_help(help(model, table, row)),
        );
    }
    out
}

fn help(model: &Model, table: &LoadTable, row: &load::ServiceLoad) -> String {
    let path = table.heaviest_path(row.service);
    let entry = model
        .services
        .get(path.start)
        .map_or("the entry point", |service| service.id.as_str());
    let mut remedies = vec![format!(
        "isolate the spike: give the promotion its own first-come entry page and database \
         instead of sending it through `{entry}`"
    )];
    if let Some(&last) = path.edges.last() {
        let caller = table.edges[last].from;
        let caller = model
            .services
            .get(caller)
            .map_or("the caller", |service| service.id.as_str());
        remedies.push(format!(
            "turn the call from `{caller}` asynchronous (an event or a command: messages \
             queue instead of passing the spike on)"
        ));
    }
    if let Some(reads) = row.reads.filter(|&reads| reads > 0.0) {
        remedies.push(format!(
            "cache the read ({} of the calls into `{}` are reads)",
            format_percent(reads),
            row.id
        ));
    }
    let last = remedies.pop().unwrap_or_default();
    if remedies.is_empty() {
        last
    } else {
        format!("{}, or {last}", remedies.join(", "))
    }
}
