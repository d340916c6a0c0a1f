//! A service crate: what names it, its aggregates, its inbound handlers (commands it
//! handles, events and messages it receives, replies to the commands it sends), its
//! outbound port and its sagas.

use serde::Serialize;
use smol_str::SmolStr;

use super::concerns::Concerns;
use super::lifecycle::AggregateView;
use super::saga::{Choreography, Orchestration, orchestration};
use super::{CONTRACTS_LIB, Workspace, phrase};
use crate::model::{SagaStyle, Service};
use crate::names::{Case, Idents, stable_words};

#[derive(Debug, Serialize)]
pub struct ServiceCrate {
    pub id: SmolStr,
    pub label: SmolStr,
    pub package: SmolStr,
    pub lib: SmolStr,
    /// Folder, relative to the workspace.
    pub dir: SmolStr,
    pub contracts_package: SmolStr,
    /// The name service crates use for the contracts crate (`contracts`).
    pub contracts_lib: SmolStr,
    pub aggregates: Vec<AggregateView>,
    pub commands: Vec<CommandHandler>,
    pub subscriptions: Vec<Subscription>,
    pub reply_handlers: Vec<ReplyHandler>,
    pub outbound: Vec<OutboundView>,
    pub orchestrations: Vec<Orchestration>,
    pub choreographies: Vec<Choreography>,
}

#[derive(Debug, Serialize)]
pub struct CommandHandler {
    pub trait_ident: SmolStr,
    /// The trait's method: distinct across the service, so one type can implement
    /// every handler without ambiguous calls.
    pub method: SmolStr,
    pub ty: SmolStr,
    pub wire: SmolStr,
    pub senders: Vec<SmolStr>,
    /// `()` when the command declares no reply.
    pub reply_ty: SmolStr,
}

#[derive(Debug, Serialize)]
pub struct Subscription {
    pub trait_ident: SmolStr,
    /// The trait's method: distinct across the service, so one type can implement
    /// every handler without ambiguous calls.
    pub method: SmolStr,
    pub ty: SmolStr,
    pub wire: SmolStr,
    /// `event` or `message`.
    pub kind: SmolStr,
    pub from: Vec<SmolStr>,
}

#[derive(Debug, Serialize)]
pub struct ReplyHandler {
    pub trait_ident: SmolStr,
    /// The trait's method: distinct across the service, so one type can implement
    /// every handler without ambiguous calls.
    pub method: SmolStr,
    pub ty: SmolStr,
    pub command: SmolStr,
    pub handler: Vec<SmolStr>,
}

#[derive(Debug, Serialize)]
pub struct OutboundView {
    pub variant: SmolStr,
    pub method: SmolStr,
    pub ty: SmolStr,
    pub wire: SmolStr,
    /// `event`, `command` or `message`.
    pub kind: SmolStr,
    pub to: Vec<SmolStr>,
}

/// The elements at `indices`, in that order.
fn pick<'e, T>(elements: &'e [T], indices: &'e [usize]) -> impl Iterator<Item = &'e T> {
    indices.iter().map(|&at| &elements[at])
}

