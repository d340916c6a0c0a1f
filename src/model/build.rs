//! From raw spec files to one [`Model`]: merge, check ids, resolve references.

use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, SeqAccess, Visitor};
use smol_str::SmolStr;

use super::types::*;
use crate::names::{did_you_mean_or, invalid_id_reason};
use crate::report::{Finding, Severity};
use crate::rules::{self, structure};
use crate::source::{FileId, Span};
use crate::spec::LoadedSpec;
use crate::spec::raw::{Located, OneOrMany, RawData, RawRelation, RawSaga, RawService, RawSpec};

/// The format versions this build reads.
const SUPPORTED_VERSIONS: &[u32] = &[1];

/// Merges the loaded files into one model and reports structural findings: unknown
/// versions, duplicate and invalid ids, unknown references.
pub fn build(loaded: LoadedSpec) -> (Model, Vec<Finding>) {
    let mut builder = Builder {
        model: Model {
            sources: loaded.sources,
            ..Model::default()
        },
        findings: Vec::new(),
    };
    let mut files = loaded.files;
    for (file, spec) in &mut files {
        builder.add_header(*file, spec);
    }
    // Section by section, each across the files: a section's raw entries are freed as
    // they are converted, before the next section's model list is allocated, so the raw
    // spec and the model never both exist whole (each is about 5x the spec's text).
    builder.add_services(take_section(&mut files, |spec| &mut spec.services.0));
    builder.add_data_entries(take_section(&mut files, |spec| &mut spec.data.0));
    let relations = files
        .iter_mut()
        .map(|(file, spec)| (*file, std::mem::take(&mut spec.relations.0)))
        .collect();
    builder.add_relations(relations);
    builder.add_sagas(take_section(&mut files, |spec| &mut spec.sagas.0));
    let rule_entries = take_section(&mut files, |spec| &mut spec.rules.0)
        .into_iter()
        .flat_map(|(file, rules)| {
            rules
                .into_iter()
                .map(move |(rule, level)| (name(file, rule), name(file, level)))
        })
        .collect();
    builder.resolve_references();
    builder.read_rule_levels(rule_entries);
    (builder.model, builder.findings)
}

/// One section of every file (its services, data, …), with the file it came from.
type Sections<T> = Vec<(FileId, Vec<T>)>;

/// An entry of a raw mapping section: the id, and what it names.
type Entry<T> = (Located<SmolStr>, Box<T>);

fn take_section<T>(
    files: &mut [(FileId, RawSpec)],
    section: fn(&mut RawSpec) -> &mut Vec<T>,
) -> Sections<T> {
    files
        .iter_mut()
        .map(|(file, spec)| (*file, std::mem::take(section(spec))))
        .collect()
}

/// How many entries a section has across the files: each model list is sized once, as
/// grown by doubling it would keep up to half its capacity unused.
fn total<T>(sections: &Sections<T>) -> usize {
    sections.iter().map(|(_, entries)| entries.len()).sum()
}

struct Builder {
    model: Model,
    findings: Vec<Finding>,
}

fn name(file: FileId, spanned: Located<SmolStr>) -> Name {
    Name {
        span: spanned.span(file),
        value: spanned.value,
    }
}

fn number(file: FileId, spanned: Located<f64>) -> Number {
    Number {
        span: spanned.span(file),
        value: spanned.value,
    }
}

fn names(file: FileId, spanned: Located<OneOrMany>) -> Vec<Name> {
    let span = spanned.span(file);
    match spanned.value {
        OneOrMany::One(value) => vec![Name { value, span }],
        OneOrMany::Many(list) => name_list(file, list),
    }
}

/// Like [`names`], keeping a single name inline.
fn one_or_many(file: FileId, spanned: Located<OneOrMany>) -> NameList {
    let span = spanned.span(file);
    match spanned.value {
        OneOrMany::One(value) => NameList::One(Name { value, span }),
        OneOrMany::Many(list) => NameList::from(name_list(file, list)),
    }
}

fn name_list(file: FileId, list: Vec<Located<SmolStr>>) -> Vec<Name> {
    exact(list, |item| name(file, item))
}

