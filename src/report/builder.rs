//! Folding sessions into a report: each session is made ready (parsed, tallied) on a
//! worker, then folded here in file order, where who counts is decided.
//!
//! Memory holds the tallies of each flow version and, per participant, a few dozen bytes
//! (a 128-bit digest of who they are, their first session's start and place, how many
//! sessions they have): never a session, a file name, nor a participant's id, except
//! for participants with more than one session, who are named in the report.

use std::collections::hash_map::{DefaultHasher, Entry};
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use super::tally::Tally;
use super::{Counting, FileProblem, GroupKey};
use crate::session::{self, Found, ObserverNote, ReadError, Session};

/// What decides who and what counts; shared by every worker.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    pub counting: Counting,
    pub only_flow: Option<String>,
    pub include_simulated: bool,
}

/// One session made ready to fold: left out, and why, or its tally and who it is.
pub enum Prepared {
    /// A declined consent, or a flow not asked for: nothing to count.
    Nothing,
    /// Made up by `mvx simulate`, left out.
    Simulated,
    Session(Box<Ready>),
}

pub struct Ready {
    who: u128,
    flow: String,
    participant: String,
    group: GroupKey,
    title: String,
    /// Start time, then place among the sessions read: the order they were played in.
    order: (i64, u64),
    problems: Vec<FileProblem>,
    tally: Tally,
}

impl Rules {
    /// The session's tally and who it is; `place` is its place among the sessions read
    /// (a file's place in the walk), which breaks ties between equal start times.
    pub fn prepare(&self, session: &Session, notes: &[ObserverNote], place: u64) -> Prepared {
        let flow = &session.header.flow;
        if session.declined() || self.only_flow.as_ref().is_some_and(|only| *only != flow.id) {
            return Prepared::Nothing;
        }
        if session.header.simulated && !self.include_simulated {
            return Prepared::Simulated;
        }
        let file = session.path.as_ref().map_or_else(
            || session.header.session.clone(),
            |p| p.display().to_string(),
        );
        let problems = session
            .problems
            .iter()
            .map(|p| FileProblem {
                file: file.clone(),
                line: p.line,
                why: p.why.clone(),
            })
            .collect();
        let mut tally = Tally::new(self.counting.count_technical);
        tally.add(session);
        tally.add_observer_notes(&session.header.participant, notes);
        let participant = session.header.participant.clone();
        Prepared::Session(Box::new(Ready {
            who: who(&flow.id, &participant),
            flow: flow.id.clone(),
            participant,
            group: (flow.id.clone(), flow.variant.clone(), flow.sha256.clone()),
            title: flow.title.clone(),
            order: (started_ms(session), place),
            problems,
            tally,
        }))
    }
}

/// A participant of a flow, as a 128-bit digest: two independent SipHash digests, so
/// two participants share one with odds far below one in 10^30 at a million.
fn who(flow: &str, participant: &str) -> u128 {
    let half = |salt: u8| {
        let mut hasher = DefaultHasher::new();
        (salt, flow, participant).hash(&mut hasher);
        u128::from(hasher.finish())
    };
    (half(1) << 64) | half(2)
}

fn started_ms(session: &Session) -> i64 {
    chrono::DateTime::parse_from_rfc3339(&session.header.started_at)
        .map_or(i64::MAX, |t| t.timestamp_millis())
}

/// What is kept of a participant of a flow.
struct Seen {
    first: (i64, u64),
    group: u32,
    sessions: u32,
    /// Where the first session's tally waits, for sessions added from memory.
    kept: Option<usize>,
}

/// Folds sessions in one at a time; memory holds the tallies, not the sessions.
#[derive(Default)]
pub struct ReportBuilder {
    rules: Rules,
    /// Count sessions made up by `mvx simulate` too; by default they are left out.
    pub include_simulated: bool,
    /// Each flow version's title and tally, and where each sits.
    pub(super) groups: Vec<(GroupKey, String, Tally)>,
    places: HashMap<GroupKey, u32>,
    seen: HashMap<u128, Seen>,
    /// (flow, participant) -> sessions, for participants with more than one.
    pub(super) repeated: BTreeMap<(String, String), usize>,
    /// First sessions added from memory, tallied at the end in the order added.
    kept: Vec<Option<Tally>>,
    pub(super) skipped: Vec<String>,
    pub(super) data_problems: Vec<FileProblem>,
    pub(super) simulated_left_out: usize,
    /// A session counted as a participant's first turned out not to be.
    recount: bool,
    /// Sessions added from memory, for their place.
    added: u64,
}

impl ReportBuilder {
    pub fn new(only_flow: Option<String>) -> Self {
        Self::counting(only_flow, Counting::default())
    }

    pub fn counting(only_flow: Option<String>, counting: Counting) -> Self {
        Self {
            rules: Rules {
                counting,
                only_flow,
                include_simulated: false,
            },
            ..Self::default()
        }
    }

    pub(super) fn counting_rules(&self) -> &Counting {
        &self.rules.counting
    }

    /// The rules workers prepare sessions by.
    pub fn rules(&self) -> Rules {
        Rules {
            include_simulated: self.include_simulated,
            ..self.rules.clone()
        }
    }

    /// Adds a session held in memory; its observer notes are read from beside its file.
    /// A participant's first session is tallied at the end, so sessions may come in
    /// any order.
    pub fn add(&mut self, session: &Session) {
        let notes = session
            .path
            .as_deref()
            .map(session::read_notes)
            .unwrap_or_default();
        let place = self.added;
        self.added += 1;
        let prepared = self.rules().prepare(session, &notes, place);
        self.fold(prepared, false);
    }

