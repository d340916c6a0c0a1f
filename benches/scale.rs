//! How edasmith scales: every command on generated specs of 500, 2,000 and 5,000
//! services, against the floor of reading the same YAML into a generic value with the
//! same YAML crate, measured in the same run. `cargo bench --bench scale` (sizes may be
//! given: `cargo bench --bench scale -- 500 2000`).
//!
//! Figures are best-of-N wall times and peak RSS by GNU time of the commands as a user
//! runs them (a fresh process, a new output folder), the in-process `analyze` with its
//! peak heap by a counting allocator, and, for the commands that write files, a second
//! floor: the very files the command wrote written by a plain `std::fs::write` loop, so
//! that what the disk costs is visible beside what edasmith adds. The last lines hold
//! each figure to its target (docs/performance.md says which and why). Report ratios,
//! not seconds: machines differ, ratios travel.
//!
//! The outputs go under `target/tmp/bench/runs`, or under `edasmith-bench-runs` in the
//! folder named by `EDASMITH_BENCH_RUNS` (a tmpfs such as `/dev/shm` takes the disk out
//! of the figures). That subfolder is deleted at the start and at the end; runs never
//! reuse a folder, since a deletion right before a run makes the disk slower for it.

mod heap;
mod spec_gen;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use edasmith::analysis::{Options, analyze_str};

#[global_allocator]
static ALLOCATOR: heap::CountingAllocator = heap::CountingAllocator;

/// Best wall time of `runs` runs, and the peak heap above the baseline during them.
fn measure<T>(runs: usize, mut work: impl FnMut() -> T) -> (Duration, usize) {
    let baseline = heap::live();
    heap::reset_peak();
    let mut best = Duration::MAX;
    for _ in 0..runs {
        settle();
        let started = Instant::now();
        let result = work();
        best = best.min(started.elapsed());
        drop(result);
    }
    (best, heap::peak().saturating_sub(baseline))
}

fn floor(text: &str) -> serde_json::Value {
    // The same crate and budget the loader uses, into a generic value: nothing else.
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! { max_nodes: 20_000_000, max_events: 40_000_000 },
    };
    serde_saphyr::from_str_with_options(text, options).expect("generated spec parses")
}

/// The commands measured as a user runs them (a fresh process each time, writing
/// into a scratch folder), by their arguments after the spec path.
const COMMANDS: &[(&str, &[&str])] = &[
    ("analyze", &["analyze", "{spec}", "--format", "json"]),
    (
        "diagram --out-dir",
        &["diagram", "{spec}", "--out-dir", "{out}"],
    ),
    ("generate", &["generate", "{spec}", "--out", "{out}"]),
    (
        "export asyncapi",
        &["export", "asyncapi", "{spec}", "--out-dir", "{out}"],
    ),
    ("load", &["load", "{spec}", "--format", "json"]),
];

/// Whether a command writes into `{out}` (then it also gets a write floor and a rerun).
fn writes_files(args: &[&str]) -> bool {
    args.contains(&"{out}")
}

/// A folder no run has used yet, under `runs`.
fn fresh_folder(runs: &Path) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    runs.join(
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            .to_string(),
    )
}

/// Every file under `dir` with its bytes, sorted by path.
fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).expect("list the output") {
            let path = entry.expect("list the output").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("read the output");
                files.push((path.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    files.sort();
    files
}

/// Writes back what earlier runs left in the page cache (`sync`), so that a run does
/// not pay for the previous one's writes: a 5,000-service `generate` leaves 300 MB of
/// dirty pages, and the kernel flushes them on the cores the next run needs (measured:
/// single runs of the same command from 2.5 s to 4.8 s). A user who runs edasmith once
/// starts from a quiet disk; so does each run here. Not timed.
fn settle() {
    let _ = std::process::Command::new("sync").status();
}

/// The write floor: the same files written by a plain loop into a new folder.
fn write_floor(files: &[(PathBuf, Vec<u8>)], folders: &Path, runs: usize) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let out = fresh_folder(folders);
        settle();
        let started = Instant::now();
        for (relative, bytes) in files {
            let path = out.join(relative);
            std::fs::create_dir_all(path.parent().unwrap()).expect("create a folder");
            std::fs::write(&path, bytes).expect("write a file");
        }
        best = best.min(started.elapsed());
    }
    best
}

