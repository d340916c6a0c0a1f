use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::model::{Saga, SagaStyle};
use crate::rules::Context;
use crate::saga::{RelationIndex, backing};

declare_rule! {
    /// A saga's steps are driven by the other style's messages than its `style` says.
    ///
    /// ## What it does
    /// Reports, once per saga:
    /// - an orchestration saga none of whose steps is backed by a command from the
    ///   orchestrator, while some are reached by the previous step's event;
    /// - a choreography saga none of whose steps is reached by the previous step's
    ///   event, while some are sent as commands (at its `style`);
    /// - a choreography saga that names an `orchestrator` (at the orchestrator; at its
    ///   `style` when its steps are also driven by commands).
    ///
    /// Its steps are then not reported one by one by saga-step-unbacked: changing
    /// `style` is the one fix. Steps backed by nothing at all still are.
    ///
    /// ## Why is this bad?
    /// The method pairs the messaging types with the saga styles
    /// (docs/method.md#messaging-types): event pub/sub is the choreography saga,
    /// command-reply the orchestration saga. A saga labelled with one style and wired with
    /// the other misleads the teams that must agree on each service's role in it
    /// ("Asynchronous message handling"), and its compensations cannot be checked against
    /// the right relations.
    ///
    /// ## Example
    /// ```yaml
    /// relations:
    ///   - { from: order, to: inventory, type: event, message: ReturnRequested }
    /// sagas:
    ///   return-order:
    ///     style: orchestration
    ///     orchestrator: order
    ///     steps:
    ///       - { service: order, action: RequestReturn, emits: ReturnRequested, compensation: CancelReturn }
    ///       - { service: inventory, action: RestockItems, pivot: true }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// sagas:
    ///   return-order:
    ///     style: choreography
    ///     steps:
    ///       - { service: order, action: RequestReturn, emits: ReturnRequested, compensation: CancelReturn }
    ///       - { service: inventory, action: RestockItems, pivot: true }
    /// ```
    pub static META = ("saga-style-mismatch", Warning);
}

/// Reports sagas whose relations or orchestrator contradict their style.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    let model = context.model;
    let relations = RelationIndex::of(model);
    for saga in &model.sagas {
        let wired_otherwise = backing(model, saga, &relations).style_mismatch;
        if let Some(finding) = mismatch(saga, wired_otherwise) {
            out.push(finding);
        }
    }
}

fn mismatch(saga: &Saga, wired_otherwise: bool) -> Option<Finding> {
    let id = &saga.id.value;
    let orchestrator = saga.orchestrator.as_ref();
    let (span, message, help) = match (saga.style, wired_otherwise, orchestrator) {
        (SagaStyle::Orchestration, true, _) => (
            saga.style_span,
            format!(
                "orchestration saga `{id}` is driven by events: no step is sent as a command \
                 by its orchestrator, but steps react to the previous step's event"
            ),
            "use `style: choreography` (and drop `orchestrator:`), or have the orchestrator \
             send each step as a `command` relation with a reply"
                .to_owned(),
        ),
        (SagaStyle::Choreography, true, with) => (
            saga.style_span,
            format!(
                "choreography saga `{id}` is driven by commands: no step reacts to the \
                 previous step's event, but steps are sent as commands{}",
                if with.is_some() {
                    ", and it names an orchestrator"
                } else {
                    ""
                }
            ),
            "use `style: orchestration` with the service that sends the commands as \
             `orchestrator:`, or have each step publish its `emits` event to the next step's \
             service"
                .to_owned(),
        ),
        (SagaStyle::Choreography, false, Some(orchestrator)) => (
            orchestrator.span,
            format!(
                "choreography saga `{id}` names orchestrator `{}`, but a choreography has none",
                orchestrator.value
            ),
            "remove `orchestrator:`, or use `style: orchestration` if that service sends the \
             steps as commands"
                .to_owned(),
        ),
        _ => return None,
    };
    Some(META.finding(span, message).with_help(help))
}