/// Converts a raw list into one of exactly its length. `collect` would reuse the raw
/// list's buffer, and with it the spare room the parser grew it with (a list of 2 names
/// keeps room for 4): the model is kept for the whole run, the raw spec is not.
fn exact<T, U>(list: Vec<T>, convert: impl FnMut(T) -> U) -> Vec<U> {
    let mut converted = Vec::with_capacity(list.len());
    converted.extend(list.into_iter().map(convert));
    converted
}

/// The file a relation's spans point into until [`Builder::add_relations`] places it.
const PARSED_FILE: FileId = 0;

/// The relations of one spec file, converted to the model's as the parser reads each:
/// the raw form of the relations is most of a large spec, and this way it never exists
/// whole beside the model. Spans point into file 0 and indices count from 0 in the file
/// until the model builder merges the files.
#[derive(Debug, Default)]
pub struct ParsedRelations(pub(crate) Vec<Relation>);

impl<'de> Deserialize<'de> for ParsedRelations {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RelationsVisitor;
        impl<'de> Visitor<'de> for RelationsVisitor {
            type Value = ParsedRelations;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                // A hint is only trusted up to a modest size: it is not the input's word.
                let hint = seq.size_hint().unwrap_or(0).min(1 << 12);
                let mut relations = Vec::with_capacity(hint);
                while let Some(raw) = seq.next_element::<Located<RawRelation>>()? {
                    relations.push(relation(relations.len(), raw));
                }
                // Kept for the whole run: without the room growing by doubling left.
                relations.shrink_to_fit();
                Ok(ParsedRelations(relations))
            }
        }
        deserializer.deserialize_seq(RelationsVisitor)
    }
}

/// The model's relation for a raw one, the `index`-th of its file.
fn relation(index: usize, raw: Located<RawRelation>) -> Relation {
    let file = PARSED_FILE;
    let span = raw.span(file);
    let raw = raw.value;
    let details = RelationDetails {
        payload: raw.payload.map(|payload| name_list(file, payload)),
        needs: exact(raw.needs.0, |(service, fields)| {
            (name(file, service), name_list(file, fields))
        }),
        reply_span: raw.reply.as_ref().map(|r| r.span(file)),
        reply: raw.reply.map(|r| names(file, r)).unwrap_or_default(),
        description: raw.description,
    };
    Relation {
        index,
        span,
        from: name(file, raw.from),
        to: one_or_many(file, raw.to),
        kind: raw.kind.value,
        kind_span: raw.kind.span(file),
        message: raw.message.map(|m| name(file, m)),
        data: raw.data.map(|d| name(file, d)),
        operation: raw.operation.map(|o| name(file, o)),
        rate: raw.rate.map(|r| number(file, r)),
        details: details.boxed(),
    }
}

impl Builder {
    /// The format version, the system's name and the targets of one file.
    fn add_header(&mut self, file: FileId, spec: &mut RawSpec) {
        if let Some(version) = spec.edasmith.take()
            && !SUPPORTED_VERSIONS.contains(&version.value)
        {
            let span = version.span(file);
            self.findings.push(
                structure::UNKNOWN_VERSION
                    .finding(
                        span,
                        format!("unknown spec format version {}", version.value),
                    )
                    .with_help(
                        "this edasmith reads `edasmith: 1`; upgrade edasmith or fix the version",
                    ),
            );
        }
        if self.model.system.is_none() {
            self.model.system = spec.system.take().map(|system| name(file, system));
        }
        if let Some(availability) = spec.targets.take().and_then(|targets| targets.availability)
            && self.model.targets.availability.is_none()
        {
            let availability = number(file, availability);
            self.check_percent(availability, "targets.availability");
            self.model.targets.availability = Some(availability);
        }
    }

    fn add_services(&mut self, sections: Sections<Entry<RawService>>) {
        let count = total(&sections);
        self.model.services.reserve_exact(count);
        self.model.service_index.reserve(count);
        for (file, entries) in sections {
            for (id, raw) in entries {
                self.add_service(file, id, raw);
            }
        }
    }

