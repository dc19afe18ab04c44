//! Who played which variant of a study, kept as the report's first-session index keeps
//! who played a flow: per session a record (a digest of the participant, the variant
//! counted or none, the session's place) in sorted runs (`session::firsts::Runs`), and
//! the name of each counted session's participant in a log beside them. Reading the
//! runs in order gives each participant's sessions together, and from them the counts.

use std::collections::HashMap;
use std::io;

use super::Standing;
use crate::session::firsts::{self, Log, Places, Record, Runs};

/// Names held in memory before the log goes to disk: 2 MB.
const NAME_BYTES_IN_MEMORY: usize = 1 << 21;

/// A variant's counts that need no index.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub counted: usize,
    pub declined: usize,
    pub technical_aborts: usize,
}

#[derive(Debug)]
pub struct Index {
    /// Each variant met, in the order met, and its counts.
    variants: Vec<(String, Counts)>,
    runs: Runs,
    /// Each counted session's place and participant.
    names: Log,
    sessions: u64,
    /// Why a record or a name could not be kept; none is kept after it.
    error: Option<String>,
}

impl Default for Index {
    fn default() -> Self {
        Index::new(firsts::IN_MEMORY, NAME_BYTES_IN_MEMORY)
    }
}

/// What the index says once read: who counts, and where.
#[derive(Debug, Default)]
pub struct Resolved {
    /// The sessions read into it.
    pub sessions: u64,
    /// Participants counted, by variant.
    counted: HashMap<String, usize>,
    pub participants: usize,
    pub people: usize,
    /// Seen twice as a between study counts them, then as a within study does.
    pub twice: [Vec<String>; 2],
    /// Places of the sessions that count, between then within.
    pub firsts: [Places; 2],
    pub problem: Option<String>,
}

impl Resolved {
    pub fn counted(&self, variant: &str) -> usize {
        self.counted.get(variant).copied().unwrap_or(0)
    }
}

/// One participant's records, read together: their counted variants (each with how
/// many sessions), whether they were counted twice, and their first counted place.
#[derive(Default)]
struct Participant {
    who: Option<(u64, u64)>,
    variants: Vec<i64>,
    counted: u32,
    twice_in_a_variant: bool,
    first: Option<u64>,
}

impl Index {
    pub fn new(records: usize, name_bytes: usize) -> Self {
        Index {
            variants: Vec::new(),
            runs: Runs::new(records),
            names: Log::new(name_bytes),
            sessions: 0,
            error: None,
        }
    }

    pub fn fail(&mut self, why: String) {
        self.error.get_or_insert(why);
    }

    /// Whether the records and the names outgrew memory.
    pub fn on_disk(&self) -> bool {
        self.runs.on_disk() && self.names.on_disk()
    }

    pub fn sessions(&self) -> u64 {
        self.sessions
    }

    pub fn counts(&self, variant: &str) -> Counts {
        (self.variants.iter())
            .find(|(name, _)| name == variant)
            .map_or_else(Counts::default, |(_, counts)| *counts)
    }

    fn variant(&mut self, name: &str) -> usize {
        match self.variants.iter().position(|(v, _)| v == name) {
            Some(i) => i,
            None => {
                self.variants.push((name.to_owned(), Counts::default()));
                self.variants.len() - 1
            }
        }
    }

    /// Counts the next session; returns its place.
    pub fn add(&mut self, participant: &str, variant: &str, standing: Standing) -> u64 {
        let v = self.variant(variant);
        let counts = &mut self.variants[v].1;
        match standing {
            Standing::Counted => counts.counted += 1,
            Standing::Declined => counts.declined += 1,
            Standing::TechnicalAbort => counts.technical_aborts += 1,
        }
        let place = self.sessions;
        self.sessions += 1;
        if self.error.is_none()
            && let Err(e) = self.keep(participant, v, standing, place)
        {
            self.error = Some(e.to_string());
        }
        place
    }

