//! Each participant's first session among more participants than memory should hold.
//!
//! A report keeps an index of participants in memory up to a budget. Past it, every
//! session's (participant, start, place) goes into sorted runs in anonymous temporary
//! files, which are merged once every file has been read: each participant's first
//! session is then marked in a bitmap by its place (one bit per session), and the files
//! are read a second time counting the marked ones. Memory stays the budget, a run
//! buffer and the bitmap, however many participants there are.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};

/// One session as the merge needs it: who (a digest), when it started, where it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Record {
    pub who: (u64, u64),
    pub started: i64,
    pub place: u64,
}

const RECORD_BYTES: usize = 32;

impl Record {
    fn write(&self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(&self.who.0.to_le_bytes())?;
        out.write_all(&self.who.1.to_le_bytes())?;
        out.write_all(&self.started.to_le_bytes())?;
        out.write_all(&self.place.to_le_bytes())
    }

    fn read(from: &mut impl Read) -> io::Result<Option<Record>> {
        let mut bytes = [0u8; RECORD_BYTES];
        match from.read_exact(&mut bytes) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
        }
        let word = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&bytes[i * 8..i * 8 + 8]);
            w
        };
        Ok(Some(Record {
            who: (u64::from_le_bytes(word(0)), u64::from_le_bytes(word(1))),
            started: i64::from_le_bytes(word(2)),
            place: u64::from_le_bytes(word(3)),
        }))
    }
}

/// Every session's record, a buffer in memory and sorted runs on disk.
pub struct Runs {
    buffer: Vec<Record>,
    capacity: usize,
    files: Vec<File>,
}

impl Runs {
    /// Holds `capacity` records in memory before writing a run.
    pub fn new(capacity: usize) -> Self {
        Runs {
            buffer: Vec::new(),
            capacity: capacity.max(1),
            files: Vec::new(),
        }
    }

    pub fn push(&mut self, record: Record) -> io::Result<()> {
        self.buffer.push(record);
        if self.buffer.len() >= self.capacity {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> io::Result<()> {
        self.buffer.sort_unstable();
        let mut file = BufWriter::new(tempfile::tempfile()?);
        for record in &self.buffer {
            record.write(&mut file)?;
        }
        let mut file = file.into_inner().map_err(|e| e.into_error())?;
        file.rewind()?;
        self.files.push(file);
        self.buffer.clear();
        Ok(())
    }

    /// Each participant's first session and how many each has, from every record.
    pub fn firsts(mut self) -> io::Result<Firsts> {
        self.spill()?;
        let mut readers: Vec<BufReader<File>> =
            self.files.into_iter().map(BufReader::new).collect();
        let mut heap = BinaryHeap::new();
        for (i, reader) in readers.iter_mut().enumerate() {
            if let Some(record) = Record::read(reader)? {
                heap.push(Reverse((record, i)));
            }
        }
        let mut firsts = Firsts::default();
        let mut current: Option<(Record, u32)> = None;
        while let Some(Reverse((record, i))) = heap.pop() {
            if let Some(next) = Record::read(&mut readers[i])? {
                heap.push(Reverse((next, i)));
            }
            current = match current {
                Some((first, n)) if first.who == record.who => Some((first, n + 1)),
                done => {
                    firsts.close(done);
                    Some((record, 1))
                }
            };
        }
        firsts.close(current);
        firsts.repeated.sort_unstable();
        Ok(firsts)
    }
}

/// Which places hold a participant's first session, and how many sessions those with
/// more than one have.
#[derive(Debug, Default)]
pub struct Firsts {
    bits: Vec<u64>,
    /// (place of the first session, sessions), sorted by place.
    repeated: Vec<(u64, u32)>,
}

impl Firsts {
    fn close(&mut self, done: Option<(Record, u32)>) {
        let Some((first, sessions)) = done else {
            return;
        };
        let (word, bit) = ((first.place / 64) as usize, first.place % 64);
        if self.bits.len() <= word {
            self.bits.resize(word + 1, 0);
        }
        self.bits[word] |= 1 << bit;
        if sessions > 1 {
            self.repeated.push((first.place, sessions));
        }
    }

    /// Whether the session read at `place` is its participant's first.
    pub fn is_first(&self, place: u64) -> bool {
        let word = self.bits.get((place / 64) as usize).copied().unwrap_or(0);
        word & (1 << (place % 64)) != 0
    }

    /// How many sessions the participant whose first session was read at `place` has,
    /// if more than one.
    pub fn sessions(&self, place: u64) -> Option<u32> {
        let at = self.repeated.binary_search_by_key(&place, |r| r.0).ok()?;
        Some(self.repeated[at].1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn firsts_are_found_across_runs_with_their_counts() {
        let record = |who: u64, started: i64, place: u64| Record {
            who: (who, !who),
            started,
            place,
        };
        // Three runs of two: participant 7 three times, 3 once, 5 twice (same start:
        // the one read first is first).
        let mut runs = Runs::new(2);
        for r in [
            record(7, 300, 0),
            record(3, 50, 1),
            record(7, 100, 2),
            record(5, 10, 3),
            record(5, 10, 4),
            record(7, 200, 5),
        ] {
            runs.push(r).expect("pushed");
        }
        let firsts = runs.firsts().expect("merged");
        let marked: Vec<u64> = (0..8).filter(|p| firsts.is_first(*p)).collect();
        assert_eq!(marked, [1, 2, 3]);
        assert_eq!(firsts.sessions(2), Some(3));
        assert_eq!(firsts.sessions(3), Some(2));
        assert_eq!(firsts.sessions(1), None);
    }
}
