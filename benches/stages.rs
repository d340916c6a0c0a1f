//! Where analyze and generate spend time and memory, stage by stage, on a generated
//! spec: `cargo bench --bench stages -- 5000`. For profiling, not for the README table.
//! The generate stages stop before writing: what they measure is CPU, not the disk
//! (the render stage includes building the view).

mod heap;
mod spec_gen;

use std::time::Instant;

use edasmith::analysis::{self, Options};
use edasmith::codegen::{self, Templates};
use edasmith::rules::{self, Context};
use edasmith::spec::{self, Limits};
use edasmith::{derive, model};

#[global_allocator]
static ALLOCATOR: heap::CountingAllocator = heap::CountingAllocator;

fn stage<T>(name: &str, spec_bytes: usize, work: impl FnOnce() -> T) -> T {
    heap::reset_peak();
    let before = heap::live();
    let started = Instant::now();
    let result = work();
    let peak = heap::peak();
    let after = heap::live();
    eprintln!(
        "{name:>8}: {:>8.1} ms  peak {:>6.1} MB ({:.1}x spec)  kept {:>6.1} MB",
        started.elapsed().as_secs_f64() * 1e3,
        peak as f64 / 1e6,
        peak as f64 / spec_bytes as f64,
        (after as f64 - before as f64) / 1e6
    );
    result
}

fn main() {
    let size = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5000);
    let text = spec_gen::generate(size);
    let bytes = text.len();
    eprintln!("{size} services, {:.1} MB", bytes as f64 / 1e6);
    let loaded = stage("load", bytes, || {
        spec::load_str("generated.yaml", &text, &Limits::default())
    });
    let (model, findings) = stage("model", bytes, || {
        model::build(loaded.files, &loaded.sources)
    });
    let derived = stage("derive", bytes, || derive::derive(&model));
    let load = stage("load-at-spike", bytes, || edasmith::load::analyze(&model));
    let context = Context {
        load: &load,
        model: &model,
        derived: &derived,
    };
    for rule in rules::all() {
        if let Some(check) = rule.check {
            let mut out = Vec::new();
            stage(rule.meta.name, bytes, || check(&context, &mut out));
        }
    }
    drop(findings);
    let analysis = analysis::analyze_str("generated.yaml", &text, &Options::default());
    let templates = Templates::embedded().expect("the embedded templates compile");
    stage("view", bytes, || codegen::view::View::new(&analysis));
    let rendered = stage("render", bytes, || {
        let files = codegen::render(&analysis, &templates).expect("the embedded templates render");
        files.iter().map(|file| file.contents.len()).sum::<usize>()
    });
    eprintln!("  (rendered {:.1} MB)", rendered as f64 / 1e6);
}
