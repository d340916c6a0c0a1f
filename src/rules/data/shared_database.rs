use std::collections::HashMap;

use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::model::Name;
use crate::rules::Context;

declare_rule! {
    /// Two or more services declare the same `database`.
    ///
    /// ## What it does
    /// Groups services by `database` and reports each shared database once, at the second
    /// service's `database`, naming every service on it.
    ///
    /// ## Why is this bad?
    /// One microservice owns its own database: database per service
    /// (docs/method.md#database-per-service). Services that share tables are coupled
    /// through them: a schema change breaks both, either can change the other's data behind
    /// its back, and no event announces it. Loose coupling and independent releases, the
    /// point of the architecture, are lost.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   contract: { name: 계약, database: crm-db }
    ///   customer: { name: 고객, database: crm-db }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   contract: { name: 계약, database: contract-db }
    ///   customer: { name: 고객, database: customer-db }
    /// ```
    pub static META = ("shared-database", Warning);
}

/// Reports each shared database once, in the order the databases first appear.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    let mut order: Vec<&str> = Vec::new();
    // database -> (service id, its `database` value), in spec order.
    let mut users: HashMap<&str, Vec<(&Name, &Name)>> = HashMap::new();
    for service in &context.model.services {
        let Some(database) = service
            .database
            .as_ref()
            .filter(|d| !d.value.trim().is_empty())
        else {
            continue;
        };
        let list = users.entry(database.as_str()).or_default();
        if list.is_empty() {
            order.push(database.as_str());
        }
        list.push((&service.id, database));
    }
    for database in order {
        if let Some(services) = users.get(database)
            && let [first, second, ..] = services.as_slice()
        {
            out.push(shared(database, services, *first, *second));
        }
    }
}

fn shared(
    database: &str,
    services: &[(&Name, &Name)],
    (first, first_at): (&Name, &Name),
    (_, at): (&Name, &Name),
) -> Finding {
    let names: Vec<&str> = services.iter().map(|(id, _)| id.as_str()).collect();
    META.finding(
        at.span,
        format!(
            "database `{database}` is shared by services `{}`",
            names.join("`, `")
        ),
    )
    .with_help(
        "give each service its own database; share data through events that carry it, \
         or through commands to the owner",
    )
    .with_related(
        first_at.span,
        format!("`{}` uses `{database}` here", first.value),
    )
}
