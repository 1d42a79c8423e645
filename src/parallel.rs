//! Two halves of one piece of work at once.
//!
//! On a large input several stages do the same work on two halves that do
//! not depend on each other: decoding a single-byte encoding, splitting the
//! text into units, counting words. [`join`] runs the second half on a
//! scoped thread while the calling thread does the first. Without a thread
//! to be had (a process or memory limit) the calling thread does both, one
//! after the other, so that what a stage computes never depends on whether
//! the thread could start.

use std::sync::Mutex;

/// Runs `first` on the calling thread and `second` on another one, and
/// returns both results. A panic in `second` is a bug, passed on as it is.
pub(crate) fn join<A, B>(first: impl FnOnce() -> A, second: impl FnOnce() -> B + Send) -> (A, B)
where
    B: Send,
{
    // The thread takes `second` out of the slot when it starts; if it never
    // starts, the slot still holds it for the calling thread.
    let slot = Mutex::new(Some(second));
    let take = || slot.lock().ok().and_then(|mut work| work.take());
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new().spawn_scoped(scope, || take().map(|work| work()));
        let a = first();
        let b = match spawned {
            Ok(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => None,
        };
        let b = match b {
            Some(b) => b,
            // The thread did not start: nothing has taken the work yet.
            None => take()
                .map(|work| work())
                .expect("the work is still in its slot"),
        };
        (a, b)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_results_come_back_in_order() {
        let data: Vec<u64> = (1..=1000).collect();
        let (low, high) = data.split_at(500);
        let (a, b) = join(|| low.iter().sum::<u64>(), || high.iter().sum::<u64>());
        assert_eq!((a, b), (125_250, 375_250));
    }

    #[test]
    #[should_panic(expected = "second half failed")]
    fn a_panic_in_the_second_half_reaches_the_caller() {
        join(|| 1, || -> u32 { panic!("second half failed") });
    }
}
