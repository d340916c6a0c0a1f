//! Structural rules: what the loader and the model builder report. Each stops a
//! spec from meaning what its author intended, so most are errors.
//!
//! Only their metadata lives here, below the model: they have no check of their own,
//! and [`crate::rules`] lists them in the catalog.

use crate::declare_rule;
use crate::diagnostic::RuleMeta;

/// All structural rules, for the catalog.
pub static ALL: &[&RuleMeta] = &[
    &YAML_SYNTAX,
    &INVALID_UTF8,
    &EMPTY_SPEC,
    &FILE_TOO_LARGE,
    &LIMIT_EXCEEDED,
    &UNKNOWN_KEY,
    &MISSING_KEY,
    &WRONG_TYPE,
    &INVALID_VALUE,
    &DUPLICATE_KEY,
    &UNKNOWN_VERSION,
    &DUPLICATE_ID,
    &INVALID_ID,
    &UNKNOWN_REFERENCE,
    &UNKNOWN_FIELD,
    &UNDECLARED_DATA,
    &UNKNOWN_RULE,
];

declare_rule! {
    /// The file is not valid YAML.
    ///
    /// ## What it does
    /// Reports a YAML syntax error: an unclosed quote or bracket, a bad indentation,
    /// a tab where spaces are required.
    ///
    /// ## Why is this bad?
    /// Nothing else can be checked until the file parses.
    ///
    /// ## Example
    /// ```yaml
    /// system: "telecom
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// system: telecom
    /// ```
    pub static YAML_SYNTAX = ("yaml-syntax", Error);
}

declare_rule! {
    /// The file is not UTF-8 text.
    ///
    /// ## What it does
    /// Reports the first byte that is not valid UTF-8.
    ///
    /// ## Why is this bad?
    /// Specs are written in any language (Korean names such as 계약 included); UTF-8 is
    /// the one encoding every tool in the chain reads the same way.
    ///
    /// ## Example
    /// A file saved as EUC-KR or CP949.
    ///
    /// ## Use instead
    /// Save the file as UTF-8.
    pub static INVALID_UTF8 = ("invalid-utf8", Error);
}

declare_rule! {
    /// The spec file is empty.
    ///
    /// ## What it does
    /// Reports a file with no content (or only white space and comments) among the specs.
    ///
    /// ## Why is this bad?
    /// An empty team file is almost always a mistake: a file saved before it was written,
    /// or a merge that lost its content.
    ///
    /// ## Example
    /// An empty `billing.yaml` in a spec folder.
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   billing: { name: 수납 }
    /// ```
    pub static EMPTY_SPEC = ("empty-spec", Error);
}

declare_rule! {
    /// The spec file is larger than the size limit.
    ///
    /// ## What it does
    /// Refuses files over the limit (64 MiB by default) before reading them whole.
    ///
    /// ## Why is this bad?
    /// A service relation diagram of thousands of services is a few megabytes; a file far
    /// larger is usually not a spec, and reading it would cost memory for nothing.
    ///
    /// ## Example
    /// A database dump passed as a spec.
    ///
    /// ## Use instead
    /// Split the spec into one file per team in a folder, or raise the limit with
    /// `--max-file-size`.
    pub static FILE_TOO_LARGE = ("file-too-large", Error);
}

declare_rule! {
    /// The YAML exceeds a safety limit (aliases, nesting, node count).
    ///
    /// ## What it does
    /// Stops reading YAML that expands aliases without bound ("billion laughs"), nests
    /// deeper than any spec needs, or has more nodes than the limit.
    ///
    /// ## Why is this bad?
    /// Such input costs unbounded time and memory; edasmith runs on every pull request and
    /// must never hang or crash on one.
    ///
    /// ## Example
    /// ```yaml
    /// a: &a [x, x, x, x, x, x, x, x, x]
    /// b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    /// c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    /// ```
    ///
    /// ## Use instead
    /// Write the spec out plainly; anchors are rarely needed in a spec.
    pub static LIMIT_EXCEEDED = ("limit-exceeded", Error);
}

declare_rule! {
    /// A key the spec format does not know.
    ///
    /// ## What it does
    /// Reports keys that are not part of the format, with the closest known key.
    ///
    /// ## Why is this bad?
    /// A misspelt key (`relatons`) would otherwise be silently ignored, and everything
    /// under it with it.
    ///
    /// ## Example
    /// ```yaml
    /// relatons:
    ///   - { from: web, to: contract, type: sync }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// relations:
    ///   - { from: web, to: contract, type: sync }
    /// ```
    pub static UNKNOWN_KEY = ("unknown-key", Error);
}

declare_rule! {
    /// A required key is missing.
    ///
    /// ## What it does
    /// Reports an element without a key it needs: a relation without `from`, `to` or
    /// `type`, a saga without `style`, a step without `service` or `action`.
    ///
    /// ## Why is this bad?
    /// The element cannot mean anything without it.
    ///
    /// ## Example
    /// ```yaml
    /// relations:
    ///   - { from: web, to: contract }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// relations:
    ///   - { from: web, to: contract, type: sync }
    /// ```
    pub static MISSING_KEY = ("missing-key", Error);
}

declare_rule! {
    /// A value of the wrong type.
    ///
    /// ## What it does
    /// Reports a value whose YAML type does not fit its key: a list where a mapping is
    /// expected, text where a number is expected.
    ///
    /// ## Why is this bad?
    /// The value cannot be read as intended.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   contract: { availability: high }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   contract: { availability: 99.95 }
    /// ```
    pub static WRONG_TYPE = ("wrong-type", Error);
}

