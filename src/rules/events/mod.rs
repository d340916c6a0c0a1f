//! Domain events: the method's pitfalls in naming them (a domain change is not a row
//! change, nor an API) and the aggregate lifecycles they come from.

pub mod api_style_event_name;
pub mod cdc_style_event_name;
pub mod event_not_past_tense;
pub mod event_outside_lifecycle;
pub mod lifecycle_unknown_state;
pub mod lifecycle_unreachable_state;
pub mod naming;

use std::collections::HashSet;

use crate::model::{Data, Model, Name, RelationKind, Transition};

/// Where an event name is written: a lifecycle transition, or an event relation.
pub struct EventSite<'m> {
    pub name: &'m Name,
    /// The transition that declares it, with its data, when it comes from a lifecycle.
    pub transition: Option<(&'m Data, &'m Transition)>,
}

/// Each event name once, at its first place: lifecycle transitions (in data order),
/// then event relations (in spec order). A name is judged once, however often it is used.
pub fn event_sites(model: &Model) -> Vec<EventSite<'_>> {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut sites = Vec::new();
    let lifecycle = model.data.iter().flat_map(|data| {
        data.transitions.iter().map(move |t| EventSite {
            name: &t.event,
            transition: Some((data, t)),
        })
    });
    let relations = model
        .relations_of(RelationKind::Event)
        .filter_map(|relation| relation.message.as_ref())
        .map(|name| EventSite {
            name,
            transition: None,
        });
    for site in lifecycle.chain(relations) {
        if seen.insert(site.name.as_str()) {
            sites.push(site);
        }
    }
    sites
}

/// The event name a transition to state `to` suggests: `Contract` + `suspended` ->
/// `ContractSuspended`; `계약` + `해지` -> `계약해지됨`.
pub fn transition_event_name(data: &str, to: &str) -> String {
    let korean = |s: &str| s.chars().any(crate::names::is_hangul);
    if korean(data) || korean(to) {
        let fact = if to.ends_with('됨') { "" } else { "됨" };
        return format!("{data}{to}{fact}");
    }
    let pascal = |s: &str| crate::names::pascal_case(s).unwrap_or_else(|| s.to_owned());
    format!("{}{}", pascal(data), pascal(to))
}

#[cfg(test)]
mod tests {
    use super::transition_event_name;

    #[test]
    fn transitions_suggest_their_event() {
        assert_eq!(
            transition_event_name("Contract", "suspended"),
            "ContractSuspended"
        );
        assert_eq!(
            transition_event_name("order_line", "shipped"),
            "OrderLineShipped"
        );
        assert_eq!(transition_event_name("계약", "해지"), "계약해지됨");
    }
}
