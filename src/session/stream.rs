//! Reading many session files on every core, handing the results over in order.
//!
//! Workers take a few files at a time from one shared iterator, read and parse them,
//! and do the caller's work on them in two stages around one question answered on the
//! caller's thread: first each batch is summed up (a report: who each session is), the
//! caller answers for each batch in file order (which sessions count), then the worker
//! finishes the batch with the answer (tallies the counted sessions together) and the
//! caller folds the results in, in file order, whatever the scheduling. Workers never
//! run more than a few batches ahead of the fold, so memory holds a bounded number of
//! sessions whatever the number of files, and the caller's thread does little: the
//! heavy part of every session runs on all cores.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Condvar, Mutex};

use super::discover::Found;
use super::{ReadError, Session, read};

/// Files a worker takes at once: enough to make the hand-over cheap, few enough to
/// keep both cores busy to the end.
const BATCH: usize = 128;
/// Batches read ahead of the fold, per worker.
const AHEAD: u64 = 4;

/// A batch as read: each file and what reading it gave.
pub type Batch = Vec<(Found, Result<Session, ReadError>)>;

/// Calls `visit` with each file and what reading it gave, in the order of `files`.
pub fn for_each(files: &[PathBuf], mut visit: impl FnMut(&Path, Result<Session, ReadError>)) {
    let found = files.iter().enumerate().map(|(i, path)| Found {
        path: path.clone(),
        index: i as u64,
        notes: false,
    });
    map_each(
        found,
        |f, read| (f.path, read),
        |(path, read)| visit(&path, read),
    );
}

/// Reads each file of `files` on worker threads, turns it into a `T` there with `work`,
/// and calls `visit` with each `T` on this thread, in the order of `files`.
pub fn map_each<T: Send>(
    files: impl Iterator<Item = Found> + Send,
    work: impl Fn(Found, Result<Session, ReadError>) -> T + Sync,
    mut visit: impl FnMut(T),
) {
    in_two_stages(
        files,
        |batch: Batch| ((), batch),
        |()| (),
        |batch, ()| {
            let done: Vec<T> = batch.into_iter().map(|(f, r)| work(f, r)).collect();
            done
        },
        |done| done.into_iter().for_each(&mut visit),
    );
}

/// Reads `files` a batch at a time on worker threads. For each batch, in file order:
/// `sum_up` runs on the worker and gives a question `Q` and what it keeps `K`; `answer`
/// runs here, in batch order, and gives `A`; `finish` runs on the worker with `K` and
/// `A` and gives `T`; `visit` gets each `T` here, in batch order.
pub fn in_two_stages<Q: Send, K, A: Send, T: Send>(
    files: impl Iterator<Item = Found> + Send,
    sum_up: impl Fn(Batch) -> (Q, K) + Sync,
    mut answer: impl FnMut(Q) -> A,
    finish: impl Fn(K, A) -> T + Sync,
    mut visit: impl FnMut(T),
) {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let shared = Shared {
        files: Mutex::new((files, 0)),
        visited: Mutex::new(0),
        moved: Condvar::new(),
        window: AHEAD * workers as u64,
    };
    let (send, receive) = mpsc::channel::<Message<Q, A, T>>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let send = send.clone();
            let (shared, sum_up, finish) = (&shared, &sum_up, &finish);
            scope.spawn(move || shared.work(sum_up, finish, send));
        }
        drop(send);
        // Should answering or folding panic, no worker may be left waiting for it.
        let _release = Release(&shared);
        let mut asked: BTreeMap<u64, (Q, Sender<A>)> = BTreeMap::new();
        let mut done: BTreeMap<u64, T> = BTreeMap::new();
        let (mut next_answer, mut next_visit) = (0u64, 0u64);
        for message in receive {
            match message {
                Message::Ask(batch, question, reply) => {
                    asked.insert(batch, (question, reply));
                }
                Message::Done(batch, result) => {
                    done.insert(batch, result);
                }
            }
            while let Some((question, reply)) = asked.remove(&next_answer) {
                // A worker gone (it panicked) cannot take its answer; the rest go on.
                let _ = reply.send(answer(question));
                next_answer += 1;
            }
            while let Some(result) = done.remove(&next_visit) {
                visit(result);
                next_visit += 1;
                shared.advance(next_visit);
            }
        }
    });
}

enum Message<Q, A, T> {
    Ask(u64, Q, Sender<A>),
    Done(u64, T),
}

struct Release<'a, I>(&'a Shared<I>);

impl<I> Drop for Release<'_, I> {
    fn drop(&mut self) {
        self.0.advance(u64::MAX / 2);
    }
}

struct ReleaseOnPanic<'a, I>(&'a Shared<I>);

impl<I> Drop for ReleaseOnPanic<'_, I> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.advance(u64::MAX / 2);
        }
    }
}

struct Shared<I> {
    /// The files, and the number of the next batch taken from them.
    files: Mutex<(I, u64)>,
    /// Batches folded so far.
    visited: Mutex<u64>,
    moved: Condvar,
    window: u64,
}

