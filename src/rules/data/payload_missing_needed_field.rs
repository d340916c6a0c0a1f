use std::collections::HashSet;

use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::model::{Model, Name, Relation};
use crate::rules::Context;

declare_rule! {
    /// A consumer needs fields the payload does not carry.
    ///
    /// ## What it does
    /// Compares each consumer's `needs` with the relation's `payload` (by default all
    /// fields of its `data`) and names the fields it lacks, once per consumer. Fields the
    /// data does not have are left to `unknown-field`.
    ///
    /// ## Why is this bad?
    /// The event should carry the information its consumers need: then no consumer has to
    /// query the publishing service again, and consumers stay simple
    /// (docs/method.md#events-carry-what-consumers-need). A missing field forces the
    /// consumer to call the publisher back synchronously, which ties their availability
    /// together again.
    ///
    /// ## Example
    /// ```yaml
    /// relations:
    ///   - from: contract
    ///     to: billing
    ///     type: event
    ///     message: ContractTerminated
    ///     data: Contract
    ///     payload: [contract_id]
    ///     needs:
    ///       billing: [contract_id, terminated_at]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///     payload: [contract_id, terminated_at]
    /// ```
    pub static META = ("payload-missing-needed-field", Warning);
}

/// Reports at each consumer's `needs` key.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    let model = context.model;
    for relation in model.relations.iter().filter(|r| !r.needs().is_empty()) {
        let Some(carried) = carried_fields(model, relation) else {
            continue;
        };
        let known = declared_fields(model, relation);
        for (consumer, needs) in relation.needs() {
            let mut seen = HashSet::new();
            let missing: Vec<&str> = needs
                .iter()
                .map(Name::as_str)
                .filter(|f| !carried.contains(f))
                .filter(|f| known.as_ref().is_none_or(|k| k.contains(f)))
                .filter(|f| seen.insert(*f))
                .collect();
            if !missing.is_empty() {
                out.push(missing_fields(relation, consumer, &missing));
            }
        }
    }
}

/// The fields the relation carries: its `payload`, else all fields of its declared data;
/// `None` when neither is known.
fn carried_fields<'m>(model: &'m Model, relation: &'m Relation) -> Option<HashSet<&'m str>> {
    if let Some(payload) = relation.payload() {
        return Some(payload.iter().map(Name::as_str).collect());
    }
    declared_fields(model, relation)
}

fn declared_fields<'m>(model: &'m Model, relation: &Relation) -> Option<HashSet<&'m str>> {
    let data = model.data(relation.data.as_ref()?.as_str())?;
    (!data.fields.is_empty()).then(|| data.fields.iter().map(|f| f.name.as_str()).collect())
}

fn missing_fields(relation: &Relation, consumer: &Name, missing: &[&str]) -> Finding {
    let fields = format!("`{}`", missing.join("`, `"));
    let message = relation.message_name().unwrap_or("(unnamed)");
    let them = if missing.len() == 1 { "it" } else { "them" };
    META.finding(
        consumer.span,
        format!(
            "`{}` needs {fields} from `{message}`, but the payload does not carry {them}",
            consumer.value
        ),
    )
    .with_help(format!(
        "add {fields} to `payload`, so that `{}` need not call `{}` back",
        consumer.value, relation.from.value
    ))
}
