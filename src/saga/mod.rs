//! Compensation paths: for each saga step that can fail, what must be undone and in
//! which order.
//!
//! The method's distributed transactions (docs/method.md#sagas) keep
//! data consistent in three ways: retry, cancel the failed cases in bulk by a batch job,
//! or compensate. A saga orders them: compensatable steps, then the pivot (the go/no-go
//! step), then steps that are retried until they succeed. When a step fails, every
//! compensation done so far runs in reverse order, at once (`on_failure: compensate`) or
//! later by a batch job (`on_failure: batch-cancel`).

mod backing;

use serde::Serialize;

pub use backing::{RelationIndex, SagaBacking, StepBacking, backing, known_orchestrator};

use crate::model::{OnFailure, Saga, Step};

/// The compensations to run when one step fails.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompensationPath {
    /// 1-based number of the failing step.
    pub failed_step: usize,
    pub failed_action: String,
    /// The compensations to run, in order (the reverse of the steps that did them).
    pub compensations: Vec<String>,
    /// The steps that are compensated, in the same order.
    pub compensated_steps: Vec<usize>,
    /// The failing step says `on_failure: batch-cancel`: a batch job runs these
    /// compensations later, for all failed cases at once, instead of the saga at once.
    pub batch_cancel: bool,
}

/// True when a step may end the saga by failing: it is not retried until it succeeds.
pub fn can_fail(step: &Step) -> bool {
    step.on_failure != OnFailure::Retry
}

/// The index of the saga's go/no-go step: the first step marked `pivot`, else the last
/// step that can fail (every step after it is retried, so once it succeeds the saga
/// completes: it is the pivot in all but name). `None` when every step is retried.
pub fn pivot_index(saga: &Saga) -> Option<usize> {
    saga.pivot()
        .or_else(|| saga.steps.iter().rposition(can_fail))
}