    fn add_data_entries(&mut self, sections: Sections<Entry<RawData>>) {
        let count = total(&sections);
        self.model.data.reserve_exact(count);
        self.model.data_index.reserve(count);
        for (file, entries) in sections {
            for (id, raw) in entries {
                self.add_data(file, id, raw);
            }
        }
    }

    /// Merges the relations of every file, converted as they were parsed: their index
    /// becomes their place in the merged list, their spans point into their file.
    fn add_relations(&mut self, sections: Sections<Relation>) {
        let count = total(&sections);
        for (file, mut relations) in sections {
            let offset = self.model.relations.len();
            for relation in &mut relations {
                relation.index += offset;
                if file != PARSED_FILE {
                    relation.set_file(file);
                }
                if let Some(rate) = relation.rate {
                    self.check_non_negative(rate, "rate");
                }
            }
            if self.model.relations.is_empty() {
                // One file (the usual case): its list becomes the model's as it is.
                self.model.relations = relations;
            } else {
                self.model.relations.reserve_exact(count - offset);
                self.model.relations.append(&mut relations);
            }
        }
    }

    fn add_sagas(&mut self, sections: Sections<Entry<RawSaga>>) {
        let count = total(&sections);
        self.model.sagas.reserve_exact(count);
        self.model.saga_index.reserve(count);
        for (file, entries) in sections {
            for (id, raw) in entries {
                self.add_saga(file, id, *raw);
            }
        }
    }

    /// Checks an id and registers it; returns false when the id is a duplicate.
    fn register_id(&mut self, kind: &str, id: &Name, space: IdSpace) -> bool {
        if let Some(reason) = invalid_id_reason(&id.value) {
            self.findings.push(
                structure::INVALID_ID
                    .finding(
                        id.span,
                        format!("invalid {kind} id `{}`: {reason}", id.value.escape_debug()),
                    )
                    .with_help(
                        "ids become file names: use letters, digits, `-` and `_` (any language)",
                    ),
            );
        }
        let model = &mut self.model;
        let (index, next) = match space {
            IdSpace::Service => (&mut model.service_index, model.services.len()),
            IdSpace::Data => (&mut model.data_index, model.data.len()),
            IdSpace::Saga => (&mut model.saga_index, model.sagas.len()),
        };
        let Some(&first) = index.get(&id.value) else {
            index.insert(id.value.clone(), next);
            return true;
        };
        let first_span = match space {
            IdSpace::Service => model.services[first].id.span,
            IdSpace::Data => model.data[first].id.span,
            IdSpace::Saga => model.sagas[first].id.span,
        };
        self.duplicate(kind, id, first_span);
        false
    }

    fn duplicate(&mut self, kind: &str, id: &Name, first_span: Span) {
        let first_at = self.location(first_span);
        self.findings.push(
            structure::DUPLICATE_ID
                .finding(
                    id.span,
                    format!("{kind} `{}` is already defined at {first_at}", id.value),
                )
                .with_help(format!(
                    "define each {kind} once; other files refer to it by id"
                ))
                .with_related(first_span, format!("`{}` first defined here", id.value)),
        );
    }

    fn location(&self, span: Span) -> String {
        format!(
            "{}:{}:{}",
            self.model.sources.display_path(span.file()),
            span.line(),
            span.column()
        )
    }

    fn check_percent(&mut self, value: Number, key: &str) {
        if !(0.0..=100.0).contains(&value.value) {
            self.findings.push(
                structure::INVALID_VALUE
                    .finding(
                        value.span,
                        format!("`{key}` is {}, not a percentage", value.value),
                    )
                    .with_help("write availability as a percentage between 0 and 100, e.g. 99.95"),
            );
        }
    }

    fn check_non_negative(&mut self, value: Number, key: &str) {
        if !(value.value >= 0.0 && value.value.is_finite()) {
            self.findings.push(
                structure::INVALID_VALUE
                    .finding(
                        value.span,
                        format!(
                            "`{key}` is {}, but must be a finite number of at least 0",
                            value.value
                        ),
                    )
                    .with_help(format!(
                        "`{key}` counts requests per second (or calls per request): use 0 or more"
                    )),
            );
        }
    }

