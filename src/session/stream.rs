//! Reading many session files on every core, handing the results over in order.
//!
//! Workers take the next few files from one shared iterator, read and parse each, and
//! run the caller's per-session work on them (a report's tally, a review's row), so the
//! heavy part of every session runs on all cores. The caller's thread gets the results
//! in the files' order, whatever the scheduling, and folds them in. Workers never run
//! more than a few batches ahead of the fold, so memory holds a bounded number of
//! sessions whatever the number of files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};

use super::discover::Found;
use super::{ReadError, Session, read};

/// Files a worker takes at once: enough to make the hand-over cheap, few enough to
/// keep both cores busy to the end.
const BATCH: usize = 32;
/// Batches read ahead of the fold, per worker.
const AHEAD: u64 = 4;

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
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let shared = Shared {
        files: Mutex::new((files, 0)),
        visited: Mutex::new(0),
        moved: Condvar::new(),
        window: AHEAD * workers as u64,
    };
    let (send, receive) = mpsc::channel::<(u64, Vec<T>)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let send = send.clone();
            let (shared, work) = (&shared, &work);
            scope.spawn(move || shared.run(work, send));
        }
        drop(send);
        // Should folding panic, no worker may be left waiting for it to move.
        let _release = Release(&shared);
        let mut waiting: BTreeMap<u64, Vec<T>> = BTreeMap::new();
        let mut next = 0u64;
        for (batch, results) in receive {
            waiting.insert(batch, results);
            while let Some(results) = waiting.remove(&next) {
                results.into_iter().for_each(&mut visit);
                next += 1;
                shared.advance(next);
            }
        }
    });
}

struct Release<'a, I>(&'a Shared<I>);

impl<I> Drop for Release<'_, I> {
    fn drop(&mut self) {
        *self.0.visited.lock().unwrap_or_else(|e| e.into_inner()) = u64::MAX / 2;
        self.0.moved.notify_all();
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

impl<I: Iterator<Item = Found>> Shared<I> {
    fn run<T>(
        &self,
        work: &(impl Fn(Found, Result<Session, ReadError>) -> T + Sync),
        send: mpsc::Sender<(u64, Vec<T>)>,
    ) {
        while let Some((batch, files)) = self.take() {
            self.wait_for(batch);
            let results = files.into_iter().map(|f| one(f, work)).collect();
            if send.send((batch, results)).is_err() {
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

    fn advance(&self, visited: u64) {
        *self.visited.lock().unwrap_or_else(|e| e.into_inner()) = visited;
        self.moved.notify_all();
    }
}

/// One file read and worked on. A panic is a bug, but it costs one file, not the run:
/// the file is handed to `work` again as unreadable, with why.
fn one<T>(found: Found, work: &(impl Fn(Found, Result<Session, ReadError>) -> T + Sync)) -> T {
    let again = found.clone();
    let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let read = read(&found.path);
        work(found, read)
    }));
    attempt.unwrap_or_else(|_| {
        let message = format!(
            "{}: mvx failed while reading it (a bug; please report it)",
            crate::text::printable(&again.path.display().to_string())
        );
        work(again, Err(ReadError { message }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// Work that is slow on some files still comes back in order, and workers never
    /// run more than their window ahead of the fold.
    #[test]
    fn uneven_work_comes_back_in_order_within_the_window() {
        let dir = tempfile::tempdir().expect("temp dir");
        let found: Vec<Found> = (0..1000u64)
            .map(|i| Found {
                path: dir.path().join(format!("{i:04}.yaml")),
                index: i,
                notes: false,
            })
            .collect();
        let folded = std::sync::atomic::AtomicU64::new(0);
        let mut seen = Vec::new();
        let furthest = std::sync::atomic::AtomicU64::new(0);
        map_each(
            found.into_iter(),
            |f, _| {
                if f.index % 97 == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(3));
                }
                let ahead = f
                    .index
                    .saturating_sub(folded.load(std::sync::atomic::Ordering::SeqCst));
                furthest.fetch_max(ahead, std::sync::atomic::Ordering::SeqCst);
                f.index
            },
            |i| {
                seen.push(i);
                folded.store(i + 1, std::sync::atomic::Ordering::SeqCst);
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
}
