//! Compensation paths: for each saga step that can fail, what must be undone and in
//! which order.
//!
//! The method's distributed transactions: steps before the pivot are compensatable,
//! the pivot is the go/no-go step, steps after it are retried until they succeed. When a
//! step fails, every compensation done so far runs in reverse order.

use serde::Serialize;

use crate::model::{OnFailure, Saga};

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
}

/// A saga's compensation paths, one per step that can fail and leaves something to undo.
///
/// A step can fail unless it is retried until it succeeds (`on_failure: retry`). A step
/// failing first leaves nothing to undo, so it has no path. Read-only steps change
/// nothing and are never compensated.
pub fn compensation_paths(saga: &Saga) -> Vec<CompensationPath> {
    let mut paths = Vec::new();
    let mut done: Vec<(usize, &str)> = Vec::new();
    for step in &saga.steps {
        let can_fail = step.on_failure != OnFailure::Retry;
        if can_fail && !done.is_empty() {
            paths.push(CompensationPath {
                failed_step: step.number,
                failed_action: step.action.value.clone(),
                compensations: done
                    .iter()
                    .rev()
                    .map(|(_, name)| (*name).to_owned())
                    .collect(),
                compensated_steps: done.iter().rev().map(|(number, _)| *number).collect(),
            });
        }
        if let Some(compensation) = step.compensation.as_ref().filter(|_| !step.read_only) {
            done.push((step.number, &compensation.value));
        }
    }
    paths
}
