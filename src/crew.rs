//! Crew: a second thread that stays with one render from start to end and shares each
//! per-item stage (render each template, parse each text, check and emit each document)
//! with the calling thread. Every stage's results come back in item order, so the output
//! is a one-thread run's, byte for byte.
//!
//! Why one thread for the whole render rather than one per stage ([`crate::parallel`]):
//! on the 2-core virtual machine a new thread starts on its parent's core, Linux moves one
//! of the two to the idle core only at a later balancing tick (1–3 ms on), and waking an
//! idle core takes up to a millisecond. So the crew's thread is started before the values
//! are computed, leaves the caller's core at once, and waits for work spinning (its core
//! awake), never sleeping while the render lasts. The caller never waits for it to start:
//! it takes items from the first, and waits at a stage's end only for an item the other
//! thread is in the middle of.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The crew of one render: the calling thread and, with two cores or more, one more.
pub struct Crew {
    shared: Option<Arc<Shared>>,
}

/// What the two threads share: the stage on offer (with a number, so that the second
/// thread joins each stage once), and whether the render is over.
struct Shared {
    offer: Mutex<Option<Arc<dyn Job>>>,
    number: AtomicUsize,
    closed: AtomicBool,
}

/// A stage: items to take, one at a time, until none is left.
trait Job: Send + Sync {
    /// Takes and runs items until none is left.
    fn work(&self);
    /// Counts a thread in before it takes items, out when it has stored its last result
    /// and let go of the stage (so that the caller, seeing none busy, holds the last
    /// reference to what the stage's function holds).
    fn busy(&self) -> Arc<AtomicUsize>;
}

/// How long the second thread spins between stages before it sleeps between looks (a
/// long stretch of one-thread work: a huge values file, a large stream's checks).
const SPIN: Duration = Duration::from_millis(20);

impl Crew {
    /// The crew: the second thread is started (and moved off this core) when there are two
    /// cores or more.
    pub fn start() -> Self {
        Self::of(crate::parallel::cores().min(2))
    }

    /// A crew of `threads` threads (1 or 2), this one included.
    pub fn of(threads: usize) -> Self {
        if threads < 2 {
            return Crew { shared: None };
        }
        let shared = Arc::new(Shared {
            offer: Mutex::new(None),
            number: AtomicUsize::new(0),
            closed: AtomicBool::new(false),
        });
        let theirs = shared.clone();
        let here = this_cpu();
        let started = std::thread::Builder::new()
            .name("crew".into())
            // As deep as the main thread's stack (Linux's default 8 MiB, reserved, not
            // used): a stage's work is the same on either thread.
            .stack_size(8 << 20)
            .spawn(move || {
                leave(here);
                second(&theirs, here);
            });
        // Without the thread (the system refused one), this one does everything.
        Crew {
            shared: started.is_ok().then_some(shared),
        }
    }

    /// Whether a second thread shares the work.
    pub fn is_pair(&self) -> bool {
        self.shared.is_some()
    }

