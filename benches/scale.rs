//! How edasmith scales: every command on generated specs of 500, 2,000 and 5,000
//! services, against the floor of reading the same YAML into a generic value with the
//! same YAML crate, measured in the same run. `cargo bench --bench scale`.
//!
//! Figures are best-of-N wall times in one process, and peak heap measured by a
//! counting allocator. Report ratios, not seconds: machines differ, ratios travel.

mod spec_gen;

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use edasmith::analysis::{Options, analyze_str};

/// Counts live heap bytes and remembers the peak, so memory is measured without an
/// external tool and per stage.
struct CountingAllocator;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn reset_peak() {
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
}

/// Best wall time of `runs` runs, and the peak heap above the baseline during them.
fn measure<T>(runs: usize, mut work: impl FnMut() -> T) -> (Duration, usize) {
    let baseline = LIVE.load(Ordering::Relaxed);
    reset_peak();
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let started = Instant::now();
        let result = work();
        best = best.min(started.elapsed());
        drop(result);
    }
    (best, PEAK.load(Ordering::Relaxed).saturating_sub(baseline))
}

fn floor(text: &str) -> serde_json::Value {
    // The same crate and budget the loader uses, into a generic value: nothing else.
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! { max_nodes: 20_000_000, max_events: 40_000_000 },
    };
    serde_saphyr::from_str_with_options(text, options).expect("generated spec parses")
}

fn main() {
    // `cargo bench` passes `--bench`; sizes are the numeric arguments, if any.
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|arg| arg.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![500, 2000, 5000]
    } else {
        sizes
    };
    let runs = 5;
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench");
    let _ = std::fs::create_dir_all(&scratch);
    println!("| services | spec | floor | analyze | ratio | peak heap (analyze) | heap / spec |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    let mut previous: Option<(usize, Duration)> = None;
    for &size in &sizes {
        let text = spec_gen::generate(size);
        let (floor_time, _) = measure(runs, || floor(&text));
        let options = Options::default();
        let (analyze_time, analyze_heap) = measure(runs, || {
            let analysis = analyze_str("generated.yaml", &text, &options);
            assert!(
                !analysis.has_errors(),
                "the generated spec must be valid: {:?}",
                analysis.findings.first()
            );
            analysis
        });
        println!(
            "| {size} | {:.1} MB | {:.1} ms | {:.1} ms | {:.2}x | {:.1} MB | {:.1}x |",
            text.len() as f64 / 1e6,
            ms(floor_time),
            ms(analyze_time),
            ratio(analyze_time, floor_time),
            analyze_heap as f64 / 1e6,
            analyze_heap as f64 / text.len() as f64,
        );
        if let Some((previous_size, previous_time)) = previous {
            eprintln!(
                "scaling {previous_size} -> {size} services ({:.1}x): analyze took {:.2}x the time",
                size as f64 / previous_size as f64,
                ratio(analyze_time, previous_time)
            );
        }
        previous = Some((size, analyze_time));
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}
