//! A service's sagas: the state machine of each orchestration it runs, and the step
//! handlers of each choreography it takes part in, both following the compensation
//! paths the analysis computed.

use serde::Serialize;
use smol_str::SmolStr;

use super::{StateView, Workspace};
use crate::model::{OnFailure, Saga};
use crate::names::{Case, Idents};
use crate::saga::CompensationPath;

#[derive(Debug, Serialize)]
pub struct Orchestration {
    pub ident: SmolStr,
    pub test_ident: SmolStr,
    pub action_ident: SmolStr,
    pub wire: SmolStr,
    pub label: SmolStr,
    pub actions: Vec<StateView>,
    pub steps: Vec<SagaStep>,
    pub paths: Vec<PathView>,
}

#[derive(Debug, Serialize)]
pub struct SagaStep {
    pub number: usize,
    pub service: SmolStr,
    pub action: SmolStr,
    pub action_wire: SmolStr,
    /// The go/no-go step.
    pub pivot: bool,
    pub retried: bool,
    /// Expected outcome of its failure: `retry`, `compensate` or `abort`.
    pub on_failure: SmolStr,
    pub compensations: Vec<SmolStr>,
}

#[derive(Debug, Serialize)]
pub struct PathView {
    pub failed_step: usize,
    pub actions: Vec<SmolStr>,
    pub wires: Vec<SmolStr>,
}

#[derive(Debug, Serialize)]
pub struct Choreography {
    pub trait_ident: SmolStr,
    pub test_ident: SmolStr,
    pub paths_fn: SmolStr,
    pub wire: SmolStr,
    pub label: SmolStr,
    pub methods: Vec<ChoreographyMethod>,
    pub paths: Vec<PathView>,
}

#[derive(Debug, Serialize)]
pub struct ChoreographyMethod {
    pub ident: SmolStr,
    pub number: usize,
    pub wire: SmolStr,
    /// The event that triggers it (the previous step's `emits`).
    pub trigger_ty: Option<SmolStr>,
    pub trigger_wire: Option<SmolStr>,
    /// The event it emits, or `()`.
    pub output_ty: SmolStr,
    pub compensation_of: Option<usize>,
}

/// Owned copies of names, for a view the templates read.
fn strings_of(names: &[String]) -> Vec<SmolStr> {
    names.iter().map(SmolStr::from).collect()
}

/// An orchestration saga named `ident`, its action enum `action_ident`. Actions are
/// named as first met: the steps' actions and compensations in order, then any action
/// that only a compensation path names.
pub(super) fn orchestration(
    saga: &Saga,
    paths: &[CompensationPath],
    ident: String,
    action_ident: String,
) -> Orchestration {
    let mut action_idents = Idents::new(Case::Pascal);
    let mut actions: Vec<StateView> = Vec::new();
    let mut action_of = |name: &str| -> SmolStr {
        if let Some(found) = actions.iter().find(|a| a.wire == name) {
            return found.ident.clone();
        }
        let ident = SmolStr::from(action_idents.name(name));
        actions.push(StateView {
            ident: ident.clone(),
            wire: name.into(),
        });
        ident
    };
    let mut steps = Vec::new();
    for step in &saga.steps {
        let action = action_of(&step.action.value);
        if let Some(compensation) = &step.compensation {
            action_of(&compensation.value);
        }
        let path = paths.iter().find(|p| p.failed_step == step.number);
        let retried = step.on_failure == OnFailure::Retry;
        steps.push(SagaStep {
            number: step.number,
            service: step.service.value.clone(),
            action,
            action_wire: step.action.value.clone(),
            pivot: step.pivot,
            retried,
            on_failure: if retried {
                "retry"
            } else if path.is_some() {
                "compensate"
            } else {
                "abort"
            }
            .into(),
            compensations: path
                .map(|p| strings_of(&p.compensations))
                .unwrap_or_default(),
        });
    }
    let paths = paths
        .iter()
        .map(|p| PathView {
            failed_step: p.failed_step,
            actions: p.compensations.iter().map(|c| action_of(c)).collect(),
            wires: strings_of(&p.compensations),
        })
        .collect();
    Orchestration {
        ident: ident.into(),
        test_ident: SmolStr::default(),
        action_ident: action_ident.into(),
        wire: saga.id.value.clone(),
        label: saga.label().into(),
        actions,
        steps,
        paths,
    }
}

impl Workspace<'_> {
    /// The steps of a choreography saga that the service `id` runs, as methods of a
    /// trait named `trait_ident`; `paths_fn` names the function of its compensation
    /// paths.
    pub(super) fn choreography(
        &self,
        saga: &Saga,
        paths: &[CompensationPath],
        id: &str,
        trait_ident: String,
        paths_fn: String,
    ) -> Choreography {
        let mut idents = Idents::new(Case::Snake);
        let mut methods = Vec::new();
        for (index, step) in saga.steps.iter().enumerate() {
            if step.service.value != id {
                continue;
            }
            let trigger = index
                .checked_sub(1)
                .and_then(|previous| saga.steps[previous].emits.as_ref());
            methods.push(ChoreographyMethod {
                ident: idents.name(&step.action.value).into(),
                number: step.number,
                wire: step.action.value.clone(),
                trigger_ty: trigger.map(|t| self.messages.ty(&t.value).into()),
                trigger_wire: trigger.map(|t| t.value.clone()),
                output_ty: step
                    .emits
                    .as_ref()
                    .map_or("()".into(), |e| self.messages.ty(&e.value))
                    .into(),
                compensation_of: None,
            });
            if let Some(compensation) = step.compensation.as_ref().filter(|_| !step.read_only) {
                methods.push(ChoreographyMethod {
                    ident: idents.name(&compensation.value).into(),
                    number: step.number,
                    wire: compensation.value.clone(),
                    trigger_ty: None,
                    trigger_wire: None,
                    output_ty: "()".into(),
                    compensation_of: Some(step.number),
                });
            }
        }
        Choreography {
            trait_ident: trait_ident.into(),
            test_ident: SmolStr::default(),
            paths_fn: paths_fn.into(),
            wire: saga.id.value.clone(),
            label: saga.label().into(),
            methods,
            paths: paths
                .iter()
                .map(|p| PathView {
                    failed_step: p.failed_step,
                    actions: Vec::new(),
                    wires: strings_of(&p.compensations),
                })
                .collect(),
        }
    }
}
