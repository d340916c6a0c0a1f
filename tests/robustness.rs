//! No input makes edasmith panic, and every output is the same bytes on every run.
//!
//! - property tests (proptest): arbitrary text, generated specs with hostile names and
//!   dangling references, and mutated examples, through analyze and every renderer;
//! - the fuzzer's regressions (`tests/fixtures/bad/fuzz-*.yaml`);
//! - the bad-input corpus (`tests/fixtures/bad/`, plus huge, deep and alias-bomb files
//!   generated here) through every command that reads a spec;
//! - determinism of the outputs no other test runs twice in separate processes.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use edasmith::analysis::{Options, analyze_str};
use edasmith::codegen::Templates;
use edasmith::outputs::render_everything_with;
use proptest::prelude::*;
use proptest::test_runner::Config;

mod common;
use common::{edasmith, root, tree};

const EXAMPLES: [&str; 2] = [
    "examples/telecom-ko/spec.yaml",
    "examples/ecommerce/spec.yaml",
];

fn templates() -> &'static Templates {
    static TEMPLATES: OnceLock<Templates> = OnceLock::new();
    TEMPLATES.get_or_init(|| Templates::embedded().unwrap())
}

fn rule_names() -> &'static Vec<&'static str> {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        edasmith::rules::all()
            .iter()
            .map(|rule| rule.meta.name)
            .collect()
    })
}

/// Analyze + every renderer, and what the library promises of every finding. Returns
/// how many outputs were rendered.
fn analyze_and_render(text: &str) -> usize {
    let analysis = Arc::new(analyze_str("input.yaml", text, &Options::default()));
    for finding in &analysis.findings {
        let text = analysis.sources.file(finding.span.file).text();
        assert!(
            text.get(finding.span.range()).is_some(),
            "a finding outside its file: {finding:?}"
        );
        assert!(
            rule_names().contains(&finding.rule),
            "a finding under a rule not in rules::all(): {finding:?}"
        );
    }
    match render_everything_with(&analysis, templates()) {
        Ok(outputs) => outputs.len(),
        Err(error) => panic!("a renderer failed on a spec without errors: {error}"),
    }
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        // The failing input is printed; nothing is written next to the sources.
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------------
// Structure-aware generation.

/// Names that have broken renderers before, or could: quoting, markup, separators,
/// Hangul, emoji, right-to-left overrides, YAML specials, the id length limit.
const HOSTILE: &[&str] = &[
    "",
    " ",
    "계약",
    "해지됨",
    "계약 해지",
    "Order",
    "order",
    "ORDER",
    "x-y",
    "x_y",
    "\"quoted\"",
    "'single'",
    "a: b",
    "#hash",
    "*star",
    "&amp",
    "- dash",
    "{}",
    "[]",
    "<b>html</b>",
    "a|b",
    "a;b",
    "`tick`",
    "\\",
    "../up",
    "a/b",
    "line\nbreak",
    "tab\there",
    "*/",
    "--",
    "%%",
    "👍",
    "\u{202e}rtl",
    "null",
    "~",
    "true",
    "1e3",
    "0x10",
    "self",
    "crate",
    "type",
    "mod",
    "Self",
    "r#type",
    "123",
    "_",
];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-z][a-z0-9-]{0,7}",
        3 => "[A-Z][a-zA-Z]{0,9}",
        3 => "[가-힣]{1,4}",
        3 => prop::sample::select(HOSTILE).prop_map(str::to_owned),
        1 => any::<String>().prop_map(|s| s.chars().take(12).collect()),
        1 => (195usize..206).prop_map(|n| "a".repeat(n)),
        1 => (60usize..80).prop_map(|n| "가".repeat(n)),
    ]
}

