//! Parallel map over the cores: the pipeline's per-file and per-document stages (parse,
//! validate) split their items into one contiguous chunk per core and keep the order, so
//! the output is the same as a sequential run, byte for byte.

use std::thread;

/// Below this many items a stage runs on the calling thread (a thread costs more).
const MIN_PARALLEL: usize = 8;

/// `items.iter().map(f).collect()`, on up to `available_parallelism()` threads.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || items.len() < MIN_PARALLEL {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .skip(1)
            .map(|part| s.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        // The first chunk on this thread while the others run.
        let mut out: Vec<R> = items[..chunk.min(items.len())].iter().map(f).collect();
        for h in handles {
            match h.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_at_every_size() {
        for n in [0, 1, 7, 8, 9, 100, 1001] {
            let items: Vec<usize> = (0..n).collect();
            assert_eq!(
                map(&items, |x| x * 2),
                items.iter().map(|x| x * 2).collect::<Vec<_>>()
            );
        }
    }
}
