//! Data flows one way through the crate: a top-level module may use only the modules of
//! the layers below its own (docs/ARCHITECTURE.md draws them). This test reads every
//! `crate::X` and `edasmith::X` path of src/ (test code left out) and fails on a path
//! that points sideways or up, so a cycle between modules cannot creep back in.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// The layers, bottom first. A module may use the modules of the layers before its own.
const LAYERS: &[&[&str]] = &[
    &["source", "names", "parallel"],
    &["write"],
    &["diagnostic", "declare_rule"],
    &["spec"],
    &["model"],
    &["derive", "saga", "load"],
    &["rules"],
    &["analysis"],
    &["report", "diagram", "export", "codegen"],
    &["outputs"],
    &["cli"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The top-level module a file of src/ belongs to (`main.rs` is the binary's `cli`).
fn module_of(relative: &Path) -> String {
    let first = relative
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    match first.strip_suffix(".rs") {
        Some("main") => "cli".to_owned(),
        Some(name) => name.to_owned(),
        None => first.into_owned(),
    }
}

/// The modules a file's code names through `crate::` or `edasmith::`, comments and
/// `#[cfg(test)]` items left out.
fn uses(text: &str) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let code = without_test_items(&code);
    let mut used = BTreeSet::new();
    for prefix in ["crate::", "edasmith::"] {
        for (at, _) in code.match_indices(prefix) {
            let rest = &code[at + prefix.len()..];
            match rest.strip_prefix('{') {
                // `use crate::{a::x, b::{y, z}}`: the first segment of each item.
                Some(group) => used.extend(top_level_items(group).filter_map(first_segment)),
                None => used.extend(first_segment(rest)),
            }
        }
    }
    used
}

/// The code without each `#[cfg(test)]` item: a `mod tests;` line, or a braced item.
fn without_test_items(code: &str) -> String {
    let mut kept = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        kept.push_str(&rest[..at]);
        let item = &rest[at..];
        let (semicolon, brace) = (item.find(';'), item.find('{'));
        let end = match (semicolon, brace) {
            (Some(semicolon), Some(brace)) if semicolon < brace => semicolon + 1,
            (_, Some(brace)) => matching_brace(item, brace),
            (Some(semicolon), None) => semicolon + 1,
            (None, None) => item.len(),
        };
        rest = &item[end..];
    }
    kept.push_str(rest);
    kept
}

/// The index just past the brace that closes the one at `open`.
fn matching_brace(text: &str, open: usize) -> usize {
    let mut depth = 0;
    for (at, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 1 => return open + at + 1,
            '}' => depth -= 1,
            _ => {}
        }
    }
    text.len()
}

/// The items of a `{...}` group (its opening brace already taken), split at the commas
/// of its own level.
fn top_level_items(group: &str) -> impl Iterator<Item = &str> {
    let end = matching_brace(&format!("{{{group}"), 0).saturating_sub(2);
    let group = &group[..end.min(group.len())];
    let mut depth = 0;
    let mut start = 0;
    let mut items = Vec::new();
    for (at, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    items.push(&group[start..]);
    items.into_iter()
}

fn first_segment(path: &str) -> Option<String> {
    let name: String = path
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
        .collect();
    (!name.is_empty() && name != "self").then_some(name)
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs")
            && path.file_name().is_some_and(|name| name != "tests.rs")
        {
            out.push(path);
        }
    }
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let src = common::root().join("src");
    let mut paths = Vec::new();
    files(&src, &mut paths);
    let mut problems = Vec::new();
    let mut edges = 0;
    for path in paths {
        let relative = path.strip_prefix(&src).unwrap();
        let module = module_of(relative);
        if module == "lib" {
            continue;
        }
        let Some(own) = layer(&module) else {
            problems.push(format!(
                "src/{module} is in no layer: add it to LAYERS and to docs/ARCHITECTURE.md"
            ));
            continue;
        };
        for used in uses(&fs::read_to_string(&path).unwrap()) {
            if used == module {
                continue;
            }
            edges += 1;
            match layer(&used) {
                Some(theirs) if theirs < own => {}
                Some(_) => problems.push(format!(
                    "{} uses `{used}`, which is not in a layer below `{module}`",
                    relative.display()
                )),
                None => problems.push(format!(
                    "{} uses `{used}`, which is in no layer",
                    relative.display()
                )),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(edges > 50, "only {edges} uses found: is the reader broken?");
}

#[test]
fn the_reader_finds_uses_and_skips_comments_and_tests() {
    let text = "#[cfg(test)]\nmod tests;\nuse crate::model::Model;\n\
                use crate::{\n    derive::Event,\n    saga::{self, Step},\n    load::{a::{x, y}},\n    names,\n};\n\
                // crate::cli is only mentioned\nlet x = edasmith::report::human::render();\n\
                #[cfg(test)]\nmod inline {\n    use crate::outputs;\n    fn f() { let _ = 1; }\n}\n\
                fn after() { crate::rules::all(); }\n";
    let used: Vec<String> = uses(text).into_iter().collect();
    assert_eq!(
        used,
        [
            "derive", "load", "model", "names", "report", "rules", "saga"
        ]
    );
}
