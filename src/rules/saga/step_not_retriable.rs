use super::{describe, pivot_phrase};
use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::model::{OnFailure, Step};
use crate::rules::Context;

declare_rule! {
    /// A saga step after the pivot can fail without being retried.
    ///
    /// ## What it does
    /// Reports a step after the saga's pivot whose `on_failure` is not `retry` (the
    /// default, `compensate`, or `batch-cancel`). A step that is itself marked
    /// `pivot: true` is left to saga-multiple-pivots. A saga with no pivot never fires
    /// this rule: its go/no-go step is the last step that can fail, so every step after
    /// it is retried by definition (saga-missing-compensation checks the steps before it).
    ///
    /// `batch-cancel` is accepted before the pivot (a batch job runs the compensations
    /// later, for all failed cases at once) but not after it: cancelling a case after the
    /// pivot would have to undo the pivot, which has no compensation.
    ///
    /// ## Why is this bad?
    /// The pivot is the point of no return: once it succeeds, the saga must complete. Of
    /// the method's ways to keep a distributed transaction consistent
    /// (docs/method.md#sagas), only retrying moves forward. A step after the pivot that
    /// gives up leaves the system half done: the final bill is settled but the customer is
    /// never marked terminated.
    ///
    /// ## Example
    /// ```yaml
    /// steps:
    ///   - { service: contract, action: TerminateContract, compensation: ReinstateContract }
    ///   - { service: billing, action: SettleFinalBill, pivot: true }
    ///   - { service: customer, action: MarkCustomerTerminated }   # may give up
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// steps:
    ///   - { service: contract, action: TerminateContract, compensation: ReinstateContract }
    ///   - { service: billing, action: SettleFinalBill, pivot: true }
    ///   - { service: customer, action: MarkCustomerTerminated, on_failure: retry }
    /// ```
    pub static META = ("saga-step-not-retriable", Error);
}

/// Reports every step after the declared pivot that is not retried.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    for saga in &context.model.sagas {
        let Some(pivot) = saga.pivot() else {
            continue;
        };
        for step in &saga.steps[pivot + 1..] {
            if step.on_failure == OnFailure::Retry || step.pivot {
                continue;
            }
            let help = if step.on_failure == OnFailure::BatchCancel {
                "a batch cancel after the pivot would have to undo the pivot, which cannot be \
                 undone: set `on_failure: retry` (and make the action idempotent)"
                    .to_owned()
            } else {
                format!(
                    "set `on_failure: retry` and make {} idempotent; if it may really have to \
                     give up, move the pivot after it and give the steps before compensations",
                    step.action.value
                )
            };
            out.push(
                META.finding(
                    step.on_failure_span.unwrap_or(step.span),
                    format!(
                        "{} comes after {} but can fail without being retried ({})",
                        describe(saga, step),
                        pivot_phrase(saga, pivot),
                        on_failure_phrase(step)
                    ),
                )
                .with_help(help),
            );
        }
    }
}

fn on_failure_phrase(step: &Step) -> String {
    match step.on_failure_span {
        Some(_) => format!("`on_failure: {}`", step.on_failure.as_str()),
        None => "no `on_failure`, so it compensates".to_owned(),
    }
}