impl Workspace<'_> {
    /// The crate of `service`, of package `package`. Identifiers are handed out per
    /// namespace in this order: aggregates (all named before their lifecycles' enums),
    /// inbound handlers, the outbound port, sagas; tests follow the aggregates, then
    /// the sagas.
    pub(super) fn service(
        &self,
        service: &Service,
        concerns: &Concerns,
        package: SmolStr,
    ) -> ServiceCrate {
        let id = service.id.value.as_str();
        let (model, derived) = (&self.analysis.model, &self.analysis.derived);
        // The workspace's folder is named for the system: crate folders drop it.
        let prefix = (self.contracts_package.trim_end_matches("contracts")).trim_end_matches('-');
        let folder = package
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('-'))
            .unwrap_or(&package);
        let dir = format!("services/{folder}").into();
        // aggregates
        let mut type_idents = Idents::types();
        type_idents.reserve("IllegalTransition");
        let owned: Vec<_> = pick(&derived.aggregates, &concerns.owned_aggregates).collect();
        let names: Vec<String> = owned
            .iter()
            .map(|a| {
                let data = model.data(&a.id);
                type_idents.name(data.map_or(a.id.as_str(), |d| d.code_or_id()))
            })
            .collect();
        let mut test_idents = Idents::new(Case::Snake);
        test_idents.reserve("in_memory_outbox_records_what_is_sent");
        let aggregates = owned
            .iter()
            .zip(names)
            .map(|(aggregate, ident)| {
                let mut view = self.aggregate(aggregate, ident, &mut type_idents);
                let words = stable_words(&view.ident);
                view.test_ident = test_idents
                    .words(&phrase(&[], &words, &["lifecycle"]))
                    .into();
                view
            })
            .collect();
        // inbound handlers
        let mut handler_idents = Idents::types();
        handler_idents.reserve("HandlerError");
        let mut method_idents = Idents::new(Case::Snake);
        let mut handler = |before: &str, words: &[String], after: &[&str]| {
            let words = phrase(&[before], words, after);
            let trait_ident = SmolStr::from(handler_idents.words(&words));
            (trait_ident, SmolStr::from(method_idents.words(&words)))
        };
        let commands = pick(&derived.commands, &concerns.handled_commands)
            .map(|command| {
                let names = self.messages.names_of(&command.name);
                let (trait_ident, method) = handler("handle", &names.words, &[]);
                CommandHandler {
                    trait_ident,
                    method,
                    ty: names.ty.into(),
                    wire: command.name.clone(),
                    senders: command.senders.clone(),
                    reply_ty: (self.replies.ty(&command.name).as_deref().unwrap_or("()")).into(),
                }
            })
            .collect();
        let events = pick(&derived.events, &concerns.subscribed_events)
            .map(|event| (&event.name, "event", &event.publishers));
        let messages = pick(&derived.messages, &concerns.received_messages)
            .map(|message| (&message.name, "message", &message.senders));
        let subscriptions = events
            .chain(messages)
            .map(|(name, kind, from)| {
                let names = self.messages.names_of(name);
                let (trait_ident, method) = handler("on", &names.words, &[]);
                Subscription {
                    trait_ident,
                    method,
                    ty: names.ty.into(),
                    wire: name.clone(),
                    kind: kind.into(),
                    from: from.clone(),
                }
            })
            .collect();
        let reply_handlers = pick(&derived.commands, &concerns.sent_commands)
            .filter_map(|command| {
                let reply_ty = self.replies.ty(&command.name)?;
                let names = self.messages.names_of(&command.name);
                let (trait_ident, method) = handler("on", &names.words, &["reply"]);
                Some(ReplyHandler {
                    trait_ident,
                    method,
                    ty: reply_ty.into(),
                    command: command.name.clone(),
                    handler: command.handlers.clone(),
                })
            })
            .collect();
        // outbound
        let mut variants = Idents::new(Case::Pascal);
        let mut methods = Idents::new(Case::Snake);
        let events = pick(&derived.events, &concerns.published_events)
            .map(|event| (&event.name, "event", "publish", &event.subscribers));
        let commands_sent = pick(&derived.commands, &concerns.sent_commands)
            .map(|command| (&command.name, "command", "send", &command.handlers));
        let messages_sent = pick(&derived.messages, &concerns.sent_messages)
            .map(|message| (&message.name, "message", "send", &message.receivers));
        let outbound = events
            .chain(commands_sent)
            .chain(messages_sent)
            .map(|(name, kind, verb, to)| {
                let names = self.messages.names_of(name);
                OutboundView {
                    variant: variants.words(&names.words).into(),
                    method: methods.words(&phrase(&[verb], &names.words, &[])).into(),
                    ty: names.ty.into(),
                    wire: name.clone(),
                    kind: kind.into(),
                    to: to.clone(),
                }
            })
            .collect();
        // sagas
        let mut saga_idents = Idents::types();
        saga_idents.reserve("SagaStatus");
        saga_idents.reserve("StepFailed");
        let mut fn_idents = Idents::new(Case::Snake);
        let mut orchestrations = Vec::new();
        let mut choreographies = Vec::new();
        for &at in &concerns.sagas {
            let saga = &model.sagas[at];
            let paths = &self.analysis.compensation_paths[at];
            let words = stable_words(saga.code_or_id());
            let name = |after: &[&'static str]| phrase(&[], &words, after);
            match saga.style {
                SagaStyle::Orchestration
                    if saga.orchestrator.as_ref().map(|o| o.value.as_str()) == Some(id) =>
                {
                    let ident = saga_idents.words(&name(&["saga"]));
                    let action_ident = saga_idents.words(&name(&["action"]));
                    let mut view = orchestration(saga, paths, ident, action_ident);
                    view.test_ident = test_idents.words(&name(&["compensations"])).into();
                    orchestrations.push(view);
                }
                SagaStyle::Choreography if saga.steps.iter().any(|s| s.service.value == id) => {
                    let trait_ident = saga_idents.words(&name(&["steps"]));
                    let paths_fn = fn_idents.words(&name(&["compensation", "path"]));
                    let mut view = self.choreography(saga, paths, id, trait_ident, paths_fn);
                    view.test_ident = test_idents.words(&name(&["compensation", "order"])).into();
                    choreographies.push(view);
                }
                _ => {}
            }
        }
        ServiceCrate {
            id: service.id.value.clone(),
            label: service.label().into(),
            lib: package.replace('-', "_").into(),
            package,
            dir,
            contracts_package: self.contracts_package.clone(),
            contracts_lib: CONTRACTS_LIB.into(),
            aggregates,
            commands,
            subscriptions,
            reply_handlers,
            outbound,
            orchestrations,
            choreographies,
        }
    }
}