    /// `items.into_iter().map(f).collect()`, the items shared between the crew's threads.
    pub fn map<T, R>(&self, items: Vec<T>, f: impl Fn(T) -> R + Send + Sync + 'static) -> Vec<R>
    where
        T: Send + 'static,
        R: Send + 'static,
    {
        self.offer(items, f).finish()
    }

    /// Puts a stage on offer to the second thread and returns at once: this thread can do
    /// other work while the second one takes items, then takes the rest in
    /// [`Stage::finish`].
    pub fn offer<T, R>(
        &self,
        items: Vec<T>,
        f: impl Fn(T) -> R + Send + Sync + 'static,
    ) -> Stage<T, R>
    where
        T: Send + 'static,
        R: Send + 'static,
    {
        let job = Arc::new(Items {
            next: AtomicUsize::new(0),
            busy: Arc::new(AtomicUsize::new(0)),
            results: items.iter().map(|_| Mutex::new(None)).collect(),
            items: items.into_iter().map(|t| Mutex::new(Some(t))).collect(),
            f: Box::new(f),
        });
        if let Some(shared) = &self.shared {
            *lock(&shared.offer) = Some(job.clone());
            shared.number.fetch_add(1, Ordering::SeqCst);
        }
        Stage {
            job,
            shared: self.shared.clone(),
        }
    }
}

impl Drop for Crew {
    fn drop(&mut self) {
        if let Some(shared) = &self.shared {
            // The second thread ends at its next look; nothing waits for it.
            *lock(&shared.offer) = None;
            shared.closed.store(true, Ordering::SeqCst);
        }
    }
}

/// A stage on offer; [`Stage::finish`] takes what is left and returns every result in item
/// order. Dropped unfinished (an error elsewhere), it takes nothing more.
pub struct Stage<T, R> {
    job: Arc<Items<T, R>>,
    shared: Option<Arc<Shared>>,
}

impl<T: Send + 'static, R: Send + 'static> Stage<T, R> {
    /// Every result, in item order, once every item is done.
    pub fn finish(self) -> Vec<R> {
        self.job.work();
        // Every item is taken; wait for those the other thread is in the middle of.
        while self.job.busy.load(Ordering::SeqCst) != 0 {
            std::hint::spin_loop();
        }
        // Off offer, if it still is: the crew holds no reference to the stage any more. (A
        // stage offered later replaces it on offer; what the second thread did not take
        // of it, this one did above.)
        if let Some(shared) = &self.shared {
            let mut offer = lock(&shared.offer);
            if offer
                .as_ref()
                .is_some_and(|o| std::ptr::addr_eq(Arc::as_ptr(o), Arc::as_ptr(&self.job)))
            {
                offer.take();
            }
        }
        self.job
            .results
            .iter()
            .map(|r| {
                lock(r).take().expect(
                    "every item was taken, and each taker stores its result unless it panicked",
                )
            })
            .collect()
    }
}

impl<T, R> Drop for Stage<T, R> {
    fn drop(&mut self) {
        // Unfinished: no more items to take (finished: none were left anyway).
        self.job.next.store(usize::MAX / 2, Ordering::SeqCst);
    }
}

/// A stage's items, each taken once, and their results.
struct Items<T, R> {
    next: AtomicUsize,
    busy: Arc<AtomicUsize>,
    items: Vec<Mutex<Option<T>>>,
    results: Vec<Mutex<Option<R>>>,
    f: Box<dyn Fn(T) -> R + Send + Sync>,
}

impl<T: Send, R: Send> Job for Items<T, R> {
    fn work(&self) {
        loop {
            let index = self.next.fetch_add(1, Ordering::SeqCst);
            let Some(slot) = self.items.get(index) else {
                return;
            };

            if let Some(item) = lock(slot).take() {
                let result = (self.f)(item);
                *lock(&self.results[index]) = Some(result);
            }
        }
    }

    fn busy(&self) -> Arc<AtomicUsize> {
        self.busy.clone()
    }
}

/// The second thread: joins each stage offered, until the crew is dropped. `caller`: the
/// core the calling thread was on. Never inlined (it runs once per process), so that the
/// release binary always has it by name: scripts/hot-functions.sh and a repository test
/// look for it to know that the second thread's path was profiled.
#[inline(never)]
fn second(shared: &Shared, caller: Option<usize>) {
    let mut seen = 0;
    let mut idle = Instant::now();
    loop {
        if shared.closed.load(Ordering::SeqCst) {
            return;
        }
        let number = shared.number.load(Ordering::SeqCst);
        if number != seen {
            seen = number;
            let job = lock(&shared.offer).clone();
            if let Some(job) = job {
                // Counted in before taking an item: the caller, done with its own, sees an
                // item in the middle of being made as `busy`.
                let busy = job.busy();
                busy.fetch_add(1, Ordering::SeqCst);
                // A panic ends a release build's process (panic = abort); in a test build
                // it ends this thread, and the caller, finding an item without its result,
                // panics too rather than wait for it.
                let worked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job.work()));
                drop(job);
                busy.fetch_sub(1, Ordering::SeqCst);
                if worked.is_err() {
                    return;
                }
            }
            idle = Instant::now();
        } else if idle.elapsed() < SPIN {
            // Spinning on the caller's core would take turns from it (the move refused,
            // or no way to know the core): there, only give way.
            if caller.is_some() && this_cpu() != caller {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        } else {
            std::thread::sleep(Duration::from_micros(200));
        }
    }
}

