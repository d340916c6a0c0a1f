//! Saga rules: the method's distributed transactions (docs/method.md#sagas): compensatable
//! steps before the pivot, retriable steps after it, and each step backed by the relation
//! that triggers it in the saga's style (commands for orchestration, events for
//! choreography).

pub mod compensation_unbacked;
pub mod missing_compensation;
pub mod multiple_pivots;
pub mod pivot_inconsistent;
pub mod step_not_retriable;
pub mod step_unbacked;
pub mod style_mismatch;
pub mod unknown_orchestrator;

use crate::model::{Saga, Step};

/// "step 2 (billing: SettleFinalBill) of saga `terminate-contract`", for messages.
fn describe(saga: &Saga, step: &Step) -> String {
    format!(
        "step {} ({}: {}) of saga `{}`",
        step.number, step.service.value, step.action.value, saga.id.value
    )
}

/// How a message names the pivot: declared, or implied by the last step that can fail.
fn pivot_phrase(saga: &Saga, pivot: usize) -> String {
    let number = pivot + 1;
    if saga.pivot().is_some() {
        format!("the pivot (step {number})")
    } else {
        format!("step {number} (the last step that can fail; the saga marks no pivot)")
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::{Options, analyze_str};

    /// Unknown services and orchestrators, empty sagas, every flag on one step, NaN
    /// availabilities and sync cycles through unknown services: findings, never a panic.
    #[test]
    fn odd_specs_give_findings_not_panics() {
        let spec = r#"
targets: { availability: .nan }
services:
  a: { availability: .nan }
  b: { availability: -5 }
relations:
  - { from: a, to: [a, b, zz], type: sync }
  - { from: zz, to: a, type: sync }
  - { from: a, to: zz, type: command, message: X }
  - { from: a, to: b, type: event }
sagas:
  e1: { style: orchestration, orchestrator: zz }
  e2: { style: choreography, orchestrator: zz }
  e3:
    style: choreography
    steps:
      - { service: zz, action: X, emits: Y, pivot: true, on_failure: retry, compensation: Z, read_only: true }
      - { service: zz, action: X, pivot: true }
      - { service: b, action: X, pivot: true, on_failure: batch-cancel }
  e4:
    style: orchestration
    orchestrator: a
    steps:
      - { service: zz, action: X }
      - { service: a, action: X, on_failure: batch-cancel }
      - { service: b, action: X, on_failure: batch-cancel }
"#;
        let analysis = analyze_str("spec.yaml", spec, &Options::default());
        let rules: Vec<&str> = analysis.findings.iter().map(|f| f.rule).collect();
        for rule in [
            "sync-cycle",
            "saga-unknown-orchestrator",
            "saga-style-mismatch",
            "saga-multiple-pivots",
            "saga-pivot-inconsistent",
            "saga-missing-compensation",
            "saga-step-unbacked",
        ] {
            assert!(rules.contains(&rule), "{rule} missing from {rules:?}");
        }
    }
}
