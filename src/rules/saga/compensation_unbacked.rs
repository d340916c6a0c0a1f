use std::collections::BTreeSet;

use super::describe;
use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::model::SagaStyle;
use crate::rules::Context;
use crate::saga::{RelationIndex, backing, compensation_paths, known_orchestrator};

declare_rule! {
    /// The orchestrator cannot send a step's compensation as a command.
    ///
    /// ## What it does
    /// In an orchestration saga, reports a compensation of a step in another service than
    /// the orchestrator when no `command` relation from the orchestrator to that service
    /// carries it (`message` equal to the `compensation`). Only compensations that some
    /// compensation path runs are checked (those of steps before the last step that can
    /// fail). The orchestrator's own steps compensate locally; choreography sagas
    /// compensate by reacting to events, which the format does not name per step.
    ///
    /// ## Why is this bad?
    /// Compensation is the method's third way to keep a distributed transaction
    /// consistent (docs/method.md#sagas), and its design must make each
    /// service's role explicit ("Asynchronous message handling"). In an orchestration
    /// saga the orchestrator undoes a step by commanding its service; without that
    /// command the compensation path exists only on paper.
    ///
    /// ## Example
    /// ```yaml
    /// relations:
    ///   - { from: order, to: inventory, type: command, message: ReserveStock,
    ///       reply: [StockReserved, StockUnavailable] }
    /// sagas:
    ///   place-order:
    ///     style: orchestration
    ///     orchestrator: order
    ///     steps:
    ///       - { service: inventory, action: ReserveStock, compensation: ReleaseStock }
    ///       - { service: order, action: ApproveOrder, pivot: true }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// relations:
    ///   - { from: order, to: inventory, type: command, message: ReserveStock,
    ///       reply: [StockReserved, StockUnavailable] }
    ///   - { from: order, to: inventory, type: command, message: ReleaseStock,
    ///       reply: StockReleased }
    /// ```
    pub static META = ("saga-compensation-unbacked", Error);
}

/// Reports compensations on some path that the orchestrator has no command for.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    let model = context.model;
    let relations = RelationIndex::of(model);
    for saga in &model.sagas {
        if saga.style != SagaStyle::Orchestration {
            continue;
        }
        let Some(orchestrator) = known_orchestrator(model, saga) else {
            continue;
        };
        // A saga written in the wrong style is reported once, by saga-style-mismatch.
        if backing(model, saga, &relations).style_mismatch {
            continue;
        }
        let compensated: BTreeSet<usize> = compensation_paths(saga)
            .into_iter()
            .flat_map(|path| path.compensated_steps)
            .collect();
        for step in saga
            .steps
            .iter()
            .filter(|s| compensated.contains(&s.number))
        {
            let service = step.service.as_str();
            let Some(compensation) = &step.compensation else {
                continue;
            };
            if service == orchestrator
                || model.service(service).is_none()
                || relations.has_command(orchestrator, service, compensation.as_str())
            {
                continue;
            }
            out.push(
                META.finding(
                    compensation.span,
                    format!(
                        "compensation {} of {} is not backed: no `command` relation {} -> {} \
                         carries it",
                        compensation.value,
                        describe(saga, step),
                        orchestrator,
                        service
                    ),
                )
                .with_help(format!(
                    "add `{{ from: {orchestrator}, to: {service}, type: command, message: {}, \
                     reply: [...] }}` to `relations:`",
                    compensation.value
                )),
            );
        }
    }
}