/// The mutex's data; a panic while holding one ends the process (panic = abort), so a
/// poisoned lock is still whole.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The core this thread runs on, where known.
fn this_cpu() -> Option<usize> {
    #[cfg(target_os = "linux")]
    return Some(rustix::thread::sched_getcpu());
    #[cfg(not(target_os = "linux"))]
    return None;
}

/// Moves this thread off core `cpu`, to the others it may run on.
fn leave(cpu: Option<usize>) {
    #[cfg(target_os = "linux")]
    if let Some(cpu) = cpu
        && let Ok(mut allowed) = rustix::thread::sched_getaffinity(None)
        && allowed.is_set(cpu)
        && allowed.count() > 1
    {
        allowed.unset(cpu);
        // A refusal (a seccomp filter, say) leaves the thread where it is: slower, the same
        // output.
        let _ = rustix::thread::sched_setaffinity(None, &allowed);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = cpu;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_item_order_with_one_thread_or_two() {
        for threads in [1, 2] {
            let crew = Crew::of(threads);
            for n in [0, 1, 2, 7, 100, 1000] {
                let items: Vec<usize> = (0..n).collect();
                assert_eq!(
                    crew.map(items.clone(), |x| x * 3),
                    items.iter().map(|x| x * 3).collect::<Vec<_>>()
                );
            }
        }
    }

    #[test]
    fn both_threads_take_items_and_each_item_is_taken_once() {
        let crew = Crew::of(2);
        if !crew.is_pair() {
            return;
        }
        let taken = Arc::new(AtomicUsize::new(0));
        let counter = taken.clone();
        // Slow items, so that the second thread, spinning, joins in.
        let threads = crew.map((0..200).collect::<Vec<usize>>(), move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_micros(100));
            std::thread::current().id()
        });
        assert_eq!(taken.load(Ordering::SeqCst), 200);
        let distinct: std::collections::HashSet<_> = threads.iter().collect();
        assert_eq!(distinct.len(), 2, "both threads took items");
    }

    #[test]
    fn a_panic_on_the_second_thread_fails_the_caller_rather_than_hang() {
        let crew = Crew::of(2);
        if !crew.is_pair() {
            return;
        }
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            crew.map((0..400).collect::<Vec<u32>>(), |x| {
                // Slow items, so that the second thread joins in, and panics.
                std::thread::sleep(Duration::from_micros(200));
                assert!(std::thread::current().name() != Some("crew"), "item {x}");
                x
            })
        }));
        assert!(run.is_err());
    }

    #[test]
    fn a_later_offer_replaces_an_earlier_one_and_both_finish() {
        for threads in [1, 2] {
            let crew = Crew::of(threads);
            let first = crew.offer((0..30).collect::<Vec<u32>>(), |x| x + 1);
            let second = crew.offer((0..30).collect::<Vec<u32>>(), |x| x * 2);
            assert_eq!(
                second.finish(),
                (0..30).map(|x| x * 2).collect::<Vec<u32>>()
            );
            assert_eq!(first.finish(), (1..31).collect::<Vec<u32>>());
        }
    }

    #[test]
    fn an_offered_stage_runs_beside_other_work_and_a_dropped_one_stops() {
        let crew = Crew::of(2);
        let stage = crew.offer((0..50).collect::<Vec<u64>>(), |x| x * x);
        let other: u64 = (0..1000).sum();
        assert_eq!(other, 499_500);
        assert_eq!(stage.finish(), (0..50).map(|x| x * x).collect::<Vec<u64>>());
        // A stage dropped unfinished: the crew goes on with the next.
        drop(crew.offer((0..50).collect::<Vec<u64>>(), |x| x + 1));
        assert_eq!(crew.map(vec![1, 2], |x: u64| x + 1), vec![2, 3]);
    }
}