/// A YAML double-quoted scalar: JSON strings are YAML.
fn q(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// One service: (id, display name, kind, availability).
type ServicePlan = (usize, Option<usize>, u8, Option<u16>);
/// One data: (id, owner, fields (name, type), states, transitions (event, from, to)).
type DataPlan = (
    usize,
    usize,
    Vec<(usize, u8)>,
    Vec<usize>,
    Vec<(usize, Option<usize>, usize)>,
);
/// One relation: (from, to (one or several), type, message, data, payload, needs).
type RelationPlan = (
    usize,
    Vec<usize>,
    u8,
    Option<usize>,
    Option<usize>,
    Option<Vec<usize>>,
    Option<(usize, Vec<usize>)>,
);
/// One step: (service, action, compensation, pivot, on_failure, emits, read_only).
type StepPlan = (usize, usize, Option<usize>, bool, u8, Option<usize>, bool);
/// One saga: (id, style, orchestrator, steps).
type SagaPlan = (usize, u8, Option<usize>, Vec<StepPlan>);

#[derive(Debug, Clone)]
struct Plan {
    names: Vec<String>,
    /// Keep a second service, data, saga or field of the same id (a duplicate-key
    /// finding) instead of skipping it.
    duplicates: bool,
    version: u8,
    system: Option<usize>,
    services: Vec<ServicePlan>,
    data: Vec<DataPlan>,
    relations: Vec<RelationPlan>,
    sagas: Vec<SagaPlan>,
}

/// Every reference is an index into the name pool: the services and data declared
/// take some of the names, so a reference may or may not resolve.
fn plan() -> impl Strategy<Value = Plan> {
    let i = || 0usize..64;
    let service = (
        i(),
        prop::option::of(i()),
        0u8..4,
        prop::option::of(0u16..10001),
    );
    let data = (
        i(),
        i(),
        prop::collection::vec((i(), 0u8..8), 0..5),
        prop::collection::vec(i(), 0..4),
        prop::collection::vec((i(), prop::option::of(i()), i()), 0..4),
    );
    let relation = (
        i(),
        prop::collection::vec(i(), 0..3),
        // 4: no `type` (a missing-key finding), now and then.
        prop_oneof![9 => 0u8..4, 1 => Just(4u8)],
        prop::option::of(i()),
        prop::option::of(i()),
        prop::option::of(prop::collection::vec(i(), 0..3)),
        prop::option::of((i(), prop::collection::vec(i(), 0..3))),
    );
    let step = (
        i(),
        i(),
        prop::option::of(i()),
        any::<bool>(),
        0u8..4,
        prop::option::of(i()),
        any::<bool>(),
    );
    let saga = (
        i(),
        prop_oneof![9 => 0u8..2, 1 => Just(2u8)],
        prop::option::of(i()),
        prop::collection::vec(step, 0..6),
    );
    (
        prop::collection::vec(name(), 1..14),
        prop::bool::weighted(0.2),
        0u8..4,
        prop::option::of(i()),
        prop::collection::vec(service, 0..7),
        prop::collection::vec(data, 0..4),
        prop::collection::vec(relation, 0..9),
        prop::collection::vec(saga, 0..3),
    )
        .prop_map(
            |(names, duplicates, version, system, services, data, relations, sagas)| Plan {
                names,
                duplicates,
                version,
                system,
                services,
                data,
                relations,
                sagas,
            },
        )
}

impl Plan {
    fn n(&self, index: usize) -> String {
        q(&self.names[index % self.names.len()])
    }

    /// Whether the key `index` may be written (again) into a mapping.
    fn fresh(&self, seen: &mut Vec<String>, index: usize) -> bool {
        let key = self.n(index);
        if seen.contains(&key) && !self.duplicates {
            return false;
        }
        seen.push(key);
        true
    }

    fn yaml(&self) -> String {
        let mut out = String::new();
        let mut seen = Vec::new();
        match self.version {
            0 => {}
            1 => out.push_str("edasmith: 1\n"),
            _ => out.push_str(&format!("edasmith: {}\n", self.version)),
        }
        if let Some(system) = self.system {
            out.push_str(&format!("system: {}\n", self.n(system)));
        }
        out.push_str("services:\n");
        let start = out.len();
        for &(id, name, kind, availability) in &self.services {
            if !self.fresh(&mut seen, id) {
                continue;
            }
            let mut fields = Vec::new();
            if let Some(name) = name {
                fields.push(format!("name: {}", self.n(name)));
            }
            if let Some(kind) = ["service", "frontend", "external"].get(kind as usize) {
                fields.push(format!("kind: {kind}"));
            }
            if let Some(availability) = availability {
                fields.push(format!("availability: {}", f64::from(availability) / 100.0));
            }
            fields.push(format!("database: {}", self.n(id + 1)));
            out.push_str(&format!("  {}: {{ {} }}\n", self.n(id), fields.join(", ")));
        }
        close_if_empty(&mut out, start, "{}");
        out.push_str("data:\n");
        let start = out.len();
        seen.clear();
        for (id, owner, fields, states, transitions) in &self.data {
            if !self.fresh(&mut seen, *id) {
                continue;
            }
            out.push_str(&format!(
                "  {}:\n    owner: {}\n",
                self.n(*id),
                self.n(*owner)
            ));
            out.push_str("    fields: {");
            let types = [
                "string", "datetime", "int", "bool", "decimal", "[string]", "uuid",
            ];
            let mut seen_fields = Vec::new();
            let fields: Vec<String> = fields
                .iter()
                .filter(|&&(field, _)| self.fresh(&mut seen_fields, field))
                .map(|&(field, ty)| {
                    let ty = match types.get(ty as usize) {
                        Some(ty) => q(ty),
                        // A reference to a data (or to nothing).
                        None => self.n(field + 3),
                    };
                    format!("{}: {ty}", self.n(field))
                })
                .collect();
            out.push_str(&fields.join(", "));
            out.push_str("}\n");
            if !states.is_empty() {
                let states: Vec<String> = states.iter().map(|&s| self.n(s)).collect();
                out.push_str(&format!("    states: [{}]\n", states.join(", ")));
            }
            if !transitions.is_empty() {
                out.push_str("    transitions:\n");
                for &(event, from, to) in transitions {
                    let from = from.map_or(String::new(), |f| format!("from: {}, ", self.n(f)));
                    out.push_str(&format!(
                        "      - {{ event: {}, {from}to: {} }}\n",
                        self.n(event),
                        self.n(to)
                    ));
                }
            }
        }
        close_if_empty(&mut out, start, "{}");
        out.push_str("relations:\n");
        let start = out.len();
        for (from, to, kind, message, data, payload, needs) in &self.relations {
            let mut fields = vec![format!("from: {}", self.n(*from))];
            match to.as_slice() {
                [one] => fields.push(format!("to: {}", self.n(*one))),
                many => {
                    let many: Vec<String> = many.iter().map(|&t| self.n(t)).collect();
                    fields.push(format!("to: [{}]", many.join(", ")));
                }
            }
            if let Some(kind) = ["sync", "event", "command", "message"].get(*kind as usize) {
                fields.push(format!("type: {kind}"));
            }
            if let Some(message) = message {
                if *kind == 0 {
                    fields.push(format!("operation: {}", q("GET /x/{id}")));
                } else {
                    fields.push(format!("message: {}", self.n(*message)));
                }
            }
            if let Some(data) = data {
                fields.push(format!("data: {}", self.n(*data)));
            }
            if let Some(payload) = payload {
                let payload: Vec<String> = payload.iter().map(|&p| self.n(p)).collect();
                fields.push(format!("payload: [{}]", payload.join(", ")));
            }
            if let Some((who, what)) = needs {
                let what: Vec<String> = what.iter().map(|&w| self.n(w)).collect();
                // One key: never a duplicate.
                fields.push(format!(
                    "needs: {{ {}: [{}] }}",
                    self.n(*who),
                    what.join(", ")
                ));
            }
            out.push_str(&format!("  - {{ {} }}\n", fields.join(", ")));
        }
        close_if_empty(&mut out, start, "[]");
        out.push_str("sagas:\n");
        let start = out.len();
        seen.clear();
        for (id, style, orchestrator, steps) in &self.sagas {
            if !self.fresh(&mut seen, *id) {
                continue;
            }
            out.push_str(&format!("  {}:\n", self.n(*id)));
            if let Some(style) = ["orchestration", "choreography"].get(*style as usize) {
                out.push_str(&format!("    style: {style}\n"));
            }
            if let Some(orchestrator) = orchestrator {
                out.push_str(&format!("    orchestrator: {}\n", self.n(*orchestrator)));
            }
            out.push_str(if steps.is_empty() {
                "    steps: []\n"
            } else {
                "    steps:\n"
            });
            for &(service, action, compensation, pivot, on_failure, emits, read_only) in steps {
                let mut fields = vec![
                    format!("service: {}", self.n(service)),
                    format!("action: {}", self.n(action)),
                ];
                if let Some(compensation) = compensation {
                    fields.push(format!("compensation: {}", self.n(compensation)));
                }
                if pivot {
                    fields.push("pivot: true".to_owned());
                }
                if let Some(on_failure) =
                    ["compensate", "retry", "batch-cancel"].get(on_failure as usize)
                {
                    fields.push(format!("on_failure: {on_failure}"));
                }
                if let Some(emits) = emits {
                    fields.push(format!("emits: {}", self.n(emits)));
                }
                if read_only {
                    fields.push("read_only: true".to_owned());
                }
                out.push_str(&format!("      - {{ {} }}\n", fields.join(", ")));
            }
        }
        close_if_empty(&mut out, start, "{}");
        out
    }
}

/// An empty section as `{}` or `[]`: a bare `key:` would be null, the wrong type.
fn close_if_empty(out: &mut String, start: usize, empty: &str) {
    if out.len() == start {
        out.pop();
        out.push_str(&format!(" {empty}\n"));
    }
}

// ---------------------------------------------------------------------------------
// Mutations of the examples.

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    /// Replace the character at (line, position).
    Change(usize, usize, char),
    /// Insert a character at (line, position).
    Insert(usize, usize, char),
    /// Rename the n-th distinct word, everywhere, to a hostile name that is still a
    /// plain YAML scalar: the spec usually stays valid and reaches every renderer.
    Rename(usize, &'static str),
}

/// Hostile names that need no quoting in a flow mapping.
const PLAIN_HOSTILE: &[&str] = &[
    "계약",
    "해지됨",
    "계약해지됨",
    "ORDER",
    "Order2",
    "self",
    "Self",
    "crate",
    "type",
    "mod",
    "r#type",
    "_",
    "__",
    "x--y",
    "x__y",
    "a.b",
    "👍",
    "e\u{301}",
    "ǅ",
    "ß",
    "İ",
    "ｆｕｌｌ",
    "\u{202e}rtl",
    "a\u{200b}b",
    "가나다라마바사아자차카타파하가나다라마바사아자차카타파하가나다라마바사아자차카타파하",
];

fn is_word_char(ch: char) -> bool {
    ch.is_alphanumeric() || ch == '_' || ch == '-'
}

/// The distinct words (ids, keys, values) of a text, in order of first appearance.
fn words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for ch in text.chars().chain(std::iter::once(' ')) {
        if is_word_char(ch) {
            current.push(ch);
        } else if !current.is_empty() {
            if !words.contains(&current) {
                words.push(current.clone());
            }
            current.clear();
        }
    }
    words
}

