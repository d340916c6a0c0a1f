//! The view the templates render: the workspace as plain structs, every identifier
//! resolved by [`crate::names`] (romanized, escaped, disambiguated), every Rust type
//! written out, every list in spec order.
//!
//! [`View::new`] builds it in one pass over the analysis. What is decided over the
//! whole workspace comes first, since items refer to each other by name: the packages,
//! the data types ([`data`]), the message types and reply enums ([`message`]), what
//! concerns each service ([`concerns`]). Then each service crate ([`service`]) with its
//! aggregates ([`lifecycle`]) and sagas ([`saga`]). Identifiers are handed out in a
//! fixed order, so that the same spec gives the same bytes; changing that order renames
//! generated items in every workspace, so each builder says what it allocates when.
//!
//! The templates read the structs through serde (`minijinja::Value::from_serialize`):
//! a field's name here is a name the templates use.

mod concerns;
mod data;
mod lifecycle;
mod message;
mod saga;
mod service;

use std::collections::BTreeSet;

use serde::Serialize;
use smol_str::SmolStr;

use crate::analysis::Analysis;
use crate::model::ServiceKind;
use crate::names::{package_name, stable_words, unique};

pub use data::{DataType, FieldView};
pub use lifecycle::{AggregateView, Arm, CopyField, Lifecycle, LifecycleEvent};
pub use message::{MessageType, ReplyEnum, Variant};
pub use saga::{Choreography, ChoreographyMethod, Orchestration, PathView, SagaStep};
pub use service::{CommandHandler, OutboundView, ReplyHandler, ServiceCrate, Subscription};

/// The whole workspace: the contracts crate and one crate per service.
#[derive(Debug, Serialize)]
pub struct View {
    /// The system's name as written in the spec.
    pub system: SmolStr,
    pub contracts: Contracts,
    pub services: Vec<ServiceCrate>,
}

/// The contracts crate: every type the services exchange.
#[derive(Debug, Serialize)]
pub struct Contracts {
    pub package: SmolStr,
    /// Its library name (the package's, with `_`).
    pub lib: SmolStr,
    pub data: Vec<DataType>,
    pub messages: Vec<MessageType>,
    pub replies: Vec<ReplyEnum>,
}

/// A name and its identifier: a lifecycle's state, a saga's action.
#[derive(Debug, Serialize)]
pub struct StateView {
    pub ident: SmolStr,
    pub wire: SmolStr,
}

/// The name service crates use for the contracts crate: short type paths, the same in
/// every workspace (`package = ...` in their Cargo.toml says which package it is).
const CONTRACTS_LIB: &str = "contracts";

/// What every service crate is built against: the workspace-wide tables.
struct Workspace<'a> {
    analysis: &'a Analysis,
    contracts_package: SmolStr,
    data: data::DataTypes,
    messages: message::Messages<'a>,
    replies: message::Replies<'a>,
}

impl View {
    /// The view of `analysis`: resolved whatever its findings (`generate` renders only
    /// a spec without errors, but a name that resolves to nothing gets a placeholder,
    /// never a panic).
    pub fn new(analysis: &Analysis) -> View {
        let model = &analysis.model;
        let system = model.system_name();
        let system_words = stable_words(&system);
        // Packages are allocated contracts first, then the services in spec order.
        let mut packages = BTreeSet::new();
        let mut package = |words: Vec<String>| -> SmolStr {
            let words = [system_words.clone(), words].concat();
            unique(&mut packages, package_name(&words), '-').into()
        };
        let contracts_package = package(vec!["contracts".into()]);
        let services: Vec<_> = model
            .services
            .iter()
            .enumerate()
            .filter(|(_, service)| service.kind == ServiceKind::Service)
            .map(|(at, service)| (at, package(stable_words(service.code_or_id()))))
            .collect();
        let data = data::DataTypes::new(model);
        let messages = message::Messages::new(analysis, &data);
        let replies = message::Replies::new(analysis, &messages);
        let workspace = Workspace {
            analysis,
            contracts_package,
            data,
            messages,
            replies,
        };
        let concerns = concerns::by_service(analysis);
        // Each crate is built from the tables alone: they are built on every core.
        let services = crate::parallel::in_runs(&services, |run| {
            (run.iter())
                .map(|(at, package)| {
                    workspace.service(&model.services[*at], &concerns[*at], package.clone())
                })
                .collect::<Vec<_>>()
        });
        let services = services.into_iter().flatten().collect();
        let Workspace {
            contracts_package,
            data,
            messages,
            replies,
            ..
        } = workspace;
        View {
            system: system.into(),
            contracts: Contracts {
                lib: contracts_package.replace('-', "_").into(),
                package: contracts_package,
                data: data.types,
                messages: messages.types,
                replies: replies.enums,
            },
            services,
        }
    }
}

/// A name's words between fixed words: `on` + `order placed` + `reply`.
fn phrase<'w>(before: &[&'w str], words: &'w [impl AsRef<str>], after: &[&'w str]) -> Vec<&'w str> {
    let mut phrase = Vec::with_capacity(before.len() + words.len() + after.len());
    phrase.extend_from_slice(before);
    phrase.extend(words.iter().map(AsRef::as_ref));
    phrase.extend_from_slice(after);
    phrase
}

/// Doc comment lines for a text (one per line, trimmed at the end).
fn doc_lines(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines().map(|line| line.trim_end().to_owned())
}

#[cfg(test)]
mod tests;