/// Best wall time of `runs` runs of the binary, and its peak resident memory (by GNU
/// time, when the machine has it).
/// Runs into `Output::Fresh` (a new folder each run) or over an existing output.
/// Returns the best time, the peak RSS, and the folder of the last run.
fn run_command(
    args: &[&str],
    spec: &Path,
    output: Output,
    runs: usize,
) -> (Duration, Option<u64>, PathBuf) {
    let mut out = PathBuf::new();
    let time = std::path::Path::new("/usr/bin/time");
    let mut best = Duration::MAX;
    let mut peak_kb = None;
    for _ in 0..runs {
        out = match &output {
            Output::Fresh(folders) => fresh_folder(folders),
            Output::Over(existing) => existing.clone(),
        };
        let args: Vec<String> = args
            .iter()
            .map(|arg| {
                arg.replace("{spec}", &spec.to_string_lossy())
                    .replace("{out}", &out.to_string_lossy())
            })
            .collect();
        let mut command = if time.exists() {
            let mut command = std::process::Command::new(time);
            command
                .args(["-f", "%M"])
                .arg(env!("CARGO_BIN_EXE_edasmith"));
            command
        } else {
            std::process::Command::new(env!("CARGO_BIN_EXE_edasmith"))
        };
        command.args(&args).stdout(std::process::Stdio::null());
        settle();
        let started = Instant::now();
        let output = command.output().expect("run edasmith");
        best = best.min(started.elapsed());
        let stderr = String::from_utf8_lossy(&output.stderr);
        // Exit 1 is fine here (a generated spec may exceed a capacity): only crashes are not.
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{args:?} failed: {stderr}"
        );
        peak_kb = stderr
            .lines()
            .last()
            .and_then(|line| line.trim().parse().ok())
            .or(peak_kb);
    }
    (best, peak_kb, out)
}

