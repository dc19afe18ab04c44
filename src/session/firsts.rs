//! Each participant's first session among more participants than memory should hold.
//!
//! A report keeps an index of participants in memory up to a budget. Past it, every
//! session's (participant, start, place) goes into sorted runs in anonymous temporary
//! files, which are merged once every file has been read: each participant's first
//! session is then marked in a bitmap by its place (one bit per session), and the files
//! are read a second time counting the marked ones. Memory stays the budget, a run
//! buffer and the bitmap, however many participants there are. A study's progress keeps
//! who played which variant in the same runs (`study::progress`), and what must be read
//! back for the sessions that count goes into a `Log` beside them, in memory up to a
//! budget and in a temporary file past it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::collections::hash_map::DefaultHasher;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};

/// Records held in memory before a run is written: 4 MB of them.
pub const IN_MEMORY: usize = 1 << 17;

/// One session as the merge needs it: who (a digest), when it started, where it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Record {
    pub who: (u64, u64),
    pub started: i64,
    pub place: u64,
}

const RECORD_BYTES: usize = 32;

/// What a run holds: entries that sort, and write themselves to a run file and read
/// themselves back. The first-session index's `Record`s are one kind; a within study's
/// sessions kept for the pairs, sorted by participant id, another
/// (`report::study::units`).
pub trait Entry: Ord + Clone {
    fn write(&self, out: &mut dyn Write) -> io::Result<()>;
    /// The next entry, or None at the end of the run.
    fn read(from: &mut dyn Read) -> io::Result<Option<Self>>;
}

/// Fills `bytes` from `from`; false at the end of the run (nothing left to read).
pub fn read_or_end(from: &mut dyn Read, bytes: &mut [u8]) -> io::Result<bool> {
    match from.read_exact(bytes) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(e),
    }
}

