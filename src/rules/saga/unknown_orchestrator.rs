use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::model::SagaStyle;
use crate::names::did_you_mean_or;
use crate::rules::Context;

declare_rule! {
    /// An orchestration saga has no orchestrator, or names one that is not a service.
    ///
    /// ## What it does
    /// Reports an orchestration saga without `orchestrator:` (at its `style`), or whose
    /// `orchestrator` is not a declared service (at the name). A choreography saga that
    /// names an orchestrator is not reported here but by saga-style-mismatch (a warning:
    /// the orchestrator is simply ignored there).
    ///
    /// ## Why is this bad?
    /// In the method, command-reply is the orchestration saga's messaging type
    /// (docs/method.md#messaging-types): one service sends each step's command and handles
    /// the reply. Without it no one drives the saga, and its steps cannot be checked
    /// against the commands of the SRD.
    ///
    /// ## Example
    /// ```yaml
    /// sagas:
    ///   terminate-contract:
    ///     style: orchestration
    ///     orchestrator: contracts        # the service is `contract`
    ///     steps:
    ///       - { service: contract, action: TerminateContract, compensation: ReinstateContract }
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
    pub static META = ("saga-unknown-orchestrator", Error);
}

/// Reports orchestration sagas without a known orchestrator.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    let model = context.model;
    for saga in model
        .sagas
        .iter()
        .filter(|s| s.style == SagaStyle::Orchestration)
    {
        let finding = match &saga.orchestrator {
            None => META
                .finding(
                    saga.style_span,
                    format!(
                        "orchestration saga `{}` names no orchestrator",
                        saga.id.value
                    ),
                )
                .with_help(
                    "add `orchestrator:` with the service that sends each step's command; \
                     if each step reacts to the previous step's event, use \
                     `style: choreography`",
                ),
            Some(orchestrator) if model.service(orchestrator.as_str()).is_none() => {
                let services = model.services.iter().map(|s| s.id.as_str());
                let help = did_you_mean_or(orchestrator.as_str(), services, || {
                    format!(
                        "declare service `{}` under `services:`, or name the service that \
                         sends the saga's commands",
                        orchestrator.value
                    )
                });
                META.finding(
                    orchestrator.span,
                    format!(
                        "the orchestrator of saga `{}` is `{}`, which is not a declared service",
                        saga.id.value, orchestrator.value
                    ),
                )
                .with_help(help)
            }
            Some(_) => continue,
        };
        out.push(finding);
    }
}
