use super::{event_sites, naming};
use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::rules::Context;

declare_rule! {
    /// An event named like an API call or an interface (`GetOrder`, `…Request`, `…IF`).
    ///
    /// ## What it does
    /// Checks the names of lifecycle transitions and event relations for the words of an
    /// interface list: a first word `Get`, `Post`, `Put`, `Patch`, `Fetch`, `Retrieve`
    /// (unless the name states a fact: `PostPublished` is about a blog post); a
    /// last word `Request`, `Response`, `Api`, `Interface`, `IF`, `I/F`, `Endpoint`, `Rpc`,
    /// `Dto`; the Korean endings `…요청`, `…조회`, `…호출`, `…인터페이스`, `…연동`.
    ///
    /// ## Why is this bad?
    /// The method's pitfalls (docs/method.md#domain-events-not-row-changes): do not
    /// approach domain events as a list of interfaces, a list of APIs or an EAI mapping. An
    /// event records something that happened in an aggregate; an API name describes who
    /// calls whom, so the event list becomes a copy of the interface inventory and loses
    /// the domain.
    ///
    /// ## Example
    /// ```yaml
    /// relations:
    ///   - { from: contract, to: billing, type: event, message: ContractTerminationIF }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// relations:
    ///   - { from: contract, to: billing, type: event, message: ContractTerminated }
    /// ```
    pub static META = ("api-style-event-name", Warning);
}

/// Reports each event name once, at its first place.
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    for site in event_sites(context.model) {
        let Some(word) = naming::api_style(site.name.as_str()) else {
            continue;
        };
        out.push(
            META.finding(
                site.name.span,
                format!(
                    "event `{}` is named like an API or interface (`{word}`), not a domain event",
                    site.name.value
                ),
            )
            .with_help(
                "name what happened to the aggregate, as a fact (`ContractTerminated`, \
                 `계약해지됨`); a request that expects an answer is a `command`",
            ),
        );
    }
}
