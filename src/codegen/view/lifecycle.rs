//! A service's aggregates: the data each holds and, when the data has transitions,
//! its lifecycle (states, events, the arms of `apply` and the legal transitions the
//! generated tests try).

use std::collections::BTreeSet;

use serde::Serialize;
use smol_str::SmolStr;

use super::{CONTRACTS_LIB, StateView, Workspace, doc_lines, phrase};
use crate::derive::Aggregate;
use crate::model::Data;
use crate::names::{Case, Idents, stable_words};

#[derive(Debug, Serialize)]
pub struct AggregateView {
    pub ident: SmolStr,
    pub test_ident: SmolStr,
    pub wire: SmolStr,
    pub doc: Vec<String>,
    /// The contracts data struct it holds, when the data is declared.
    pub data_ty: Option<SmolStr>,
    pub lifecycle: Option<Lifecycle>,
}

#[derive(Debug, Serialize)]
pub struct Lifecycle {
    pub state_ident: SmolStr,
    pub event_ident: SmolStr,
    pub states: Vec<StateView>,
    pub events: Vec<LifecycleEvent>,
    /// Match arms of `apply`, in spec order.
    pub arms: Vec<Arm>,
    /// Every (state, event) pair is legal: `apply` needs no rejecting arm.
    pub complete: bool,
    /// Some events copy no field: the copy `match` needs a catch-all arm.
    pub copy_catch_all: bool,
    /// Legal transitions for the tests: (from expression, event index, to ident).
    pub legal: Vec<(SmolStr, usize, SmolStr)>,
}

#[derive(Debug, Serialize)]
pub struct LifecycleEvent {
    pub ident: SmolStr,
    pub wire: SmolStr,
    pub ty: SmolStr,
    /// Fields of the aggregate's data that the event carries: copied on apply.
    pub copies: Vec<CopyField>,
}

#[derive(Debug, Serialize)]
pub struct CopyField {
    pub ident: SmolStr,
    /// `false` for `Copy` types (`bool`, `i64`): no `.clone()` needed.
    pub clone: bool,
}

#[derive(Debug, Serialize)]
pub struct Arm {
    /// `None`, or `Some(State::A | State::B)`.
    pub from: SmolStr,
    pub event: SmolStr,
    pub to: SmolStr,
}

