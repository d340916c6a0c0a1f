use super::describe;
use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::model::{Saga, SagaStyle, Step};
use crate::rules::Context;
use crate::saga::{RelationIndex, StepBacking, backing};

declare_rule! {
    /// A saga step is not triggered by any relation of the SRD.
    ///
    /// ## What it does
    /// Orchestration: reports a step whose service is not the orchestrator and that no
    /// `command` relation from the orchestrator to the step's service carries
    /// (`message` equal to the step's `action`). Whether that command has a reply is the
    /// messaging rules' concern, so it is not reported twice.
    ///
    /// Choreography: reports a step (after the first) that is not reached by an `event`
    /// relation from the previous step's service to this step's service carrying the
    /// previous step's `emits`. Consecutive steps in one service need no relation.
    ///
    /// When no step of a saga is backed in its own style but some are in the other
    /// style, the saga is reported once by saga-style-mismatch instead.
    ///
    /// ## Why is this bad?
    /// The method defines the saga together with the asynchronous message design
    /// (docs/method.md#sagas): command-reply drives an
    /// orchestration saga, event pub/sub a choreography saga ("Messaging types"). A step
    /// that no message reaches never runs, and the teams agreeing on the saga do not see
    /// that their SRD is missing a relation.
    ///
    /// ## Example
    /// ```yaml
    /// relations: []                    # nothing tells billing to settle
    /// sagas:
    ///   terminate-contract:
    ///     style: orchestration
    ///     orchestrator: contract
    ///     steps:
    ///       - { service: contract, action: TerminateContract, compensation: ReinstateContract }
    ///       - { service: billing, action: SettleFinalBill, pivot: true }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// relations:
    ///   - { from: contract, to: billing, type: command, message: SettleFinalBill,
    ///       reply: [FinalBillSettled, FinalBillSettlementFailed] }
    /// ```
    pub static META = ("saga-step-unbacked", Error);
}

/// Reports every step that no relation of the saga's style triggers.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    let model = context.model;
    let relations = RelationIndex::of(model);
    for saga in &model.sagas {
        let backing = backing(model, saga, &relations);
        for (index, step) in saga.steps.iter().enumerate() {
            if backing.step_is_unbacked(index) {
                let other_style = backing.steps[index] == StepBacking::OtherStyle;
                out.push(finding(saga, index, step, other_style));
            }
        }
    }
}

fn finding(saga: &Saga, index: usize, step: &Step, other_style: bool) -> Finding {
    let what = describe(saga, step);
    let (message, help) = match saga.style {
        SagaStyle::Orchestration => {
            let orchestrator = saga.orchestrator.as_ref().map_or("", |o| o.as_str());
            let message = format!(
                "{what} is not backed: no `command` relation {orchestrator} -> {} carries {}",
                step.service.value, step.action.value
            );
            let mut help = format!(
                "add `{{ from: {orchestrator}, to: {}, type: command, message: {}, reply: \
                 [...] }}` to `relations:`",
                step.service.value, step.action.value
            );
            if other_style {
                help.push_str(
                    "; the step is reached by an event instead, but an orchestration saga \
                     drives its steps with commands",
                );
            }
            (message, help)
        }
        SagaStyle::Choreography => choreography_text(saga, index, step, &what, other_style),
    };
    META.finding(step.action.span, message).with_help(help)
}

fn choreography_text(
    saga: &Saga,
    index: usize,
    step: &Step,
    what: &str,
    other_style: bool,
) -> (String, String) {
    let previous = &saga.steps[index.saturating_sub(1)];
    let Some(emits) = &previous.emits else {
        return (
            format!(
                "{what} is not backed: step {} ({}) names no `emits` event to trigger it",
                previous.number, previous.action.value
            ),
            format!(
                "add `emits: <Event>` to step {} and an `event` relation {} -> {} carrying it",
                previous.number, previous.service.value, step.service.value
            ),
        );
    };
    let mut help = format!(
        "add `{{ from: {}, to: {}, type: event, message: {} }}` to `relations:`",
        previous.service.value, step.service.value, emits.value
    );
    if other_style {
        help.push_str(
            "; the step is reached by a command instead, but a choreography saga drives its \
             steps with events",
        );
    }
    (
        format!(
            "{what} is not backed: no `event` relation {} -> {} carries {}, which step {} \
             emits",
            previous.service.value, step.service.value, emits.value, previous.number
        ),
        help,
    )
}