declare_rule! {
    /// A value outside what its key allows.
    ///
    /// ## What it does
    /// Reports an unknown choice (`type: evnt`, `kind: servce`, `style: orchestrated`) with
    /// the closest allowed one, and numbers out of range (an availability over 100, a
    /// negative rate).
    ///
    /// ## Why is this bad?
    /// The spec would mean something else than what was written.
    ///
    /// ## Example
    /// ```yaml
    /// relations:
    ///   - { from: contract, to: billing, type: evnt, message: ContractTerminated }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// relations:
    ///   - { from: contract, to: billing, type: event, message: ContractTerminated }
    /// ```
    pub static INVALID_VALUE = ("invalid-value", Error);
}

declare_rule! {
    /// The same key twice in one mapping.
    ///
    /// ## What it does
    /// Reports a mapping that repeats a key.
    ///
    /// ## Why is this bad?
    /// YAML requires unique keys; tools that accept duplicates silently keep one of the
    /// two, so half of what was written is lost.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   billing: { name: 수납 }
    ///   billing: { name: 청구 }
    /// ```
    ///
    /// ## Use instead
    /// One entry per key.
    pub static DUPLICATE_KEY = ("duplicate-key", Error);
}

declare_rule! {
    /// An unknown spec format version.
    ///
    /// ## What it does
    /// Reports an `edasmith:` version this build does not read.
    ///
    /// ## Why is this bad?
    /// A newer format may mean things this version would get wrong.
    ///
    /// ## Example
    /// ```yaml
    /// edasmith: 7
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// edasmith: 1
    /// ```
    pub static UNKNOWN_VERSION = ("unknown-version", Error);
}

declare_rule! {
    /// The same id defined twice across spec files.
    ///
    /// ## What it does
    /// Reports a service, data or saga id defined in two files of a spec folder (or twice
    /// on the command line), naming both places.
    ///
    /// ## Why is this bad?
    /// Two teams describing the same element differently leave the model ambiguous.
    ///
    /// ## Example
    /// `billing` declared both in `billing.yaml` and in `contract.yaml`.
    ///
    /// ## Use instead
    /// Declare each element once, in the file of the team that owns it; other files
    /// refer to it by id.
    pub static DUPLICATE_ID = ("duplicate-id", Error);
}

declare_rule! {
    /// An id that cannot be used safely.
    ///
    /// ## What it does
    /// Reports ids containing path separators, `..`, control characters, leading or
    /// trailing white space, or longer than 200 characters.
    ///
    /// ## Why is this bad?
    /// Ids become file and folder names in generated code and diagrams; such an id could
    /// write outside the output folder or produce a file no tool can open.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   "../billing": { name: 수납 }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   billing: { name: 수납 }
    /// ```
    pub static INVALID_ID = ("invalid-id", Error);
}

declare_rule! {
    /// A reference to a service, data, field or step that does not exist.
    ///
    /// ## What it does
    /// Checks every name a relation, saga, `owner`, `needs`, `payload` or lifecycle
    /// refers to, and suggests the closest existing name.
    ///
    /// ## Why is this bad?
    /// A misspelt id silently creates a relation to nothing: the diagram loses an edge,
    /// the saga a step, the analysis its meaning.
    ///
    /// ## Example
    /// ```yaml
    /// relations:
    ///   - { from: contract, to: biling, type: event, message: ContractTerminated }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// relations:
    ///   - { from: contract, to: billing, type: event, message: ContractTerminated }
    /// ```
    pub static UNKNOWN_REFERENCE = ("unknown-reference", Error);
}

declare_rule! {
    /// `payload` or `needs` names a field the data does not have.
    ///
    /// ## What it does
    /// Checks every field named in a relation's `payload` and in its consumers' `needs`
    /// against the `fields` of the relation's `data`, and suggests the closest field.
    ///
    /// ## Why is this bad?
    /// An event should carry what its consumers need (event-carried state); a field that
    /// does not exist cannot be carried, so the consumer would have to call back.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   Contract: { fields: { contract_id: string, terminated_at: datetime } }
    /// relations:
    ///   - { from: contract, to: billing, type: event, message: ContractTerminated,
    ///       data: Contract, payload: [contract_id, terminatedAt] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///       payload: [contract_id, terminated_at]
    /// ```
    pub static UNKNOWN_FIELD = ("unknown-field", Error);
}

declare_rule! {
    /// A relation concerns data that is not declared under `data:`.
    ///
    /// ## What it does
    /// Reports `data:` on a relation that names no declared data. The data still becomes
    /// an aggregate candidate (step 1 of the method), with no fields and no lifecycle.
    ///
    /// ## Why is this bad?
    /// Without a declaration there are no fields to check payloads against and no
    /// lifecycle to derive domain events from.
    ///
    /// ## Example
    /// ```yaml
    /// relations:
    ///   - { from: order, to: payment, type: command, message: Pay, reply: Paid, data: Payment }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   Payment: { owner: payment, fields: { payment_id: uuid, amount: decimal } }
    /// ```
    pub static UNDECLARED_DATA = ("undeclared-data", Warning);
}

declare_rule! {
    /// The `rules:` map names a rule or a level that does not exist.
    ///
    /// ## What it does
    /// Checks the keys of `rules:` against the catalog (`edasmith explain --list`) and the
    /// values against `error`, `warning`, `info` and `off`.
    ///
    /// ## Why is this bad?
    /// A misspelt rule name would silently leave the rule at its default.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   cdc-event-name: off
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// rules:
    ///   cdc-style-event-name: off
    /// ```
    pub static UNKNOWN_RULE = ("unknown-rule", Error);
}
