//! Reading many session files on every core, handing them over one at a time, in order.

use std::path::{Path, PathBuf};

use super::{ReadError, Session, read};

/// Sessions read ahead at most; memory stays bounded whatever the number of files.
const CHUNK: usize = 256;

/// Calls `visit` with each file and what reading it gave, in the order of `files`.
/// Files are parsed on worker threads, a chunk at a time.
pub fn for_each(files: &[PathBuf], mut visit: impl FnMut(&Path, Result<Session, ReadError>)) {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    for chunk in files.chunks(CHUNK) {
        let mut results: Vec<Option<Result<Session, ReadError>>> =
            (0..chunk.len()).map(|_| None).collect();
        std::thread::scope(|scope| {
            let lanes: Vec<_> = (0..workers)
                .map(|lane| scope.spawn(move || read_lane(chunk, lane, workers)))
                .collect();
            for lane in lanes {
                // A worker only panics on a bug; its files are then read here instead.
                for (i, result) in lane.join().unwrap_or_default() {
                    results[i] = Some(result);
                }
            }
        });
        for (file, result) in chunk.iter().zip(results) {
            visit(file, result.unwrap_or_else(|| read(file)));
        }
    }
}

fn read_lane(
    chunk: &[PathBuf],
    lane: usize,
    lanes: usize,
) -> Vec<(usize, Result<Session, ReadError>)> {
    chunk
        .iter()
        .enumerate()
        .skip(lane)
        .step_by(lanes)
        .map(|(i, file)| (i, read(file)))
        .collect()
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
}