    /// Folds in a session read from a file, in file order. A first session is counted at
    /// once; should an earlier session of the same participant turn up later,
    /// `needs_recount` says so and the files must be folded again with `recount`.
    pub fn add_read(&mut self, prepared: Prepared) {
        self.fold(prepared, true);
    }

    pub fn needs_recount(&self) -> bool {
        self.recount
    }

    /// Empties every tally (keeping who was left out as a repeat) before `recount`.
    pub fn start_recount(&mut self) {
        let count_technical = self.rules.counting.count_technical;
        for (_, _, tally) in &mut self.groups {
            let repeats_left_out = tally.repeats_left_out;
            *tally = Tally::new(count_technical);
            tally.repeats_left_out = repeats_left_out;
        }
    }

    /// Folds a session read again: counted if it is its participant's first.
    pub fn recount(&mut self, prepared: Prepared) {
        let Prepared::Session(ready) = prepared else {
            return;
        };
        let first = self.seen.get(&ready.who).filter(|s| s.first == ready.order);
        if let Some(group) = first.map(|s| s.group as usize) {
            self.groups[group].2.merge(ready.tally);
        }
    }

    pub fn skip(&mut self, why: String) {
        self.skipped.push(why);
    }

    fn fold(&mut self, prepared: Prepared, streamed: bool) {
        let ready = match prepared {
            Prepared::Nothing => return,
            Prepared::Simulated => return self.simulated_left_out += 1,
            Prepared::Session(ready) => *ready,
        };
        let Ready {
            who,
            flow,
            participant,
            group,
            title,
            order,
            problems,
            tally,
        } = ready;
        self.data_problems.extend(problems);
        let group = self.place(group, title);
        let seen = match self.seen.entry(who) {
            Entry::Vacant(entry) => {
                let kept = if streamed || self.rules.counting.all_attempts {
                    if !self.recount || self.rules.counting.all_attempts {
                        self.groups[group as usize].2.merge(tally);
                    }
                    None
                } else {
                    self.kept.push(Some(tally));
                    Some(self.kept.len() - 1)
                };
                entry.insert(Seen {
                    first: order,
                    group,
                    sessions: 1,
                    kept,
                });
                return;
            }
            Entry::Occupied(entry) => entry.into_mut(),
        };
        seen.sessions += 1;
        self.repeated
            .insert((flow.clone(), participant.clone()), seen.sessions as usize);
        if self.rules.counting.all_attempts {
            return self.groups[group as usize].2.merge(tally);
        }
        if seen.first <= order {
            return self.groups[group as usize].2.repeats_left_out += 1;
        }
        // The session counted so far was not the first after all.
        self.groups[seen.group as usize].2.repeats_left_out += 1;
        (seen.first, seen.group) = (order, group);
        match seen.kept {
            Some(at) => self.kept[at] = Some(tally),
            None => self.recount = true,
        }
    }

    fn place(&mut self, key: GroupKey, title: String) -> u32 {
        if let Some(at) = self.places.get(&key) {
            return *at;
        }
        let at = self.groups.len() as u32;
        let tally = Tally::new(self.rules.counting.count_technical);
        self.places.insert(key.clone(), at);
        self.groups.push((key, title, tally));
        at
    }

    /// Tallies the first sessions added from memory, in the order they were added (as
    /// sessions read from files are, in file order), so first-seen orders of steps and
    /// answers are the same either way.
    pub(super) fn merge_kept(&mut self) {
        let mut kept: Vec<(u64, Tally, u32)> = Vec::new();
        for seen in self.seen.values() {
            if let Some(tally) = seen.kept.and_then(|at| self.kept[at].take()) {
                kept.push((seen.first.1, tally, seen.group));
            }
        }
        kept.sort_by_key(|k| k.0);
        for (_, tally, group) in kept {
            self.groups[group as usize].2.merge(tally);
        }
    }
}

/// Reads every session under `roots` into `builder` on every core. `also` gets each
/// session read and its observer notes, on the worker that read it, and `visit` gets
/// what it gave here, in file order (`None` for a file that could not be read). If a participant's earlier session
/// turned up after a later one was counted, the files are read a second time.
pub fn read_sessions<X: Send>(
    builder: &mut ReportBuilder,
    roots: &[PathBuf],
    also: impl Fn(Session, Vec<ObserverNote>) -> X + Sync,
    mut visit: impl FnMut(Option<X>),
) {
    let rules = builder.rules();
    let mut walk = session::Walk::new(roots);
    session::map_each(
        &mut walk,
        |found, read| match read {
            Ok(session) => {
                let notes = notes(&found);
                let prepared = rules.prepare(&session, &notes, found.index);
                Ok((prepared, also(session, notes)))
            }
            Err(e) => Err(e),
        },
        |made: Result<(Prepared, X), ReadError>| match made {
            Ok((prepared, x)) => {
                builder.add_read(prepared);
                visit(Some(x));
            }
            Err(e) => {
                builder.skip(e.to_string());
                visit(None);
            }
        },
    );
    for problem in walk.problems {
        builder.skip(problem);
    }
    if builder.needs_recount() {
        builder.start_recount();
        session::map_each(
            session::Walk::new(roots),
            |found, read| read.map(|s| rules.prepare(&s, &notes(&found), found.index)),
            |made| {
                if let Ok(prepared) = made {
                    builder.recount(prepared);
                }
            },
        );
    }
}

/// The observer notes beside a file, read only if the walk saw a notes file there.
fn notes(found: &Found) -> Vec<ObserverNote> {
    if found.notes {
        session::read_notes(&found.path)
    } else {
        Vec::new()
    }
}
