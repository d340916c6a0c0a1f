//! The `edasmith` binary: a thin client of the library.

mod cli;

fn main() -> std::process::ExitCode {
    fix_large_allocations();
    cli::run()
}

/// glibc serves a block of 128 KiB or more with its own mapping, returned to the system
/// when freed, but each time such a block is freed it raises that threshold to the
/// block's size. After the first whole-system diagram or graph list is freed, every
/// later multi-megabyte list comes from the heap, where it stays resident once freed:
/// at 5,000 services that is 2-7 MB of peak memory (`diagram`, `export`, `generate`).
/// Fixing the threshold keeps large blocks in their own mappings; it costs nothing
/// measurable in time.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fix_large_allocations() {
    // SAFETY: `mallopt` only sets a malloc parameter; it is called before any thread
    // exists, and an unknown parameter or value is refused by returning 0, not UB.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn fix_large_allocations() {}
