//! Work split over the cores: for the few places where thousands of independent items
//! (service crates to render, files to compare and write) are worth a thread per core.

/// `each` of `items` split into one run per core, each run on a thread of its own, the
/// results in the order of the runs. A panic in a run goes on in the caller.
pub fn in_runs<T: Sync, R: Send>(items: &[T], each: impl Fn(&[T]) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let each = &each;
    std::thread::scope(|scope| {
        let runs: Vec<_> = (items.chunks(items.len().div_ceil(threads).max(1)))
            .map(|run| scope.spawn(move || each(run)))
            .collect();
        runs.into_iter().map(|run| joined(run.join())).collect()
    })
}

/// What a thread returned; its panic goes on in the thread that joins it.
pub fn joined<R>(result: std::thread::Result<R>) -> R {
    result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

#[cfg(test)]
mod tests {
    use super::in_runs;

    #[test]
    fn runs_cover_every_item_in_order() {
        let items: Vec<u32> = (0..1001).collect();
        let runs = in_runs(&items, |run| run.to_vec());
        assert_eq!(runs.concat(), items);
        assert!(
            in_runs(&[] as &[u32], |run| run.len())
                .iter()
                .all(|&n| n == 0)
        );
    }
}
