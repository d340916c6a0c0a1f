use super::{describe, pivot_phrase};
use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::rules::Context;
use crate::saga::pivot_index;

declare_rule! {
    /// A saga step before the pivot has no compensation.
    ///
    /// ## What it does
    /// Reports a step that comes before the saga's pivot and names no `compensation`,
    /// unless it is `read_only: true` (a verification or a look-up changes nothing).
    /// A saga with no `pivot: true` is checked against the last step that can fail
    /// (`on_failure` other than `retry`): every step after it is retried until it
    /// succeeds, so it is the go/no-go step in all but name.
    ///
    /// ## Why is this bad?
    /// With a database per service there is no distributed rollback: the method keeps a
    /// distributed transaction consistent by retrying, by cancelling failed cases in bulk,
    /// or by compensating transactions (docs/method.md#sagas). Until the
    /// pivot succeeds the saga may still fail, and every step done before must then be
    /// undone. A step with no compensation leaves its change behind: the contract stays
    /// terminated while the bill was never settled.
    ///
    /// ## Example
    /// ```yaml
    /// sagas:
    ///   terminate-contract:
    ///     style: orchestration
    ///     orchestrator: contract
    ///     steps:
    ///       - { service: contract, action: TerminateContract }   # nothing undoes it
    ///       - { service: billing, action: SettleFinalBill, pivot: true }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// sagas:
    ///   terminate-contract:
    ///     style: orchestration
    ///     orchestrator: contract
    ///     steps:
    ///       - { service: contract, action: TerminateContract, compensation: ReinstateContract }
    ///       - { service: billing, action: SettleFinalBill, pivot: true }
    /// ```
    pub static META = ("saga-missing-compensation", Error);
}

/// Reports every step before the (declared or implied) pivot that nothing undoes.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    for saga in &context.model.sagas {
        let Some(pivot) = pivot_index(saga) else {
            continue;
        };
        for step in &saga.steps[..pivot] {
            if step.compensation.is_some() || step.read_only {
                continue;
            }
            out.push(
                META.finding(
                    step.span,
                    format!(
                        "{} comes before {} but has no compensation",
                        describe(saga, step),
                        pivot_phrase(saga, pivot)
                    ),
                )
                .with_help(format!(
                    "add `compensation:` with the action that undoes {} (if a later step \
                     fails, it must be undone), or `read_only: true` if it changes nothing",
                    step.action.value
                )),
            );
        }
    }
}
