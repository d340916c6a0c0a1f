//! Rendering on every core, handing the results over in order.
//!
//! A workspace's service crates are independent of each other once the view is
//! resolved, and rendering them is most of `generate`'s CPU time. Here a few threads
//! each take the next item, and the calling thread receives the results and hands them
//! on in item order, so that the output (and which error is reported) is the same as
//! one thread's. Threads may run ahead of the item being handed on by at most
//! [`AHEAD`] items, so memory holds a few results, not all of them.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Condvar, Mutex};

/// How far past the item being handed on the threads may render.
const AHEAD: usize = 8;

/// Makes items `0..count` with `make` on up to `threads` threads and calls `take` with
/// each, in item order, on the calling thread. Stops at the first error in item order
/// (from `make` or `take`) and returns it; items after it may have been made, none is
/// taken.
pub fn make_in_order<T, E, F>(
    count: usize,
    threads: usize,
    make: impl Fn(usize) -> Result<T, E> + Sync,
    mut take: impl FnMut(T) -> Result<(), F>,
) -> Result<(), F>
where
    T: Send,
    E: Send,
    F: From<E>,
{
    let threads = threads.clamp(1, count.max(1));
    if threads == 1 {
        return (0..count).try_for_each(|at| take(make(at).map_err(F::from)?));
    }
    let next = AtomicUsize::new(0);
    let window = Window::default();
    std::thread::scope(|scope| {
        let (sender, receiver) = sync_channel::<(usize, Result<T, E>)>(AHEAD);
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let sender = sender.clone();
                let (next, window, make) = (&next, &window, &make);
                scope.spawn(move || {
                    loop {
                        let at = next.fetch_add(1, Ordering::Relaxed);
                        if at >= count || !window.wait_for(at) {
                            return;
                        }
                        // A closed channel means the caller stopped: nothing more is wanted.
                        if sender.send((at, make(at))).is_err() {
                            return;
                        }
                    }
                })
            })
            .collect();
        drop(sender);
        let taken = take_in_order(receiver, &window, take);
        // Joined, not only waited for: the scope waits until each closure has returned,
        // but a thread not joined may still be exiting (freeing its thread-locals) when
        // the scope ends, and a leak checker run right then (the fuzzer's) reports them.
        // `take_in_order` has dropped the receiver and stopped the window, so none waits.
        for worker in workers {
            worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
        taken
    })
}

/// Takes the items from `receiver` in order until every thread is done or `take`
/// fails; on the way out the window stops, so no thread waits for it any more.
fn take_in_order<T, E, F>(
    receiver: Receiver<(usize, Result<T, E>)>,
    window: &Window,
    mut take: impl FnMut(T) -> Result<(), F>,
) -> Result<(), F>
where
    F: From<E>,
{
    // Whatever happens below, the threads must not wait for a window that no longer
    // moves.
    let _stop = StopOnDrop(window);
    let mut made = BTreeMap::new();
    let mut taken = 0;
    for (at, result) in receiver {
        made.insert(at, result);
        while let Some(result) = made.remove(&taken) {
            take(result.map_err(F::from)?)?;
            taken += 1;
            window.advance(taken);
        }
    }
    Ok(())
}

/// How many items were taken, for the threads to wait on; or that no more are wanted.
#[derive(Default)]
struct Window {
    state: Mutex<(usize, bool)>,
    moved: Condvar,
}

impl Window {
    /// Waits until item `at` is within [`AHEAD`] of the items taken; false when the
    /// caller stopped.
    fn wait_for(&self, at: usize) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while !state.1 && at >= state.0 + AHEAD {
            state = self.moved.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        !state.1
    }

    fn advance(&self, taken: usize) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).0 = taken;
        self.moved.notify_all();
    }

    fn stop(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).1 = true;
        self.moved.notify_all();
    }
}

struct StopOnDrop<'a>(&'a Window);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::make_in_order;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn items_are_taken_in_order_whatever_the_threads() {
        for threads in [1, 2, 3, 8] {
            let mut taken = Vec::new();
            let result: Result<(), ()> = make_in_order::<_, (), ()>(
                500,
                threads,
                |at| {
                    // Uneven work, so that threads finish out of order.
                    if at % 7 == 0 {
                        std::thread::sleep(std::time::Duration::from_micros(200));
                    }
                    Ok(at * 2)
                },
                |item| {
                    taken.push(item);
                    Ok(())
                },
            );
            assert_eq!(result, Ok(()));
            assert_eq!(taken, (0..500).map(|at| at * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn the_first_error_in_item_order_is_returned_and_nothing_after_it_taken() {
        let mut taken = Vec::new();
        let result = make_in_order::<_, usize, usize>(
            300,
            4,
            |at| {
                if at == 120 {
                    // Later than the other failure: item order decides, not time.
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                if at == 120 || at == 121 {
                    Err(at)
                } else {
                    Ok(at)
                }
            },
            |item| {
                taken.push(item);
                Ok(())
            },
        );
        assert_eq!(result, Err(120));
        assert_eq!(taken, (0..120).collect::<Vec<_>>());
    }

    #[test]
    fn an_error_while_taking_stops_the_threads() {
        let made = AtomicUsize::new(0);
        let result = make_in_order::<_, usize, usize>(
            100_000,
            2,
            |at| {
                made.fetch_add(1, Ordering::Relaxed);
                Ok::<_, usize>(at)
            },
            |item| if item == 10 { Err(item) } else { Ok(()) },
        );
        assert_eq!(result, Err(10));
        // The threads stop soon after: they never run far past the item being taken.
        assert!(made.load(Ordering::Relaxed) < 10 + 2 * super::AHEAD + 8);
    }

    #[test]
    fn threads_never_run_more_than_the_window_ahead() {
        let made = AtomicUsize::new(0);
        let mut most_ahead = 0;
        let mut taken = 0;
        let result: Result<(), ()> = make_in_order::<_, (), ()>(
            2_000,
            4,
            |_| {
                made.fetch_add(1, Ordering::SeqCst);
                Ok(())
            },
            |()| {
                taken += 1;
                most_ahead = most_ahead.max(made.load(Ordering::SeqCst) - taken);
                Ok(())
            },
        );
        assert_eq!(result, Ok(()));
        assert!(most_ahead <= super::AHEAD + 4, "{most_ahead}");
    }
}