impl Workspace<'_> {
    /// An aggregate named `ident`; its lifecycle's state and event enums are named in
    /// `idents`, the service's type namespace.
    pub(super) fn aggregate(
        &self,
        aggregate: &Aggregate,
        ident: String,
        idents: &mut Idents,
    ) -> AggregateView {
        let model = &self.analysis.model;
        let data_at = model.data_position(&aggregate.id);
        let data = data_at.map(|at| &model.data[at]);
        let data_ty = data_at.map(|at| {
            let ident = &self.data.types[at].ident;
            format!("{CONTRACTS_LIB}::generated::data::{ident}").into()
        });
        let mut doc = vec![format!(
            "Aggregate `{}` ({}), owned by this service.",
            aggregate.id, aggregate.name
        )];
        if let Some(description) = data.and_then(|d| d.description.as_ref()) {
            doc.push(String::new());
            doc.extend(doc_lines(description));
        }
        let lifecycle = data_at
            .filter(|&at| !model.data[at].transitions.is_empty())
            .map(|at| self.lifecycle(&model.data[at], at, &ident, idents));
        AggregateView {
            ident: ident.into(),
            test_ident: SmolStr::default(),
            wire: aggregate.id.clone(),
            doc,
            data_ty,
            lifecycle,
        }
    }

    /// The lifecycle of `data`, at `data_at` in `model.data`.
    fn lifecycle(
        &self,
        data: &Data,
        data_at: usize,
        ident: &str,
        idents: &mut Idents,
    ) -> Lifecycle {
        let words = stable_words(ident);
        let state_ident = idents.words(&phrase(&[], &words, &["state"]));
        let event_ident = idents.words(&phrase(&[], &words, &["event"]));
        // States: declared, then any a transition names without declaring it.
        let mut state_names: Vec<&str> = data.states.iter().map(|s| s.value.as_str()).collect();
        for transition in &data.transitions {
            for state in transition.from.iter().chain([&transition.to]) {
                if !state_names.contains(&state.value.as_str()) {
                    state_names.push(&state.value);
                }
            }
        }
        let mut variant_idents = Idents::new(Case::Pascal);
        let states: Vec<StateView> = state_names
            .iter()
            .map(|s| StateView {
                ident: variant_idents.name(s).into(),
                wire: (*s).into(),
            })
            .collect();
        let state_of = |name: &str| {
            states
                .iter()
                .find(|s| s.wire == name)
                .map_or("X", |s| s.ident.as_str())
        };
        let mut event_names: Vec<&str> = Vec::new();
        for transition in &data.transitions {
            if !event_names.contains(&transition.event.value.as_str()) {
                event_names.push(&transition.event.value);
            }
        }
        let events: Vec<LifecycleEvent> = event_names
            .iter()
            .map(|&name| self.lifecycle_event(data, data_at, name))
            .collect();
        let event_of = |name: &str| {
            events
                .iter()
                .position(|e| e.wire == name)
                .unwrap_or_default()
        };
        // Arms: a (from, event) pair is decided by its first transition in spec order.
        let mut decided: BTreeSet<(Option<&str>, &str)> = BTreeSet::new();
        let mut arms = Vec::new();
        let mut legal = Vec::new();
        for transition in &data.transitions {
            let event = transition.event.value.as_str();
            let froms: Vec<Option<&str>> = if transition.from.is_empty() {
                vec![None]
            } else {
                transition
                    .from
                    .iter()
                    .map(|f| Some(f.value.as_str()))
                    .collect()
            };
            let new: Vec<Option<&str>> = froms
                .into_iter()
                .filter(|f| decided.insert((*f, event)))
                .collect();
            if new.is_empty() {
                continue;
            }
            let to = state_of(&transition.to.value);
            let from_expr = |f: Option<&str>| match f {
                None => "None".to_owned(),
                Some(s) => format!("Some({state_ident}::{})", state_of(s)),
            };
            for &f in &new {
                legal.push((from_expr(f).into(), event_of(event), to.into()));
            }
            let event_ident = &events[event_of(event)].ident;
            if new.contains(&None) {
                arms.push(Arm {
                    from: "None".into(),
                    event: event_ident.clone(),
                    to: to.into(),
                });
            }
            let existing: Vec<String> = new
                .iter()
                .flatten()
                .map(|f| format!("{state_ident}::{}", state_of(f)))
                .collect();
            if !existing.is_empty() {
                arms.push(Arm {
                    from: format!("Some({})", existing.join(" | ")).into(),
                    event: event_ident.clone(),
                    to: to.into(),
                });
            }
        }
        let complete = decided.len() == (states.len() + 1) * events.len();
        let copy_catch_all = events.iter().any(|e| e.copies.is_empty());
        Lifecycle {
            state_ident: state_ident.into(),
            event_ident: event_ident.into(),
            states,
            events,
            arms,
            complete,
            copy_catch_all,
            legal,
        }
    }

    /// The event `name` of the lifecycle of `data`, at `data_at` in `model.data`.
    fn lifecycle_event(&self, data: &Data, data_at: usize, name: &str) -> LifecycleEvent {
        let message = self.messages.at(name).map(|at| &self.messages.types[at]);
        // The fields the event carries that are this aggregate's own (same data, same
        // identifier): `apply` takes them over.
        let copies = message
            .map_or(&[][..], |message| &message.fields)
            .iter()
            .filter(|field| {
                field.data == data.id.value
                    && self
                        .data
                        .field_of(data_at, &field.wire)
                        .is_some_and(|own| own.ident == field.ident)
            })
            .map(|field| CopyField {
                ident: field.ident.clone(),
                clone: !matches!(field.ty.as_str(), "bool" | "i64"),
            })
            .collect();
        LifecycleEvent {
            ident: message.map(|m| m.ident.clone()).unwrap_or_default(),
            wire: name.into(),
            ty: self.messages.ty(name).into(),
            copies,
        }
    }
}