impl<I> Shared<I> {
    fn advance(&self, visited: u64) {
        *self.visited.lock().unwrap_or_else(|e| e.into_inner()) = visited;
        self.moved.notify_all();
    }
}

impl<I: Iterator<Item = Found>> Shared<I> {
    fn work<Q, K, A, T>(
        &self,
        sum_up: &impl Fn(Batch) -> (Q, K),
        finish: &impl Fn(K, A) -> T,
        send: Sender<Message<Q, A, T>>,
    ) {
        // A panic here is a bug, and the run ends with it (the scope passes it on): the
        // others must not be left waiting for this worker's batch to be folded.
        let _release = ReleaseOnPanic(self);
        while let Some((batch, files)) = self.take() {
            self.wait_for(batch);
            let read: Batch = files
                .into_iter()
                .map(|f| {
                    let result = read_one(&f.path);
                    (f, result)
                })
                .collect();
            let (question, kept) = sum_up(read);
            let (reply, answered): (Sender<A>, Receiver<A>) = mpsc::channel();
            if send.send(Message::Ask(batch, question, reply)).is_err() {
                return;
            }
            let Ok(answer) = answered.recv() else {
                return;
            };
            if send
                .send(Message::Done(batch, finish(kept, answer)))
                .is_err()
            {
                return;
            }
        }
    }

    fn take(&self) -> Option<(u64, Vec<Found>)> {
        let mut guard = self.files.lock().unwrap_or_else(|e| e.into_inner());
        let (files, next) = &mut *guard;
        let batch: Vec<Found> = files.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            return None;
        }
        *next += 1;
        Some((*next - 1, batch))
    }

    /// Holds a worker back while its batch is too far ahead of the fold.
    fn wait_for(&self, batch: u64) {
        let mut visited = self.visited.lock().unwrap_or_else(|e| e.into_inner());
        while batch >= *visited + self.window {
            visited = self.moved.wait(visited).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// One file read. A panic is a bug, but it costs one file, not the run.
fn read_one(path: &Path) -> Result<Session, ReadError> {
    std::panic::catch_unwind(|| read(path)).unwrap_or_else(|_| {
        Err(ReadError {
            message: format!(
                "{}: mvx failed while reading it (a bug; please report it)",
                crate::text::printable(&path.display().to_string())
            ),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn hands_every_file_over_once_in_order() {
        let dir = tempfile::tempdir().expect("temp dir");
        let files: Vec<PathBuf> = (0..600)
            .map(|i| {
                let path = dir.path().join(format!("{i:03}.yaml"));
                std::fs::write(&path, "not a session").expect("written");
                path
            })
            .collect();
        let mut seen = Vec::new();
        for_each(&files, |file, result| {
            assert!(result.is_err());
            seen.push(file.to_owned());
        });
        assert_eq!(seen, files);
    }

    fn found(dir: &Path, n: u64) -> impl Iterator<Item = Found> + Send {
        let dir = dir.to_owned();
        (0..n).map(move |i| Found {
            path: dir.join(format!("{i:04}.yaml")),
            index: i,
            notes: false,
        })
    }

    /// Work that is slow on some files still comes back in order, and workers never
    /// run more than their window ahead of the fold.
    #[test]
    fn uneven_work_comes_back_in_order_within_the_window() {
        let dir = tempfile::tempdir().expect("temp dir");
        let folded = AtomicU64::new(0);
        let furthest = AtomicU64::new(0);
        let mut seen = Vec::new();
        map_each(
            found(dir.path(), 1000),
            |f, _| {
                if f.index % 97 == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(3));
                }
                let ahead = f.index.saturating_sub(folded.load(Ordering::SeqCst));
                furthest.fetch_max(ahead, Ordering::SeqCst);
                f.index
            },
            |i| {
                seen.push(i);
                folded.store(i + 1, Ordering::SeqCst);
            },
        );
        assert_eq!(seen, (0..1000).collect::<Vec<_>>());
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8) as u64;
        let limit = (AHEAD * workers + 1) * BATCH as u64;
        assert!(
            furthest.into_inner() <= limit,
            "read too far ahead of the fold"
        );
    }

    /// Questions are answered in file order, each answer reaches the batch that asked,
    /// and results come back in order.
    #[test]
    fn answers_come_in_order_and_reach_their_batch() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut answered = Vec::new();
        let mut visited = Vec::new();
        in_two_stages(
            found(dir.path(), 500),
            |batch: Batch| {
                let indexes: Vec<u64> = batch.iter().map(|(f, _)| f.index).collect();
                if indexes[0].is_multiple_of(64) {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                (indexes.clone(), indexes)
            },
            |question: Vec<u64>| {
                answered.extend(question.iter().copied());
                question.iter().map(|i| i * 2).collect::<Vec<u64>>()
            },
            |kept: Vec<u64>, answer: Vec<u64>| {
                assert_eq!(answer, kept.iter().map(|i| i * 2).collect::<Vec<_>>());
                kept
            },
            |done| visited.extend(done),
        );
        assert_eq!(answered, (0..500).collect::<Vec<_>>());
        assert_eq!(visited, (0..500).collect::<Vec<_>>());
    }
}