    fn keep(
        &mut self,
        participant: &str,
        v: usize,
        standing: Standing,
        place: u64,
    ) -> io::Result<()> {
        let counted = standing == Standing::Counted;
        self.runs.push(Record {
            who: firsts::digest(participant),
            started: if counted { v as i64 } else { -1 },
            place,
        })?;
        if counted {
            let mut entry = place.to_le_bytes().to_vec();
            entry.extend_from_slice(participant.as_bytes());
            self.names.push(&entry)?;
        }
        Ok(())
    }

    /// Reads the runs, the participants playing now among them (after every session).
    pub fn resolve(&mut self, playing: &[(String, String)]) -> Resolved {
        let mut names: Vec<String> = self.variants.iter().map(|(v, _)| v.clone()).collect();
        let mut extra: Vec<Record> = Vec::with_capacity(playing.len());
        for (k, (who, variant)) in playing.iter().enumerate() {
            let v = match names.iter().position(|n| n == variant) {
                Some(v) => v,
                None => {
                    names.push(variant.clone());
                    names.len() - 1
                }
            };
            extra.push(Record {
                who: firsts::digest(who.as_str()),
                started: v as i64,
                place: self.sessions + k as u64,
            });
        }
        extra.sort_unstable();
        let mut resolved = Resolved {
            sessions: self.sessions,
            problem: self.error.clone(),
            ..Resolved::default()
        };
        let mut counted = vec![0usize; names.len()];
        let mut wanted: Vec<(u64, usize)> = Vec::new();
        let mut current = Participant::default();
        let mut close = |p: &mut Participant, resolved: &mut Resolved| {
            if p.who.is_none() {
                return;
            }
            resolved.people += 1;
            for &v in &p.variants {
                counted[v as usize] += 1;
            }
            if let Some(first) = p.first {
                resolved.participants += 1;
                resolved.firsts[0].insert(first);
                if p.counted > 1 {
                    wanted.push((first, 0));
                }
                if p.twice_in_a_variant {
                    wanted.push((first, 1));
                }
            }
            *p = Participant::default();
        };
        let mut see = |r: Record, resolved: &mut Resolved| {
            if current.who != Some(r.who) {
                close(&mut current, resolved);
                current.who = Some(r.who);
            }
            if r.started < 0 {
                return;
            }
            current.counted += 1;
            current.first = Some(current.first.map_or(r.place, |f| f.min(r.place)));
            match current.variants.last() == Some(&r.started) {
                true => current.twice_in_a_variant = true,
                false => {
                    current.variants.push(r.started);
                    resolved.firsts[1].insert(r.place);
                }
            }
        };
        let mut extra = extra.into_iter().peekable();
        let read = self.runs.visit(|r| {
            while let Some(e) = extra.next_if(|e| *e < r) {
                see(e, &mut resolved);
            }
            see(r, &mut resolved);
        });
        for e in extra {
            see(e, &mut resolved);
        }
        close(&mut current, &mut resolved);
        resolved.counted = names.into_iter().zip(counted).collect();
        let named = self.named(wanted, playing, &mut resolved.twice);
        if let Some(e) = read.err().or(named.err()) {
            resolved.problem.get_or_insert(e.to_string());
        }
        resolved
    }

    /// The names of the participants whose first counted session is at each wanted
    /// place, into the list it is wanted for; each list sorted.
    fn named(
        &mut self,
        mut wanted: Vec<(u64, usize)>,
        playing: &[(String, String)],
        twice: &mut [Vec<String>; 2],
    ) -> io::Result<()> {
        wanted.sort_unstable();
        let mut give = |place: u64, name: &str| {
            let from = wanted.partition_point(|(p, _)| *p < place);
            for (_, list) in wanted[from..].iter().take_while(|(p, _)| *p == place) {
                twice[*list].push(name.to_owned());
            }
        };
        let read = match wanted.is_empty() {
            true => Ok(()),
            false => self.names.visit(|entry| {
                if let Some((place, name)) = entry.split_first_chunk::<8>() {
                    give(u64::from_le_bytes(*place), &String::from_utf8_lossy(name));
                }
            }),
        };
        for (k, (who, _)) in playing.iter().enumerate() {
            give(self.sessions + k as u64, who);
        }
        for list in twice.iter_mut() {
            list.sort_unstable();
        }
        read
    }
}
