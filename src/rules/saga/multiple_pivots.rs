use super::describe;
use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::rules::Context;

declare_rule! {
    /// A saga marks more than one step as its pivot.
    ///
    /// ## What it does
    /// Reports each `pivot: true` after the first one in a saga. The other saga rules
    /// take the first marked step as the pivot.
    ///
    /// ## Why is this bad?
    /// A saga has one go/no-go step: the steps before it are compensated if it fails, the
    /// steps after it are retried until they succeed (docs/method.md#sagas). A second pivot
    /// cannot be both: it follows the first pivot, so it must not fail, yet as a pivot it
    /// is allowed to say no-go.
    ///
    /// ## Example
    /// ```yaml
    /// steps:
    ///   - { service: inventory, action: ReserveStock, compensation: ReleaseStock }
    ///   - { service: payment, action: AuthorizePayment, pivot: true }
    ///   - { service: shipping, action: ScheduleShipment, pivot: true }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// steps:
    ///   - { service: inventory, action: ReserveStock, compensation: ReleaseStock }
    ///   - { service: payment, action: AuthorizePayment, pivot: true }
    ///   - { service: shipping, action: ScheduleShipment, on_failure: retry }
    /// ```
    pub static META = ("saga-multiple-pivots", Error);
}

/// Reports every pivot after the first, at its `pivot` key.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    for saga in &context.model.sagas {
        let Some(first) = saga.pivot() else {
            continue;
        };
        let first_step = &saga.steps[first];
        for step in saga.steps[first + 1..].iter().filter(|s| s.pivot) {
            let mut finding = META
                .finding(
                    step.pivot_span.unwrap_or(step.span),
                    format!(
                        "{} is marked `pivot: true`, but step {} already is the pivot",
                        describe(saga, step),
                        first_step.number
                    ),
                )
                .with_help(format!(
                    "a saga has one go/no-go step: remove `pivot: true` from step {} and \
                     retry it (`on_failure: retry`), or move the pivot to it and give the \
                     steps before it compensations",
                    step.number
                ));
            if let Some(span) = first_step.pivot_span {
                finding = finding.with_related(span, "the first pivot");
            }
            out.push(finding);
        }
    }
}
