//! The `edasmith` binary: a thin client of the library.

mod cli;

fn main() -> std::process::ExitCode {
    fix_large_allocations();
    cli::run()
}

/// Two glibc malloc settings that keep peak memory down:
/// - glibc serves a block of 128 KiB or more with its own mapping, returned to the
///   system when freed, but each time such a block is freed it raises that threshold to
///   the block's size. After the first whole-system diagram or graph list is freed,
///   every later multi-megabyte list comes from the heap, where it stays resident once
///   freed: at 5,000 services that is 2-7 MB of peak memory (`diagram`, `export`,
///   `generate`). Fixing the threshold keeps large blocks in their own mappings.
/// - glibc gives threads their own arenas (up to 8 per core), each holding on to what
///   its thread freed. `generate` renders on every core and writes on 8 threads: their
///   arenas added 3 MB at 5,000 services (two arenas: 0.5 MB). One arena for all:
///   glibc's per-thread caches spare the threads most of its lock (no change in time
///   measured).
///
/// Neither costs anything measurable in time.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fix_large_allocations() {
    // SAFETY: `mallopt` only sets a malloc parameter; it is called before any thread
    // exists, and an unknown parameter or value is refused by returning 0, not UB.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn fix_large_allocations() {}
