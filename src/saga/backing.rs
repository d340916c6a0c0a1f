//! Which relation carries each saga step, so that the step can actually run.
//!
//! The method pairs the messaging types with the saga styles
//! (docs/method.md#messaging-types): command-reply drives an orchestration saga, event
//! pub/sub a choreography saga. A step is *backed* when the SRD has the relation that
//! triggers it in the saga's own style, and *backed in the other style* when only the other
//! kind does.

use std::collections::HashSet;

use crate::model::{Model, RelationKind, Saga, SagaStyle};

/// The asynchronous relations by (from, to, message), indexed once so that checking
/// every step of every saga stays linear in the size of the spec.
#[derive(Default)]
pub struct RelationIndex<'m> {
    commands: HashSet<(&'m str, &'m str, &'m str)>,
    /// Commands by (to, message), whoever sends them.
    commands_to: HashSet<(&'m str, &'m str)>,
    events: HashSet<(&'m str, &'m str, &'m str)>,
}

impl<'m> RelationIndex<'m> {
    pub fn of(model: &'m Model) -> Self {
        let mut index = RelationIndex::default();
        for relation in &model.relations {
            let Some(message) = relation.message_name() else {
                continue;
            };
            let from = relation.from.as_str();
            for to in relation.to.iter().map(|t| t.as_str()) {
                match relation.kind {
                    RelationKind::Command => {
                        index.commands.insert((from, to, message));
                        index.commands_to.insert((to, message));
                    }
                    RelationKind::Event => {
                        index.events.insert((from, to, message));
                    }
                    RelationKind::Sync | RelationKind::Message => {}
                }
            }
        }
        index
    }

    /// A `command` relation `from -> to` carries `message`.
    pub fn has_command(&self, from: &str, to: &str, message: &str) -> bool {
        self.commands.contains(&(from, to, message))
    }

    fn has_command_to(&self, to: &str, message: &str) -> bool {
        self.commands_to.contains(&(to, message))
    }

    fn has_event(&self, from: &str, to: &str, message: &str) -> bool {
        self.events.contains(&(from, to, message))
    }
}

/// How one step is triggered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepBacking {
    /// Nothing to check: the first step of a choreography (it starts the saga), a step
    /// whose service is unknown (unknown-reference), or any step of an orchestration
    /// whose orchestrator is missing (saga-unknown-orchestrator).
    Unchecked,
    /// Runs in the service that already holds control: the orchestrator's own step, or a
    /// choreography step in the same service as the step before it.
    Local,
    /// Backed by a relation of the saga's style.
    Backed,
    /// Backed only by a relation of the other style.
    OtherStyle,
    /// No relation triggers it.
    Unbacked,
}

/// The backing of every step of a saga.
#[derive(Debug)]
pub struct SagaBacking {
    pub steps: Vec<StepBacking>,
    /// No step is backed in the saga's style and some are in the other one: the saga is
    /// written in the wrong style (saga-style-mismatch), not missing its relations.
    pub style_mismatch: bool,
}

impl SagaBacking {
    /// True when the step's missing backing is a defect of the step (saga-step-unbacked)
    /// rather than of the saga's style.
    pub fn step_is_unbacked(&self, index: usize) -> bool {
        match self.steps.get(index) {
            Some(StepBacking::Unbacked) => true,
            Some(StepBacking::OtherStyle) => !self.style_mismatch,
            _ => false,
        }
    }
}

/// Classifies every step of the saga.
pub fn backing(model: &Model, saga: &Saga, relations: &RelationIndex<'_>) -> SagaBacking {
    let steps: Vec<StepBacking> = (0..saga.steps.len())
        .map(|index| step_backing(model, saga, index, relations))
        .collect();
    let backed = steps.contains(&StepBacking::Backed);
    let other = steps.contains(&StepBacking::OtherStyle);
    SagaBacking {
        style_mismatch: other && !backed,
        steps,
    }
}

/// The orchestrator's id, when it names a declared service.
pub fn known_orchestrator<'s>(model: &Model, saga: &'s Saga) -> Option<&'s str> {
    saga.orchestrator
        .as_ref()
        .map(|o| o.as_str())
        .filter(|id| model.service(id).is_some())
}

fn step_backing(
    model: &Model,
    saga: &Saga,
    index: usize,
    relations: &RelationIndex<'_>,
) -> StepBacking {
    let step = &saga.steps[index];
    let service = step.service.as_str();
    if model.service(service).is_none() {
        return StepBacking::Unchecked;
    }
    let by_event = driven_by_event(saga, index, relations);
    match saga.style {
        SagaStyle::Orchestration => {
            let Some(orchestrator) = known_orchestrator(model, saga) else {
                return StepBacking::Unchecked;
            };
            if service == orchestrator {
                StepBacking::Local
            } else if relations.has_command(orchestrator, service, step.action.as_str()) {
                StepBacking::Backed
            } else if by_event {
                StepBacking::OtherStyle
            } else {
                StepBacking::Unbacked
            }
        }
        SagaStyle::Choreography => {
            let Some(previous) = index.checked_sub(1).map(|i| &saga.steps[i]) else {
                return StepBacking::Unchecked;
            };
            if previous.service.as_str() == service {
                StepBacking::Local
            } else if by_event {
                StepBacking::Backed
            } else if relations.has_command_to(service, step.action.as_str()) {
                StepBacking::OtherStyle
            } else {
                StepBacking::Unbacked
            }
        }
    }
}

/// The step before publishes its `emits` by an `event` relation to this step's service.
fn driven_by_event(saga: &Saga, index: usize, relations: &RelationIndex<'_>) -> bool {
    let Some(previous) = index.checked_sub(1).map(|i| &saga.steps[i]) else {
        return false;
    };
    let Some(emits) = &previous.emits else {
        return false;
    };
    relations.has_event(
        previous.service.as_str(),
        saga.steps[index].service.as_str(),
        emits.as_str(),
    )
}