/// A saga's compensation paths, one per step that can fail and leaves something to undo.
///
/// A step can fail unless it is retried until it succeeds (`on_failure: retry`). A step
/// failing first leaves nothing to undo, so it has no path. Read-only steps change
/// nothing and are never compensated. A `batch-cancel` step has the same path as a
/// compensating one: the batch job must undo the same steps, in the same order.
pub fn compensation_paths(saga: &Saga) -> Vec<CompensationPath> {
    let mut paths = Vec::new();
    let mut done: Vec<(usize, &str)> = Vec::new();
    for step in &saga.steps {
        if can_fail(step) && !done.is_empty() {
            paths.push(CompensationPath {
                failed_step: step.number,
                failed_action: step.action.value.to_string(),
                compensations: done
                    .iter()
                    .rev()
                    .map(|(_, name)| (*name).to_owned())
                    .collect(),
                compensated_steps: done.iter().rev().map(|(number, _)| *number).collect(),
                batch_cancel: step.on_failure == OnFailure::BatchCancel,
            });
        }
        if let Some(compensation) = step.compensation.as_ref().filter(|_| !step.read_only) {
            done.push((step.number, &compensation.value));
        }
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Analysis, Options, analyze_str};

    fn analyze(name: &str, text: &str) -> Analysis {
        analyze_str(name, text, &Options::default())
    }

    /// (failed step, compensations, batch) of each path of the named saga.
    fn paths(analysis: &Analysis, saga: &str) -> Vec<(usize, Vec<String>, bool)> {
        let saga = analysis.model.saga(saga).expect("saga exists");
        compensation_paths(saga)
            .into_iter()
            .map(|p| (p.failed_step, p.compensations, p.batch_cancel))
            .collect()
    }

    fn path(step: usize, compensations: &[&str]) -> (usize, Vec<String>, bool) {
        let compensations = compensations.iter().map(|c| (*c).to_owned()).collect();
        (step, compensations, false)
    }

    #[test]
    fn telecom_terminate_contract_reinstates_when_billing_fails() {
        let analysis = analyze(
            "spec.yaml",
            include_str!("../../examples/telecom-ko/spec.yaml"),
        );
        assert_eq!(
            paths(&analysis, "terminate-contract"),
            vec![path(2, &["계약복원"])]
        );
    }

    #[test]
    fn ecommerce_place_order_undoes_in_reverse_and_skips_read_only() {
        let analysis = analyze(
            "spec.yaml",
            include_str!("../../examples/ecommerce/spec.yaml"),
        );
        assert_eq!(
            paths(&analysis, "place-order"),
            vec![
                path(2, &["RejectOrder"]),
                path(3, &["RejectOrder"]),
                path(4, &["ReleaseStock", "RejectOrder"]),
            ]
        );
        assert_eq!(
            paths(&analysis, "return-order"),
            vec![path(2, &["CancelReturn"])]
        );
    }

    #[test]
    fn format_page_example_has_one_path() {
        let analysis = analyze(
            "spec.yaml",
            r#"
services: { contract: {}, billing: {}, customer: {} }
sagas:
  terminate-contract:
    style: orchestration
    orchestrator: contract
    steps:
      - { service: contract, action: TerminateContract, compensation: ReinstateContract }
      - { service: billing, action: SettleFinalBill, pivot: true }
      - { service: customer, action: MarkCustomerTerminated, on_failure: retry }
"#,
        );
        let saga = analysis.model.saga("terminate-contract").unwrap();
        let paths = compensation_paths(saga);
        assert_eq!(paths.len(), 1);
        assert_eq!(paths[0].failed_step, 2);
        assert_eq!(paths[0].failed_action, "SettleFinalBill");
        assert_eq!(paths[0].compensations, vec!["ReinstateContract"]);
        assert_eq!(paths[0].compensated_steps, vec![1]);
        assert!(!paths[0].batch_cancel);
    }

    #[test]
    fn batch_cancel_step_keeps_its_path_and_is_marked() {
        let analysis = analyze(
            "spec.yaml",
            r#"
services: { a: {}, b: {}, c: {} }
sagas:
  s:
    style: orchestration
    orchestrator: a
    steps:
      - { service: a, action: Open, compensation: Close }
      - { service: b, action: Hold, compensation: Release, on_failure: batch-cancel }
      - { service: c, action: Charge, pivot: true, on_failure: batch-cancel }
"#,
        );
        assert_eq!(
            paths(&analysis, "s"),
            vec![
                (2, vec!["Close".to_owned()], true),
                (3, vec!["Release".to_owned(), "Close".to_owned()], true),
            ]
        );
    }

    #[test]
    fn empty_and_all_retried_sagas_have_no_paths_and_no_pivot() {
        let analysis = analyze(
            "spec.yaml",
            r#"
services: { a: {} }
sagas:
  empty: { style: choreography }
  retried:
    style: choreography
    steps:
      - { service: a, action: One, compensation: UndoOne, on_failure: retry }
      - { service: a, action: Two, on_failure: retry }
"#,
        );
        assert!(paths(&analysis, "empty").is_empty());
        assert!(paths(&analysis, "retried").is_empty());
        assert_eq!(pivot_index(analysis.model.saga("empty").unwrap()), None);
        assert_eq!(pivot_index(analysis.model.saga("retried").unwrap()), None);
    }

    #[test]
    fn pivot_is_the_first_marked_else_the_last_step_that_can_fail() {
        let analysis = analyze(
            "spec.yaml",
            r#"
services: { a: {} }
sagas:
  marked:
    style: choreography
    steps:
      - { service: a, action: One, compensation: UndoOne }
      - { service: a, action: Two, pivot: true }
      - { service: a, action: Three, pivot: true }
  implicit:
    style: choreography
    steps:
      - { service: a, action: One, compensation: UndoOne }
      - { service: a, action: Two }
      - { service: a, action: Three, on_failure: retry }
"#,
        );
        assert_eq!(pivot_index(analysis.model.saga("marked").unwrap()), Some(1));
        assert_eq!(
            pivot_index(analysis.model.saga("implicit").unwrap()),
            Some(1)
        );
    }
}
