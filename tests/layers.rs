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
    &["source", "names", "write"],
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

/// The modules a file's code names through `crate::` or `edasmith::`, test code and
/// comments left out.
fn uses(text: &str) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let mut used = BTreeSet::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or_default();
        for prefix in ["crate::", "edasmith::"] {
            for (at, _) in line.match_indices(prefix) {
                let rest = &line[at + prefix.len()..];
                if let Some(group) = rest.strip_prefix('{') {
                    // `use crate::{a::x, b::y}`: each item's first segment.
                    let group = group.split('}').next().unwrap_or_default();
                    used.extend(group.split(',').filter_map(first_segment));
                } else {
                    used.extend(first_segment(rest));
                }
            }
        }
    }
    used
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
    let text = "use crate::model::Model;\nuse crate::{derive::Event, saga::{self, Step}};\n\
                // crate::cli is only mentioned\nlet x = edasmith::report::human::render();\n\
                #[cfg(test)]\nuse crate::outputs;\n";
    let used: Vec<String> = uses(text).into_iter().collect();
    assert_eq!(used, ["derive", "model", "report", "saga"]);
}
