//! From raw spec files to one [`Model`]: merge, check ids, resolve references.

use smol_str::SmolStr;

use super::types::*;
use crate::diagnostic::Finding;
use crate::names::{did_you_mean_or, invalid_id_reason};
use crate::source::{FileId, SourceMap, Span};
use crate::spec::raw::{
    Entries, Located, OneOrMany, RawData, RawRelation, RawSaga, RawService, RawSpec,
};
use crate::spec::structure;

/// The format versions this build reads.
const SUPPORTED_VERSIONS: &[u32] = &[1];

/// Merges the parsed files into one model and reports structural findings: unknown
/// versions, duplicate and invalid ids, unknown references. `sources` holds the files
/// (a duplicate's message says where the first one is).
pub fn build(files: Vec<(FileId, RawSpec)>, sources: &SourceMap) -> (Model, Vec<Finding>) {
    let first_stem = sources
        .files()
        .first()
        .and_then(|file| file.path().file_stem())
        .map(|stem| stem.to_string_lossy().into_owned());
    let mut builder = Builder {
        model: Model {
            first_stem,
            ..Model::default()
        },
        findings: Vec::new(),
        sources,
    };
    // Section by section, each across the files: a relation in one team's file may name
    // a service declared in another's.
    let mut sections = Sections::default();
    for (file, spec) in files {
        builder.add_header(file, spec.edasmith, spec.system, spec.targets);
        sections.services.push((file, spec.services));
        sections.data.push((file, spec.data));
        sections.relations.push((file, spec.relations));
        sections.sagas.push((file, spec.sagas));
        sections.rules.push((file, spec.rules));
    }
    for (file, Entries(services)) in sections.services {
        for (id, raw) in services {
            builder.add_service(file, id, raw);
        }
    }
    for (file, Entries(data)) in sections.data {
        for (id, raw) in data {
            builder.add_data(file, id, raw);
        }
    }
    for (file, relations) in sections.relations {
        for raw in relations {
            builder.add_relation(file, raw);
        }
    }
    for (file, Entries(sagas)) in sections.sagas {
        for (id, raw) in sagas {
            builder.add_saga(file, id, raw);
        }
    }
    for (file, Entries(rules)) in sections.rules {
        let levels = rules
            .into_iter()
            .map(|(rule, level)| (name(file, rule), name(file, level)));
        builder.model.rule_levels.extend(levels);
    }
    builder.resolve_references();
    (builder.model, builder.findings)
}

/// The sections of every file, with the file each came from.
#[derive(Default)]
struct Sections {
    services: Vec<(FileId, Entries<RawService>)>,
    data: Vec<(FileId, Entries<RawData>)>,
    relations: Vec<(FileId, Vec<Located<RawRelation>>)>,
    sagas: Vec<(FileId, Entries<RawSaga>)>,
    rules: Vec<(FileId, Entries<Located<SmolStr>>)>,
}

struct Builder<'s> {
    model: Model,
    findings: Vec<Finding>,
    sources: &'s SourceMap,
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

fn name_list(file: FileId, list: Vec<Located<SmolStr>>) -> Vec<Name> {
    list.into_iter().map(|item| name(file, item)).collect()
}

impl Builder<'_> {
    /// The format version, the system's name and the targets of one file.
    fn add_header(
        &mut self,
        file: FileId,
        version: Option<Located<u32>>,
        system: Option<Located<SmolStr>>,
        targets: Option<crate::spec::raw::RawTargets>,
    ) {
        if let Some(version) = version
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
            self.model.system = system.map(|system| name(file, system));
        }
        if let Some(availability) = targets.and_then(|targets| targets.availability)
            && self.model.targets.availability.is_none()
        {
            let availability = number(file, availability);
            self.check_percent(availability, "targets.availability");
            self.model.targets.availability = Some(availability);
        }
    }

    /// Adds a relation, the next of the merged list.
    fn add_relation(&mut self, file: FileId, raw: Located<RawRelation>) {
        let span = raw.span(file);
        let raw = raw.value;
        let rate = raw.rate.map(|r| number(file, r));
        if let Some(rate) = rate {
            self.check_non_negative(rate, "rate");
        }
        self.model.relations.push(Relation {
            index: self.model.relations.len(),
            span,
            from: name(file, raw.from),
            to: names(file, raw.to),
            kind: raw.kind.value,
            kind_span: raw.kind.span(file),
            message: raw.message.map(|m| name(file, m)),
            data: raw.data.map(|d| name(file, d)),
            operation: raw.operation.map(|o| name(file, o)),
            rate,
            payload: raw.payload.map(|payload| name_list(file, payload)),
            needs: raw
                .needs
                .0
                .into_iter()
                .map(|(service, fields)| (name(file, service), name_list(file, fields)))
                .collect(),
            reply_span: raw.reply.as_ref().map(|r| r.span(file)),
            reply: raw.reply.map(|r| names(file, r)).unwrap_or_default(),
            description: raw.description,
        });
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
        let location = self.sources.locate(span);
        format!(
            "{}:{}:{}",
            location.file.display_path(),
            location.line,
            location.column
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

    fn add_service(&mut self, file: FileId, id: Located<SmolStr>, raw: RawService) {
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

    fn add_data(&mut self, file: FileId, id: Located<SmolStr>, raw: RawData) {
        let id = name(file, id);
        if !self.register_id("data", &id, IdSpace::Data) {
            return;
        }
        let fields = raw.fields.0.into_iter().map(|(field, ty)| Field {
            name: name(file, field),
            ty_span: ty.span(file),
            ty: ty.value,
        });
        let fields = fields.collect();
        let transitions = raw.transitions.into_iter().map(|transition| {
            let span = transition.span(file);
            let raw = transition.value;
            Transition {
                event: name(file, raw.event),
                from: raw.from.map(|from| names(file, from)).unwrap_or_default(),
                to: name(file, raw.to),
                span,
            }
        });
        let transitions = transitions.collect();
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
