//! `name-not-ascii`: the one structural rule checked on the built model.

use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::model::Name;
use crate::names::{ascii_words, stable_kebab_case};
use crate::rules::Context;

declare_rule! {
    /// A name has no ASCII form and no `code:`.
    ///
    /// ## What it does
    /// Reports an element whose name contains characters that can be neither kept nor
    /// romanized (Hangul is romanized; Chinese characters or emoji are not) and that has
    /// no `code:` to use where an output needs ASCII (crate names, AsyncAPI keys, file
    /// names, diagram node ids).
    ///
    /// ## Why is this bad?
    /// Generated code and documents need stable ASCII identifiers.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   合同: { name: 合同 }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   合同: { name: 合同, code: contract }
    /// ```
    pub static META = ("name-not-ascii", Warning);
}

/// Checks the ids of services, data and sagas (the elements that accept `code:`).
pub fn check(context: &Context<'_>, out: &mut Vec<Finding>) {
    let model = context.model;
    let services = model
        .services
        .iter()
        .map(|s| ("service", &s.id, s.code.as_ref()));
    let data = model.data.iter().map(|d| ("data", &d.id, d.code.as_ref()));
    let sagas = model.sagas.iter().map(|s| ("saga", &s.id, s.code.as_ref()));
    for (kind, id, code) in services.chain(data).chain(sagas) {
        if code.is_none() && ascii_words(&id.value).is_none() {
            out.push(not_ascii(kind, id));
        }
    }
}

fn not_ascii(kind: &str, id: &Name) -> Finding {
    META.finding(
        id.span,
        format!(
            "{kind} `{}` has no ASCII form for generated names",
            id.value
        ),
    )
    .with_help(format!(
        "add `code:` with an ASCII name; without it, outputs call it `{}`",
        stable_kebab_case(&id.value)
    ))
}