/// Replaces `word` where it stands as a whole word.
fn rename(text: &str, word: &str, to: &str) -> String {
    let mut out = String::new();
    let mut current = String::new();
    for ch in text.chars().map(Some).chain(std::iter::once(None)) {
        match ch {
            Some(ch) if is_word_char(ch) => current.push(ch),
            _ => {
                out.push_str(if current == word { to } else { &current });
                current.clear();
                out.extend(ch);
            }
        }
    }
    out
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let i = || 0usize..10_000;
    let c = || {
        prop_oneof![
            prop::sample::select(
                &[
                    ' ', ':', '-', '[', ']', '{', '}', ',', '"', '\'', '#', '&', '*', '!', '|',
                    '>', '\t', '\n', 'x', '가', '0',
                ][..]
            ),
            any::<char>(),
        ]
    };
    prop_oneof![
        1 => i().prop_map(Mutation::Delete),
        1 => i().prop_map(Mutation::Duplicate),
        1 => (i(), i()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        1 => (i(), i(), c()).prop_map(|(l, p, ch)| Mutation::Change(l, p, ch)),
        1 => (i(), i(), c()).prop_map(|(l, p, ch)| Mutation::Insert(l, p, ch)),
        4 => (i(), prop::sample::select(PLAIN_HOSTILE))
            .prop_map(|(word, to)| Mutation::Rename(word, to)),
    ]
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for mutation in mutations {
        if lines.is_empty() {
            break;
        }
        let len = lines.len();
        let edit = |line: &mut String, at: usize, ch: char, replace: bool| {
            let mut chars: Vec<char> = line.chars().collect();
            let at = at % (chars.len() + 1);
            if replace && at < chars.len() {
                chars[at] = ch;
            } else {
                chars.insert(at, ch);
            }
            *line = chars.into_iter().collect();
        };
        match *mutation {
            Mutation::Delete(at) => {
                lines.remove(at % len);
            }
            Mutation::Duplicate(at) => {
                let line = lines[at % len].clone();
                lines.insert(at % len, line);
            }
            Mutation::Swap(a, b) => lines.swap(a % len, b % len),
            Mutation::Change(at, position, ch) => edit(&mut lines[at % len], position, ch, true),
            Mutation::Insert(at, position, ch) => edit(&mut lines[at % len], position, ch, false),
            Mutation::Rename(at, to) => {
                let text = lines.join("\n");
                let words = words(&text);
                if let Some(word) = words.get(at % words.len().max(1)) {
                    lines = rename(&text, word, to).lines().map(str::to_owned).collect();
                }
            }
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn example_texts() -> &'static Vec<String> {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        EXAMPLES
            .iter()
            .map(|path| fs::read_to_string(root().join(path)).unwrap())
            .collect()
    })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        analyze_and_render(&text);
    }

    #[test]
    fn yaml_shaped_text_never_panics(
        text in "([a-z가-힣 ]{0,6}(: |- |\\{|\\}|\\[|\\]|, |&a |\\*a|\"|'|#|\n {0,4})){0,24}"
    ) {
        analyze_and_render(&text);
    }
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn generated_specs_never_panic(plan in plan()) {
        analyze_and_render(&plan.yaml());
    }

    #[test]
    fn mutated_examples_never_panic(
        example in 0usize..EXAMPLES.len(),
        mutations in prop::collection::vec(mutation(), 1..5),
    ) {
        analyze_and_render(&mutate(&example_texts()[example], &mutations));
    }
}