impl Entry for Record {
    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&self.who.0.to_le_bytes())?;
        out.write_all(&self.who.1.to_le_bytes())?;
        out.write_all(&self.started.to_le_bytes())?;
        out.write_all(&self.place.to_le_bytes())
    }

    fn read(from: &mut dyn Read) -> io::Result<Option<Record>> {
        let mut bytes = [0u8; RECORD_BYTES];
        if !read_or_end(from, &mut bytes)? {
            return Ok(None);
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

/// Every entry pushed (by default the first-session index's records), a buffer in
/// memory and sorted runs on disk: an external merge sort whose merge is read as often
/// as wanted.
#[derive(Debug)]
pub struct Runs<R = Record> {
    buffer: Vec<R>,
    capacity: usize,
    files: Vec<File>,
}

impl<R: Entry> Runs<R> {
    /// Holds `capacity` records in memory before writing a run.
    pub fn new(capacity: usize) -> Self {
        Runs {
            buffer: Vec::new(),
            capacity: capacity.max(1),
            files: Vec::new(),
        }
    }

    pub fn push(&mut self, record: R) -> io::Result<()> {
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

    /// Whether a run was written to disk.
    pub fn on_disk(&self) -> bool {
        !self.files.is_empty()
    }

    /// Every entry pushed so far, in order (a `Record`: participant, then start, then
    /// place): the runs on disk merged with the buffer, which stays in memory. The runs
    /// are kept, so more entries may be pushed and visited again.
    pub fn visit(&mut self, mut each: impl FnMut(R)) -> io::Result<()> {
        self.buffer.sort_unstable();
        let mut readers = Vec::with_capacity(self.files.len());
        for mut file in &self.files {
            file.rewind()?;
            readers.push(BufReader::new(file));
        }
        let mut heap = BinaryHeap::new();
        for (i, reader) in readers.iter_mut().enumerate() {
            if let Some(record) = R::read(reader)? {
                heap.push(Reverse((record, i)));
            }
        }
        // The buffer is one more run, read from memory.
        let from_memory = readers.len();
        let mut buffered = self.buffer.iter();
        if let Some(record) = buffered.next() {
            heap.push(Reverse((record.clone(), from_memory)));
        }
        while let Some(Reverse((record, i))) = heap.pop() {
            let next = match readers.get_mut(i) {
                Some(reader) => R::read(reader)?,
                None => buffered.next().cloned(),
            };
            if let Some(next) = next {
                heap.push(Reverse((next, i)));
            }
            each(record);
        }
        Ok(())
    }
}

impl Runs<Record> {
    /// Each participant's first session and how many each has, from every record.
    pub fn firsts(mut self) -> io::Result<Firsts> {
        let mut firsts = Firsts::default();
        let mut current: Option<(Record, u32)> = None;
        self.visit(|record| {
            current = match current {
                Some((first, n)) if first.who == record.who => Some((first, n + 1)),
                done => {
                    firsts.close(done);
                    Some((record, 1))
                }
            };
        })?;
        firsts.close(current);
        firsts.repeated.sort_unstable();
        Ok(firsts)
    }
}

/// A set of places among the sessions read, one bit each.
#[derive(Debug, Default, Clone)]
pub struct Places(Vec<u64>);

impl Places {
    pub fn insert(&mut self, place: u64) {
        let (word, bit) = ((place / 64) as usize, place % 64);
        if self.0.len() <= word {
            self.0.resize(word + 1, 0);
        }
        self.0[word] |= 1 << bit;
    }

    pub fn contains(&self, place: u64) -> bool {
        let word = self.0.get((place / 64) as usize).copied().unwrap_or(0);
        word & (1 << (place % 64)) != 0
    }
}

/// Which places hold a participant's first session, and how many sessions those with
/// more than one have.
#[derive(Debug, Default)]
pub struct Firsts {
    places: Places,
    /// (place of the first session, sessions), sorted by place.
    repeated: Vec<(u64, u32)>,
}

impl Firsts {
    fn close(&mut self, done: Option<(Record, u32)>) {
        let Some((first, sessions)) = done else {
            return;
        };
        self.places.insert(first.place);
        if sessions > 1 {
            self.repeated.push((first.place, sessions));
        }
    }

    /// Whether the session read at `place` is its participant's first.
    pub fn is_first(&self, place: u64) -> bool {
        self.places.contains(place)
    }

    /// How many sessions the participant whose first session was read at `place` has,
    /// if more than one.
    pub fn sessions(&self, place: u64) -> Option<u32> {
        let at = self.repeated.binary_search_by_key(&place, |r| r.0).ok()?;
        Some(self.repeated[at].1)
    }
}

/// What a participant is, as a 128-bit digest in two halves (the record's `who`): two
/// independent SipHash digests, so that among a million participants two share one
/// with odds of about one in 10^27.
pub fn digest(who: impl Hash) -> (u64, u64) {
    let half = |salt: u8| {
        let mut hasher = DefaultHasher::new();
        (salt, &who).hash(&mut hasher);
        hasher.finish()
    };
    (half(1), half(2))
}

/// Entries of any length kept in the order they came: in memory up to a budget of
/// bytes, then appended to an anonymous temporary file. What goes with the records of
/// the runs when a merge has to be read back against what was seen (names, numbers).
#[derive(Debug)]
pub struct Log {
    buffer: Vec<u8>,
    budget: usize,
    file: Option<File>,
}

impl Log {
    /// Holds `budget` bytes in memory before writing them out.
    pub fn new(budget: usize) -> Self {
        Log {
            buffer: Vec::new(),
            budget,
            file: None,
        }
    }

    pub fn push(&mut self, entry: &[u8]) -> io::Result<()> {
        let len = u32::try_from(entry.len()).map_err(io::Error::other)?;
        // Written out before the buffer would pass the budget, so it never grows past it
        // (a power of two: the buffer's own doubling stops there).
        if self.buffer.len() + 4 + entry.len() > self.budget && !self.buffer.is_empty() {
            let file = match &mut self.file {
                Some(file) => file,
                None => self.file.insert(tempfile::tempfile()?),
            };
            file.seek(SeekFrom::End(0))?;
            file.write_all(&self.buffer)?;
            self.buffer.clear();
        }
        self.buffer.extend_from_slice(&len.to_le_bytes());
        self.buffer.extend_from_slice(entry);
        Ok(())
    }

    /// Whether entries were written to disk.
    pub fn on_disk(&self) -> bool {
        self.file.is_some()
    }

    /// Every entry, in the order pushed; the log is kept.
    pub fn visit(&mut self, mut each: impl FnMut(&[u8])) -> io::Result<()> {
        let mut entry = Vec::new();
        if let Some(file) = &mut self.file {
            file.rewind()?;
            let mut reader = BufReader::new(&*file);
            let mut len = [0u8; 4];
            loop {
                match reader.read_exact(&mut len) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break,
                    Err(e) => return Err(e),
                }
                entry.resize(u32::from_le_bytes(len) as usize, 0);
                reader.read_exact(&mut entry)?;
                each(&entry);
            }
        }
        let mut rest = self.buffer.as_slice();
        while let Some((len, tail)) = rest.split_first_chunk::<4>() {
            let len = (u32::from_le_bytes(*len) as usize).min(tail.len());
            each(&tail[..len]);
            rest = &tail[len..];
        }
        Ok(())
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

    #[test]
    fn runs_are_visited_in_order_and_kept_for_another_visit() {
        let record = |who: u64, place: u64| Record {
            who: (who, 0),
            started: 0,
            place,
        };
        let mut runs = Runs::new(3);
        let mut pushed = Vec::new();
        for (i, who) in [9, 2, 7, 2, 5, 1, 8].into_iter().enumerate() {
            runs.push(record(who, i as u64)).expect("pushed");
            pushed.push(record(who, i as u64));
        }
        let visited = |runs: &mut Runs| {
            let mut seen = Vec::new();
            runs.visit(|r| seen.push(r)).expect("visited");
            seen
        };
        pushed.sort();
        assert_eq!(
            visited(&mut runs),
            pushed,
            "two runs on disk and one in memory"
        );
        runs.push(record(3, 7)).expect("pushed after a visit");
        pushed.push(record(3, 7));
        pushed.sort();
        assert_eq!(visited(&mut runs), pushed);
    }

    #[test]
    fn a_log_gives_back_its_entries_in_order_from_memory_and_from_disk() {
        let entries: Vec<Vec<u8>> = (0..50u8).map(|i| vec![i; usize::from(i % 7)]).collect();
        for budget in [1 << 20, 16] {
            let mut log = Log::new(budget);
            for entry in &entries[..30] {
                log.push(entry).expect("pushed");
            }
            let mut back = Vec::new();
            log.visit(|e| back.push(e.to_vec())).expect("read");
            assert_eq!(back, entries[..30], "budget {budget}");
            for entry in &entries[30..] {
                log.push(entry).expect("pushed after a visit");
            }
            back.clear();
            log.visit(|e| back.push(e.to_vec())).expect("read again");
            assert_eq!(back, entries, "budget {budget}");
        }
    }
}
