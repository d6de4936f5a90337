//! Parallel map over the cores: the pipeline's per-file and per-document stages (parse,
//! validate) split their items into one contiguous chunk per core and keep the order, so
//! the output is the same as a sequential run, byte for byte.

use std::thread;

/// Below this many items [`map`] runs on the calling thread. Threads pay only for large
/// streams: on the 2-core machine a whole `render` (27 objects) was no faster on two
/// threads and took a third more CPU time (thread start, a second malloc arena, its page
/// faults), and even 3,000 objects gained under 3 %.
pub const MIN_ITEMS: usize = 256;

/// `items.iter().map(f).collect()`, on up to `available_parallelism()` threads once there
/// are [`MIN_ITEMS`].
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_weighted(items, |_| 1, MIN_ITEMS, f)
}

/// [`map`] with chunks of about equal total `weight` (e.g. text length) rather than of equal
/// item count, so that one large item does not leave the other cores idle; on the calling
/// thread below a total weight of `min_total`.
pub fn map_weighted<T: Sync, R: Send>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    min_total: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let threads = cores();
    if threads < 2 || items.len() < 2 || items.iter().map(&weight).sum::<usize>() < min_total {
        return items.iter().map(f).collect();
    }
    let chunks = split(items, threads, weight);
    let f = &f;
    thread::scope(|s| {
        let handles: Vec<_> = chunks[1..]
            .iter()
            .map(|part| s.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        // The first chunk on this thread while the others run.
        let mut out: Vec<R> = chunks[0].iter().map(f).collect();
        for h in handles {
            match h.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

/// The cores this process may use, asked once (the answer reads cgroup files).
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Up to `n` contiguous, non-empty chunks, in order, of about equal total weight (each
/// item weighs at least 1).
fn split<T>(items: &[T], n: usize, weight: impl Fn(&T) -> usize) -> Vec<&[T]> {
    let weights: Vec<usize> = items.iter().map(|t| weight(t).max(1)).collect();
    let total: usize = weights.iter().sum();
    let mut chunks = Vec::with_capacity(n);
    let (mut start, mut acc) = (0, 0);
    for (i, w) in weights.iter().enumerate() {
        acc += w;
        // Close a chunk once it reaches its share of the whole.
        if acc * n >= total * (chunks.len() + 1) && chunks.len() + 1 < n {
            chunks.push(&items[start..=i]);
            start = i + 1;
        }
    }
    if start < items.len() {
        chunks.push(&items[start..]);
    }
    chunks
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
            assert_eq!(
                map_weighted(&items, |x| x % 7 * 1000, 0, |x| x * 2),
                items.iter().map(|x| x * 2).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn splits_by_weight_in_order() {
        let items = [100, 1, 1, 1, 1, 1, 1, 1, 1, 100];
        // 104 and 104, not five items each.
        let parts = split(&items, 2, |x| *x);
        assert_eq!(parts, [&items[..5], &items[5..]]);
        let skewed = [300, 1, 1, 1, 1, 1, 1, 1, 1, 1];
        assert_eq!(split(&skewed, 2, |x| *x), [&skewed[..1], &skewed[1..]]);
        let parts = split(&items, 3, |x| *x);
        assert_eq!(parts.concat(), items);
        assert!(parts.len() <= 3 && parts.iter().all(|p| !p.is_empty()));
        // Equal weights: equal halves.
        let even = [1; 10];
        assert_eq!(split(&even, 2, |x| *x), [&even[..5], &even[5..]]);
        // More threads than items never gives an empty chunk.
        assert_eq!(split(&even[..2], 8, |x| *x).len(), 2);
    }
}