    fn add_service(&mut self, file: FileId, id: Located<SmolStr>, raw: Box<RawService>) {
        let id = name(file, id);
        if !self.register_id("service", &id, IdSpace::Service) {
            return;
        }
        let availability = raw.availability.map(|a| number(file, a));
        if let Some(availability) = availability {
            self.check_percent(availability, "availability");
        }
        let peak = raw.peak.map(|p| number(file, p));
        let capacity = raw.capacity.map(|c| number(file, c));
        for (value, key) in [(peak, "peak"), (capacity, "capacity")] {
            if let Some(value) = value {
                self.check_non_negative(value, key);
            }
        }
        self.model.services.push(Service {
            id,
            name: raw.name.map(|n| name(file, n)),
            code: raw.code.map(|c| name(file, c)),
            kind: raw.kind.as_ref().map(|k| k.value).unwrap_or_default(),
            kind_span: raw.kind.map(|k| k.span(file)),
            database: raw.database.map(|d| name(file, d)),
            availability,
            peak,
            capacity,
            description: raw.description,
        });
    }

    fn add_data(&mut self, file: FileId, id: Located<SmolStr>, raw: Box<RawData>) {
        let id = name(file, id);
        if !self.register_id("data", &id, IdSpace::Data) {
            return;
        }
        let fields = exact(raw.fields.0, |(field, ty)| Field {
            name: name(file, field),
            ty_span: ty.span(file),
            ty: ty.value,
        });
        let transitions = exact(raw.transitions, |transition| {
            let span = transition.span(file);
            let raw = transition.value;
            Transition {
                event: name(file, raw.event),
                from: raw
                    .from
                    .map(|from| one_or_many(file, from))
                    .unwrap_or_default(),
                to: name(file, raw.to),
                span,
            }
        });
        self.model.data.push(Data {
            id,
            name: raw.name.map(|n| name(file, n)),
            code: raw.code.map(|c| name(file, c)),
            owner: raw.owner.map(|o| name(file, o)),
            fields,
            states: name_list(file, raw.states),
            transitions,
            description: raw.description,
        });
    }

    fn add_saga(&mut self, file: FileId, id: Located<SmolStr>, raw: RawSaga) {
        let id = name(file, id);
        if !self.register_id("saga", &id, IdSpace::Saga) {
            return;
        }
        let steps = raw
            .steps
            .into_iter()
            .enumerate()
            .map(|(index, step)| {
                let span = step.span(file);
                let raw = step.value;
                Step {
                    number: index + 1,
                    span,
                    service: name(file, raw.service),
                    action: name(file, raw.action),
                    compensation: raw.compensation.map(|c| name(file, c)),
                    pivot: raw.pivot.as_ref().is_some_and(|p| p.value),
                    pivot_span: raw.pivot.map(|p| p.span(file)),
                    on_failure: raw.on_failure.as_ref().map(|o| o.value).unwrap_or_default(),
                    on_failure_span: raw.on_failure.map(|o| o.span(file)),
                    emits: raw.emits.map(|e| name(file, e)),
                    read_only: raw.read_only.is_some_and(|r| r.value),
                }
            })
            .collect();
        self.model.sagas.push(Saga {
            id,
            name: raw.name.map(|n| name(file, n)),
            code: raw.code.map(|c| name(file, c)),
            style: raw.style.value,
            style_span: raw.style.span(file),
            orchestrator: raw.orchestrator.map(|o| name(file, o)),
            steps,
            description: raw.description,
        });
    }

