use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::load::{LoadTable, format_number};
use crate::model::{Model, ServiceKind};

declare_rule! {
    /// A service that the spike reaches declares no `capacity`, so whether it holds is unknown.
    ///
    /// ## What it does
    /// Reports a service (not a frontend or an external system) that gets load at the
    /// spike — its own `peak` or synchronous calls from services that have one — and
    /// declares no `capacity`. Services only reached by asynchronous messages are left
    /// alone: their messages queue.
    ///
    /// ## Why is this bad?
    /// The method's failure case (docs/method.md#load-at-a-spike):
    /// scaling servers and databases has a limit. A service on the spike's synchronous
    /// path without a declared limit is the one nobody checked before launch day;
    /// `capacity-exceeded` can only compare figures that are written down.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web: { kind: frontend, peak: 3000 }
    ///   catalog: {}
    /// relations:
    ///   - { from: web, to: catalog, type: sync, operation: GET /products }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   web: { kind: frontend, peak: 3000 }
    ///   catalog: { capacity: 5000 }   # requests/s it holds, from a load test
    /// relations:
    ///   - { from: web, to: catalog, type: sync, operation: GET /products }
    /// ```
    pub static META = ("capacity-undeclared", Info);
}

/// The findings for one load table.
pub fn findings(model: &Model, table: &LoadTable) -> Vec<Finding> {
    let mut out = Vec::new();
    for (service, row) in model.services.iter().zip(&table.services) {
        if service.kind != ServiceKind::Service || service.capacity.is_some() {
            continue;
        }
        let load = match row.load {
            Some(load) if load > 0.0 => format!("{} req/s", format_number(load)),
            Some(_) => continue,
            None => "an unbounded load (a synchronous cycle)".to_owned(),
        };
        out.push(
            META.finding(
                service.id.span,
                format!(
                    "`{}` gets {load} at the spike but declares no `capacity`: whether it \
                     holds is unknown",
                    service.id.value
                ),
            )
            .with_help(format!(
                "declare `capacity:` on `{}` (the requests/s it holds, e.g. from a load test) \
                 so that the spike can be checked against it",
                service.id.value
            )),
        );
    }
    out
}
