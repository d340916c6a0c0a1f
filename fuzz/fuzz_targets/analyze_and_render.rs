//! Arbitrary bytes -> (if UTF-8) load + analyze + every renderer, in memory.
//!
//! Asserts what the library promises on any input: no panic, every finding inside its
//! file, under a rule of the catalog, and no renderer error on a spec without error
//! findings.
#![no_main]

use std::sync::{Arc, OnceLock};

use edasmith::analysis::{Options, analyze_str};
use edasmith::codegen::Templates;
use edasmith::outputs::render_everything_with;
use libfuzzer_sys::fuzz_target;

fn templates() -> &'static Templates {
    static TEMPLATES: OnceLock<Templates> = OnceLock::new();
    TEMPLATES.get_or_init(|| Templates::embedded().expect("the embedded templates parse"))
}

fn rule_names() -> &'static Vec<&'static str> {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<&'static str> = edasmith::rules::all()
            .iter()
            .map(|rule| rule.meta.name)
            .collect();
        names.sort_unstable();
        names
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let analysis = Arc::new(analyze_str("fuzz.yaml", text, &Options::default()));
    for finding in &analysis.findings {
        let text = analysis.sources.file(finding.span.file).text();
        assert!(text.get(finding.span.range()).is_some(), "{finding:?}");
        assert!(
            rule_names().binary_search(&finding.rule).is_ok(),
            "rule not in the catalog: {finding:?}"
        );
    }
    if let Err(error) = render_everything_with(&analysis, templates()) {
        panic!("a renderer failed on a spec without errors: {error}");
    }
});