    /// Every name that must denote a service or data, checked after all files are merged
    /// (a relation in one team's file may name a service declared in another's).
    fn resolve_references(&mut self) {
        let mut problems = Vec::new();
        let service_ids: Vec<&str> = self.model.services.iter().map(|s| s.id.as_str()).collect();
        let data_ids: Vec<&str> = self.model.data.iter().map(|d| d.id.as_str()).collect();
        let known_service = |name: &Name| self.model.service_index.contains_key(&name.value);
        let mut check_service = |name: &Name, role: &str| {
            if !known_service(name) {
                problems.push(unknown(name, role, "service", &service_ids));
            }
        };
        for data in &self.model.data {
            if let Some(owner) = &data.owner {
                check_service(owner, &format!("the owner of data `{}`", data.id.value));
            }
        }
        for relation in &self.model.relations {
            check_service(&relation.from, "the relation's `from`");
            for to in &relation.to {
                check_service(to, "the relation's `to`");
            }
            for (consumer, _) in relation.needs() {
                check_service(consumer, "a `needs` entry");
            }
        }
        for saga in &self.model.sagas {
            for step in &saga.steps {
                check_service(
                    &step.service,
                    &format!("step {} of saga `{}`", step.number, saga.id.value),
                );
            }
        }
        for relation in &self.model.relations {
            let Some(data_name) = &relation.data else {
                continue;
            };
            match self.model.data_index.get(&data_name.value) {
                Some(&index) => problems.extend(unknown_fields(relation, &self.model.data[index])),
                None => problems.push(undeclared_data(data_name, &data_ids)),
            }
        }
        self.findings.extend(problems);
    }

    fn read_rule_levels(&mut self, entries: Vec<(Name, Name)>) {
        for (rule, level) in entries {
            let Some(meta) = rules::find(&rule.value) else {
                self.findings.push(
                    structure::UNKNOWN_RULE
                        .finding(rule.span, format!("unknown rule `{}`", rule.value))
                        .with_help(rules::unknown_rule_help(&rule.value)),
                );
                continue;
            };
            let parsed = match level.value.as_str() {
                "error" => Some(Some(Severity::Error)),
                "warning" => Some(Some(Severity::Warning)),
                "info" => Some(Some(Severity::Info)),
                "off" => Some(None),
                _ => None,
            };
            match parsed {
                Some(level) => self.model.rule_levels.push(RuleLevel {
                    rule: meta.name,
                    level,
                }),
                None => self.findings.push(
                    structure::UNKNOWN_RULE
                        .finding(
                            level.span,
                            format!("unknown level `{}` for rule `{}`", level.value, meta.name),
                        )
                        .with_help("a rule's level is one of error, warning, info, off"),
                ),
            }
        }
    }
}

#[derive(Clone, Copy)]
enum IdSpace {
    Service,
    Data,
    Saga,
}

fn unknown(name: &Name, role: &str, kind: &str, candidates: &[&str]) -> Finding {
    let help = did_you_mean_or(&name.value, candidates.iter().copied(), || {
        format!(
            "declare {kind} `{}` under `{kind}s:`, or fix the name",
            name.value
        )
    });
    structure::UNKNOWN_REFERENCE
        .finding(
            name.span,
            format!("{role} names {kind} `{}`, which does not exist", name.value),
        )
        .with_help(help)
}

fn undeclared_data(name: &Name, declared: &[&str]) -> Finding {
    let help = did_you_mean_or(&name.value, declared.iter().copied(), || {
        format!(
            "declare `{}` under `data:` with its owner, fields and lifecycle",
            name.value
        )
    });
    structure::UNDECLARED_DATA
        .finding(
            name.span,
            format!("data `{}` is not declared under `data:`", name.value),
        )
        .with_help(help)
}

/// `payload` and `needs` may only name fields the data has.
fn unknown_fields(relation: &Relation, data: &Data) -> Vec<Finding> {
    if data.fields.is_empty() {
        return Vec::new();
    }
    let field_names: Vec<&str> = data.fields.iter().map(|f| f.name.as_str()).collect();
    let named = relation
        .payload()
        .into_iter()
        .flatten()
        .chain(relation.needs().iter().flat_map(|(_, fields)| fields));
    named
        .filter(|field| data.field(&field.value).is_none())
        .map(|field| {
            let help = did_you_mean_or(&field.value, field_names.iter().copied(), || {
                format!(
                    "the fields of `{}` are: {}",
                    data.id.value,
                    field_names.join(", ")
                )
            });
            structure::UNKNOWN_FIELD
                .finding(
                    field.span,
                    format!("data `{}` has no field `{}`", data.id.value, field.value),
                )
                .with_help(help)
        })
        .collect()
}