/// The generators are not vacuous: most generated specs get past the loader into the
/// model and the rules, and mutated examples still reach the diagram, export and codegen
/// renderers (which only run without error findings).
#[test]
fn the_generators_reach_the_model_and_the_renderers() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let mut parsed = 0;
    for _ in 0..120 {
        let plan = plan().new_tree(&mut runner).unwrap().current();
        let analysis = analyze_str("input.yaml", &plan.yaml(), &Options::default());
        if analysis.parsed {
            parsed += 1;
        } else if std::env::var_os("ROBUSTNESS_DEBUG").is_some() {
            eprintln!("{}\n{:#?}", plan.yaml(), analysis.findings);
        }
    }
    assert!(parsed >= 60, "only {parsed} of 120 generated specs parsed");
    let mut rendered = 0;
    let strategy = (
        0usize..EXAMPLES.len(),
        prop::collection::vec(mutation(), 1..5),
    );
    for _ in 0..120 {
        let (example, mutations) = strategy.new_tree(&mut runner).unwrap().current();
        // Reports only: 6 outputs.
        if analyze_and_render(&mutate(&example_texts()[example], &mutations)) > 6 {
            rendered += 1;
        }
    }
    assert!(
        rendered >= 15,
        "only {rendered} of 120 mutated examples rendered"
    );
}

