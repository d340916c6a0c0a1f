use super::describe;
use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::model::OnFailure;
use crate::rules::Context;

declare_rule! {
    /// The pivot is retried or compensated, which a go/no-go step never is.
    ///
    /// ## What it does
    /// Reports a saga's pivot that says `on_failure: retry` (it never fails, so it can
    /// never say no-go) or names a `compensation` (nothing after the pivot may fail, so
    /// it is never undone). Only the first pivot is checked; further ones are
    /// saga-multiple-pivots.
    ///
    /// ## Why is this bad?
    /// The method's saga orders its steps as compensatable, pivot, retriable
    /// (docs/method.md#sagas). A retried pivot is really a retriable step, so the real
    /// go/no-go step is an earlier one; a compensated pivot is really a compensatable step,
    /// so the real one is later. Either way the spec says something else than the saga
    /// does, and reviewers agreeing on each service's role (docs/method.md#sagas) read the
    /// wrong step as the point of no return.
    ///
    /// ## Example
    /// ```yaml
    /// steps:
    ///   - { service: contract, action: TerminateContract, compensation: ReinstateContract }
    ///   - { service: billing, action: SettleFinalBill, pivot: true, on_failure: retry }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// steps:
    ///   - { service: contract, action: TerminateContract, compensation: ReinstateContract }
    ///   - { service: billing, action: SettleFinalBill, pivot: true }
    /// ```
    pub static META = ("saga-pivot-inconsistent", Warning);
}

/// Reports a retried or compensated first pivot, at the offending key.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    for saga in &context.model.sagas {
        let Some(step) = saga.pivot().map(|index| &saga.steps[index]) else {
            continue;
        };
        if step.on_failure == OnFailure::Retry {
            out.push(
                META.finding(
                    step.on_failure_span.unwrap_or(step.span),
                    format!(
                        "{} is the pivot but is retried until it succeeds, so it never says \
                         no-go",
                        describe(saga, step)
                    ),
                )
                .with_help(
                    "drop `on_failure: retry` from the pivot, or move `pivot: true` to the \
                     last step that may fail",
                ),
            );
        }
        if let Some(compensation) = &step.compensation {
            out.push(
                META.finding(
                    compensation.span,
                    format!(
                        "{} is the pivot but has compensation {}, which never runs: no step \
                         after the pivot may fail",
                        describe(saga, step),
                        compensation.value
                    ),
                )
                .with_help(
                    "remove the compensation, or, if this step can be undone, move \
                     `pivot: true` to the later step that cannot",
                ),
            );
        }
    }
}