/// Where a command run writes.
enum Output {
    /// A new folder under this one, each run.
    Fresh(PathBuf),
    /// This folder, holding the output of an earlier run.
    Over(PathBuf),
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
    let runs = 3;
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench");
    let _ = std::fs::create_dir_all(&scratch);
    // Every run's output, deleted when the bench ends (see the module doc).
    let folders = std::env::var_os("EDASMITH_BENCH_RUNS").map_or_else(
        || scratch.join("runs"),
        |base| PathBuf::from(base).join("edasmith-bench-runs"),
    );
    let _ = std::fs::remove_dir_all(&folders);
    let mut rows = Vec::new();
    let mut checks = Checks::default();
    let mut previous: Option<(usize, Vec<Duration>)> = None;
    for &size in &sizes {
        let text = spec_gen::generate(size);
        let spec = scratch.join(format!("spec-{size}.yaml"));
        std::fs::write(&spec, &text).expect("write the generated spec");
        let (floor_time, _) = measure(runs, || floor(&text));
        let options = Options::default();
        let (analyze_time, analyze_heap) =
            measure(runs, || analyze_str("generated.yaml", &text, &options));
        rows.push(format!(
            "| {size} | {:.1} MB | floor (parse to a generic value) | {:.0} ms | 1.00x | | |",
            text.len() as f64 / 1e6,
            ms(floor_time)
        ));
        rows.push(format!(
            "| {size} | | analyze, in process | {:.0} ms | {:.2}x | | heap {:.1}x spec |",
            ms(analyze_time),
            ratio(analyze_time, floor_time),
            analyze_heap as f64 / text.len() as f64
        ));
        let mut times = vec![analyze_time];
        for (name, args) in COMMANDS {
            let (time, peak_kb, out) =
                run_command(args, &spec, Output::Fresh(folders.clone()), runs);
            times.push(time);
            checks.time(size, name, ratio(time, floor_time));
            let memory = peak_kb.map(memory).unwrap_or_default();
            checks.rss(size, name, peak_kb);
            if !writes_files(args) {
                rows.push(format!(
                    "| {size} | | `{name}` | {:.0} ms | {:.2}x | | {memory} |",
                    ms(time),
                    ratio(time, floor_time)
                ));
                continue;
            }
            let files = files_under(&out);
            let writing = write_floor(&files, &folders, runs);
            rows.push(format!(
                "| {size} | | writing its {} files ({:.0} MB), plain loop | {:.0} ms | | | |",
                files.len(),
                files.iter().map(|(_, bytes)| bytes.len()).sum::<usize>() as f64 / 1e6,
                ms(writing)
            ));
            rows.push(format!(
                "| {size} | | `{name}`, empty folder | {:.0} ms | {:.2}x | {:.2}x | {memory} |",
                ms(time),
                ratio(time, floor_time),
                ratio(time, floor_time + writing)
            ));
            let (again, _, _) = run_command(args, &spec, Output::Over(out), runs);
            rows.push(format!(
                "| {size} | | `{name}`, over its own output | {:.0} ms | {:.2}x | | |",
                ms(again),
                ratio(again, floor_time)
            ));
        }
        if let Some((previous_size, previous_times)) = &previous {
            let growth: Vec<String> = times
                .iter()
                .zip(previous_times)
                .map(|(now, before)| format!("{:.2}x", ratio(*now, *before)))
                .collect();
            let scale = size as f64 / *previous_size as f64;
            for (now, before) in times.iter().zip(previous_times) {
                checks.growth(*previous_size, size, ratio(*now, *before) / scale);
            }
            eprintln!(
                "{previous_size} -> {size} services ({:.1}x): analyze, {} took {} the time",
                size as f64 / *previous_size as f64,
                COMMANDS
                    .iter()
                    .map(|(name, _)| *name)
                    .collect::<Vec<_>>()
                    .join(", "),
                growth.join(", ")
            );
        }
        previous = Some((size, times));
    }
    let _ = std::fs::remove_dir_all(&folders);
    println!(
        "| services | spec | what | best of {runs} | vs floor | vs floor + writing | memory |"
    );
    println!("|---:|---:|---|---:|---:|---:|---|");
    for row in rows {
        println!("{row}");
    }
    println!();
    for line in &checks.lines {
        println!("{line}");
    }
}

/// The targets every run is held to (docs/performance.md): `analyze` and `load` within
/// 1.5x the floor, the writing commands within 4x, peak RSS within 300 MB, and time
/// growing linearly (within 10 % of the size's growth).
#[derive(Default)]
struct Checks {
    lines: Vec<String>,
}

impl Checks {
    fn say(&mut self, met: bool, what: String) {
        self.lines.push(format!(
            "{} {what}",
            if met { "met:   " } else { "MISSED:" }
        ));
    }

    fn time(&mut self, size: usize, command: &str, vs_floor: f64) {
        let limit = if matches!(command, "analyze" | "load") {
            1.5
        } else {
            4.0
        };
        self.say(
            vs_floor <= limit,
            format!("{size} services: `{command}` {vs_floor:.2}x the floor (at most {limit}x)"),
        );
    }

    fn rss(&mut self, size: usize, command: &str, peak_kb: Option<u64>) {
        match peak_kb {
            Some(kb) => {
                let megabytes = kb as f64 * 1024.0 / 1e6;
                self.say(
                    megabytes <= 300.0,
                    format!(
                        "{size} services: `{command}` peak RSS {megabytes:.1} MB (at most 300 MB)"
                    ),
                );
            }
            None => self.say(
                false,
                format!("{size} services: `{command}` RSS not measured (no /usr/bin/time)"),
            ),
        }
    }

    fn growth(&mut self, from: usize, to: usize, vs_size: f64) {
        if vs_size > 1.1 {
            self.say(
                false,
                format!("{from} -> {to} services: time grew {vs_size:.2}x faster than the size"),
            );
        }
    }
}

/// Peak RSS, in MB.
fn memory(kb: u64) -> String {
    format!("RSS {:.1} MB", kb as f64 * 1024.0 / 1e6)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}