/// The examples themselves render every output (the baseline of the mutations).
#[test]
fn the_examples_render_every_output() {
    for text in example_texts() {
        assert!(analyze_and_render(text) > 20);
    }
}

/// Inputs the fuzzer once crashed on: `tests/fixtures/bad/fuzz-*.yaml`.
#[test]
fn fuzzer_regressions_stay_fixed() {
    for entry in fs::read_dir(root().join("tests/fixtures/bad")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("fuzz-") {
            continue;
        }
        let bytes = fs::read(&path).unwrap();
        if let Ok(text) = std::str::from_utf8(&bytes) {
            analyze_and_render(text);
        }
    }
}

// ---------------------------------------------------------------------------------
// Every command on bad input.

/// The committed corpus plus files too big or too odd to commit, generated here.
fn bad_corpus(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(root().join("tests/fixtures/bad"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            // The fuzzer's regressions may be valid specs now; the rest must not be.
            !path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("fuzz-")
        })
        .collect();
    files.sort();
    let generated: Vec<(&str, Vec<u8>)> = vec![
        (
            "deep-flow.yaml",
            format!("system: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
        ),
        (
            "deep-block.yaml",
            format!(
                "services:\n{}",
                (0..2000)
                    .map(|i| format!("{}k{i}:\n", " ".repeat(i + 2)))
                    .collect::<String>()
            )
            .into_bytes(),
        ),
        (
            "deep-service.yaml",
            format!(
                "services:\n  a: {{ name: {}x{} }}\n",
                "[".repeat(70),
                "]".repeat(70)
            )
            .into_bytes(),
        ),
        ("alias-bomb.yaml", alias_bomb().into_bytes()),
        ("over-64-mib.yaml", {
            let mut bytes = b"system: big\n#".to_vec();
            bytes.resize(64 * 1024 * 1024 + 1, b'x');
            bytes
        }),
    ];
    for (name, bytes) in generated {
        let path = dir.join(name);
        fs::write(&path, bytes).unwrap();
        files.push(path);
    }
    files
}

/// Nine aliases of nine aliases ... of one mapping: 9^7 nodes from a few lines.
fn alias_bomb() -> String {
    let mut text = String::from("services:\n  a: &a { description: x }\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h"];
    for pair in names.windows(2) {
        let [previous, name] = pair else {
            unreachable!()
        };
        text.push_str(&format!(
            "  {name}: &{name} [{}]\n",
            vec![format!("*{previous}"); 9].join(", ")
        ));
    }
    text
}

/// The commands that read a spec, with where they write (if they do).
fn commands(spec: &str, out: &str) -> Vec<(&'static str, Vec<String>, bool)> {
    let owned = |args: &[&str]| args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
    vec![
        ("analyze", owned(&["analyze", spec]), false),
        (
            "analyze json",
            owned(&["analyze", spec, "--format", "json"]),
            false,
        ),
        (
            "diagram",
            owned(&["diagram", spec, "--format", "mermaid"]),
            false,
        ),
        (
            "diagram --out-dir",
            owned(&["diagram", spec, "--out-dir", out]),
            true,
        ),
        (
            "export asyncapi",
            owned(&["export", "asyncapi", spec, "--out-dir", out]),
            true,
        ),
        ("generate", owned(&["generate", spec, "--out", out]), true),
        (
            "generate --check",
            owned(&["generate", spec, "--out", out, "--check"]),
            false,
        ),
    ]
}

/// Exit 1 (findings) or 2 (usage, I/O) with a message, never a panic (101) or a
/// signal, quickly, and nothing written.
#[test]
fn every_command_refuses_bad_input_cleanly() {
    let dir = scratch("bad-input");
    let mut failures = Vec::new();
    for spec in bad_corpus(&dir) {
        let name = spec.file_name().unwrap().to_string_lossy().into_owned();
        for (index, (command, args, writes)) in commands(
            spec.to_str().unwrap(),
            dir.join(format!("out-{name}")).to_str().unwrap(),
        )
        .into_iter()
        .enumerate()
        {
            let out = dir.join(format!("out-{name}"));
            let _ = fs::remove_dir_all(&out);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let started = Instant::now();
            let output = edasmith(&args);
            let elapsed = started.elapsed();
            let stderr = String::from_utf8_lossy(&output.stderr);
            let what = format!("{name}: `{command}` ({index})");
            match output.status.code() {
                Some(1 | 2) => {}
                Some(code) => failures.push(format!("{what}: exit {code}\n{stderr}")),
                None => failures.push(format!("{what}: killed by a signal\n{stderr}")),
            }
            // `--format json` reports the findings on stdout.
            let message = if command == "analyze json" {
                String::from_utf8_lossy(&output.stdout)
            } else {
                stderr.clone()
            };
            if message.trim().is_empty() {
                failures.push(format!("{what}: no message"));
            }
            if stderr.contains("panicked") {
                failures.push(format!("{what}: {stderr}"));
            }
            if writes && out.exists() {
                failures.push(format!("{what}: wrote into {}", out.display()));
            }
            // A safety net against pathological slowness, not a benchmark.
            if elapsed > Duration::from_secs(20) {
                failures.push(format!("{what}: took {elapsed:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Each limit gives a located error: the size (default and `--max-file-size` on every
/// command: `file-too-large`), an alias bomb and deep nesting (refused by typed loading
/// as the wrong type before the YAML budget is reached, see below), the id length.
#[test]
fn every_limit_gives_a_clear_error() {
    let dir = scratch("limits");
    let corpus = bad_corpus(&dir);
    let find = |name: &str| {
        corpus
            .iter()
            .find(|path| path.file_name().unwrap() == name)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned()
    };
    let expect = |args: &[&str], code: i32, needles: &[&str]| {
        let output = edasmith(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{args:?}: {stderr}");
        for needle in needles {
            assert!(
                stderr.contains(needle),
                "{args:?}: no {needle:?} in:\n{stderr}"
            );
        }
    };
    let big = find("over-64-mib.yaml");
    expect(
        &["analyze", &big],
        1,
        &["error[file-too-large]", "over-64-mib.yaml"],
    );
    let small = root().join(EXAMPLES[0]);
    let small = small.to_str().unwrap();
    let out = dir.join("out");
    let out = out.to_str().unwrap();
    for args in [
        vec!["analyze", small],
        vec!["diagram", small, "--format", "dot"],
        vec!["export", "asyncapi", small, "--out-dir", out],
        vec!["generate", small, "--out", out],
    ] {
        let mut args = args.clone();
        args.extend(["--max-file-size", "100"]);
        expect(&args, 1, &["error[file-too-large]", "spec.yaml"]);
        assert!(!Path::new(out).exists());
    }
    expect(
        &["analyze", &find("alias-bomb.yaml")],
        1,
        &["alias-bomb.yaml:"],
    );
    expect(
        &["analyze", &find("deep-flow.yaml")],
        1,
        &["deep-flow.yaml:"],
    );
    expect(
        &["analyze", &find("deep-service.yaml")],
        1,
        &["deep-service.yaml:"],
    );
    expect(
        &["analyze", &find("long-id.yaml")],
        1,
        &["long-id.yaml:3:3", "at most 200 characters"],
    );
}

// ---------------------------------------------------------------------------------
// Determinism across processes (HashMap seeds differ per process).

/// `diagram --out-dir` and `export asyncapi` are run twice by tests/diagram_render.rs
/// and tests/export.rs; here: every `analyze` format and `generate --out`.
#[test]
fn analyze_and_generate_write_the_same_bytes_in_every_process() {
    let dir = scratch("determinism");
    for (at, spec) in EXAMPLES.iter().enumerate() {
        for format in ["human", "json", "sarif", "github"] {
            let run = || {
                let output = edasmith(&["analyze", spec, "--format", format]);
                assert_eq!(output.status.code(), Some(0), "{spec} {format}");
                (output.stdout, output.stderr)
            };
            let first = run();
            assert!(!first.0.is_empty() || format == "github", "{spec} {format}");
            assert!(
                first == run(),
                "{spec} --format {format} differs between runs"
            );
        }
        let generate = |name: &str| {
            let out = dir.join(format!("{at}-{name}"));
            let output = edasmith(&["generate", spec, "--out", out.to_str().unwrap()]);
            assert_eq!(output.status.code(), Some(0), "{spec}");
            tree(&out)
        };
        let first = generate("a");
        assert!(first.len() > 5, "{spec}");
        assert!(
            first == generate("b"),
            "{spec}: generate differs between runs"
        );
    }
}

/// The YAML budget (alias expansion / node count, nesting depth) reports
/// `limit-exceeded`: typed loading usually refuses a bomb or deep nesting as the wrong
/// type first, so the budget is checked here with limits the examples exceed.
#[test]
fn the_yaml_budget_reports_limit_exceeded() {
    use edasmith::spec::Limits;

    let text = &example_texts()[0];
    for limits in [
        Limits {
            max_nodes: 50,
            ..Limits::default()
        },
        Limits {
            max_depth: 2,
            ..Limits::default()
        },
    ] {
        let analysis = analyze_str(
            "limited.yaml",
            text,
            &Options {
                limits,
                ..Options::default()
            },
        );
        let rules: Vec<&str> = analysis.findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["limit-exceeded"], "{limits:?}");
        let finding = &analysis.findings[0];
        let text = analysis.sources.file(finding.span.file).text();
        assert!(
            text.get(finding.span.range()).is_some() && finding.help.is_some(),
            "{finding:?}"
        );
    }
    // Aliases count as what they expand to: the same shape written out plainly fits in
    // the budget the aliased one exceeds.
    let limited = Options {
        limits: Limits {
            max_nodes: 18,
            ..Limits::default()
        },
        ..Options::default()
    };
    let rules = |text: &str| -> Vec<&'static str> {
        analyze_str("aliased.yaml", text, &limited)
            .findings
            .iter()
            .map(|f| f.rule)
            .filter(|rule| *rule == "limit-exceeded")
            .collect()
    };
    assert_eq!(
        rules("services:\n  a: &a { name: x }\n  b: *a\n  c: *a\n  d: *a\n  e: *a\n"),
        ["limit-exceeded"]
    );
    assert!(
        rules("services:\n  a: &a { name: x }\n  b: {}\n  c: {}\n  d: {}\n  e: {}\n").is_empty()
    );
}

/// Ids may be 200 characters (`names::MAX_ID_CHARS`), and 200 Hangul syllables romanize
/// to 600 ASCII bytes: every file and folder name made from an id is bounded
/// (`names::bounded`), or the write would fail with "File name too long".
#[test]
fn a_200_syllable_hangul_id_can_be_exported_and_generated() {
    let dir = scratch("long-hangul-id");
    let id = "계".repeat(edasmith::names::MAX_ID_CHARS);
    let spec = dir.join("spec.yaml");
    fs::write(
        &spec,
        format!(
            "services:\n  {id}: {{ name: long }}\n  web: {{ kind: frontend }}\nrelations:\n  - {{ from: {id}, to: web, type: message, message: Hello }}\n"
        ),
    )
    .unwrap();
    let spec = spec.to_str().unwrap();
    let analyze = edasmith(&["analyze", spec]);
    assert_eq!(analyze.status.code(), Some(0), "the spec is valid");
    for (command, out) in [
        (vec!["export", "asyncapi", spec, "--out-dir"], "asyncapi"),
        (vec!["generate", spec, "--out"], "workspace"),
        (vec!["diagram", spec, "--out-dir"], "diagrams"),
    ] {
        let out = dir.join(out);
        let mut args = command.clone();
        args.push(out.to_str().unwrap());
        let output = edasmith(&args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{command:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// A scratch folder of this suite.
fn scratch(name: &str) -> PathBuf {
    common::scratch("robustness", name)
}
