//! Folding sessions into a report. Workers read a batch of files and sum each session
//! up (`Rules::key`); here, in file order, who counts is decided; the workers then
//! tally the counting sessions of the batch together (`Tallies`), and the batch's
//! tallies are added here.
//!
//! Memory holds the tallies of each flow version and an index of participants: per
//! participant 32 bytes (a 128-bit digest of who they are, their first session's start,
//! place and version), up to `PARTICIPANTS_IN_MEMORY`; past that, sorted runs on disk
//! (`session::firsts`). Never a session, a file name, nor a participant's id, except for
//! participants with more than one session, who are named in the report. With
//! `--all-attempts` every session counts at once; the index is only there to name who
//! has more than one session.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use super::tally::Tally;
use super::{Counting, FileProblem, GroupKey};
use crate::flow::study::Design;
use crate::session::firsts::{Firsts, Record, Runs, digest};
use crate::session::{self, Found, ObserverNote, Session};
use crate::stats::{Questionnaire, Questionnaires};

/// What decides who and what counts; shared by every worker.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    pub counting: Counting,
    pub only_flow: Option<String>,
    pub include_simulated: bool,
    /// The questionnaires scored (`stats::QUESTIONNAIRES` unless set).
    pub questionnaires: Questionnaires,
    /// Only the sessions of this study (`mvx report STUDY.yaml`), its simulated ones
    /// left out unseen: the study's report counts those itself.
    pub only_study: Option<String>,
}

/// Who a session is and whether it can count at all, summed up on a worker for the
/// fold to decide on.
pub enum Key {
    /// A declined consent, or a flow not asked for: nothing to count.
    Nothing,
    /// Made up by `mvx simulate`, left out.
    Simulated,
    /// A later session of a study with returns: its participant again, reported in the
    /// study's returns section only (docs/returns.md).
    LaterTrial,
    Session(Box<Who>),
    /// A technical abort (`Session::technical_abort`): tallied, its attempts shown as
    /// not counted, but never a participant's first session, so the session they played
    /// after it is.
    Aside(Box<Who>),
}

pub struct Who {
    who: u128,
    flow: String,
    participant: String,
    group: GroupKey,
    title: String,
    /// Start time, then place among the sessions read: the order they were played in.
    order: (i64, u64),
    problems: Vec<FileProblem>,
}

impl Rules {
    /// Who the session is; `place` is its place among the sessions read (a file's place
    /// in the walk), which breaks ties between equal start times.
    pub fn key(&self, session: &Session, place: u64) -> Key {
        let flow = &session.header.flow;
        if session.declined() || self.only_flow.as_ref().is_some_and(|only| *only != flow.id) {
            return Key::Nothing;
        }
        if let Some(only) = &self.only_study {
            let of_study = (session.header.study.as_ref()).is_some_and(|b| b.id == *only);
            if !of_study || (session.header.simulated && !self.include_simulated) {
                return Key::Nothing;
            }
        }
        if session.header.simulated && !self.include_simulated {
            return Key::Simulated;
        }
        let visit = session.header.study.as_ref().and_then(|b| b.visit.as_ref());
        if visit.is_some_and(|v| v.trial > 1) {
            return Key::LaterTrial;
        }
        let file = session.path.as_ref().map_or_else(
            || session.header.session.clone(),
            |p| p.display().to_string(),
        );
        let problems = session
            .problems
            .iter()
            .map(|p| FileProblem {
                file: p.file.clone().unwrap_or_else(|| file.clone()),
                line: p.line,
                why: p.why.clone(),
            })
            .collect();
        let participant = session.header.participant.clone();
        // In a within study each participant plays every variant once: each variant's
        // session is theirs to count, not a repeat of the first.
        let within = session
            .header
            .study
            .as_ref()
            .filter(|b| b.design == Design::Within)
            .map(|b| b.variant.as_str());
        let who = Box::new(Who {
            who: who(&flow.id, &participant, within),
            flow: flow.id.clone(),
            participant,
            group: group_of(session),
            title: flow.title.clone(),
            order: (session.header.started_ms(), place),
            problems,
        });
        match !self.counting.count_technical && session.technical_abort() {
            true => Key::Aside(who),
            false => Key::Session(who),
        }
    }

    /// Adds a session, read `place`th, and its observer notes to a tally.
    fn tally(&self, into: &mut Tally, session: &Session, notes: &[ObserverNote], place: u64) {
        into.add(session, (session.header.started_ms(), place));
        into.add_observer_notes(&session.header.participant, notes);
    }

    fn new_tally(&self) -> Tally {
        Tally::scoring(self.counting.count_technical, self.questionnaires)
    }
}

fn group_of(session: &Session) -> GroupKey {
    let flow = &session.header.flow;
    (flow.id.clone(), flow.variant.clone(), flow.sha256.clone())
}

/// A participant of a flow (of one variant of a within study), as a 128-bit digest
/// (`firsts::digest`).
fn who(flow: &str, participant: &str, within: Option<&str>) -> u128 {
    let (high, low) = digest((flow, participant, within));
    (u128::from(high) << 64) | u128::from(low)
}

/// What is kept of a participant of a flow: 16 bytes, under a 16-byte digest of who
/// they are, so a million participants take tens of megabytes, not hundreds.
#[derive(Clone, Copy)]
struct Seen {
    /// Their first session's start time.
    started: i64,
    /// Its place among the sessions read (past four billion files, ties go to the one
    /// read first).
    place: u32,
    /// Its flow version.
    group: u32,
}

impl Seen {
    fn order(&self) -> (i64, u32) {
        (self.started, self.place)
    }
}

/// A session's order, as kept: start time, then place read.
fn kept_order((started, place): (i64, u64)) -> (i64, u32) {
    (started, u32::try_from(place).unwrap_or(u32::MAX))
}

/// A participant's 128-bit digest, as two halves (an 8-byte aligned map key).
fn halves(who: u128) -> (u64, u64) {
    ((who >> 64) as u64, who as u64)
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
    seen: HashMap<(u64, u64), Seen>,
    /// (flow, participant) -> sessions, for participants with more than one.
    pub(super) repeated: BTreeMap<(String, String), usize>,
    /// First sessions added from memory, tallied at the end in the order added: where
    /// each participant's waits, and each one's place, flow version and tally.
    kept_at: HashMap<(u64, u64), usize>,
    kept: Vec<(u32, u32, Tally)>,
    /// Why the index of participants could not be kept on disk, if it could not.
    index_error: Option<String>,
    pub(super) skipped: Vec<String>,
    pub(super) data_problems: Vec<FileProblem>,
    pub(super) simulated_left_out: usize,
    pub(super) later_trials_left_out: usize,
    /// A session counted as a participant's first turned out not to be.
    recount: bool,
    /// Sessions added from memory, for their place.
    added: u64,
    /// Participants the index holds in memory; past this many, sessions are recorded in
    /// sorted runs on disk and counted in a second reading (`session::firsts`).
    pub participants_in_memory: usize,
    /// Every session read from a file, for when the index outgrows its budget.
    runs: Option<Runs>,
    /// The index outgrew its budget: nothing counts until the files are read again.
    spilled: bool,
    /// Each participant's first session, from the runs, for the second reading.
    firsts: Option<Firsts>,
}

/// Participants held in memory by default: about 8 MB of index.
pub const PARTICIPANTS_IN_MEMORY: usize = crate::session::firsts::IN_MEMORY;

/// Whether a session counts, as decided when it is met.
enum Decision {
    Counts(u32),
    /// Left out: a repeat, or counted only once the files are read again.
    LeftOut,
    /// The participant's first so far, its tally to be kept aside in this slot until
    /// the end, with its flow version (sessions added from memory).
    Keep(usize, u32),
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
                questionnaires: Questionnaires::default(),
                only_study: None,
            },
            participants_in_memory: PARTICIPANTS_IN_MEMORY,
            ..Self::default()
        }
    }

    /// Counts only the sessions of study `id` (`Rules::only_study`).
    pub fn only_study(&mut self, id: &str) {
        self.rules.only_study = Some(id.to_owned());
    }

    /// Scores `table` instead of `stats::QUESTIONNAIRES`.
    pub fn questionnaires(&mut self, table: &'static [Questionnaire]) {
        self.rules.questionnaires = Questionnaires(table);
    }

    pub(super) fn counting_rules(&self) -> &Counting {
        &self.rules.counting
    }

    /// The rules workers sum sessions up by.
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
        let rules = self.rules();
        match self.decide(rules.key(session, place), false) {
            Decision::Counts(group) => {
                rules.tally(&mut self.groups[group as usize].2, session, &notes, place);
            }
            Decision::LeftOut => {}
            Decision::Keep(at, group) => {
                let mut kept = rules.new_tally();
                rules.tally(&mut kept, session, &notes, place);
                let place = u32::try_from(place).unwrap_or(u32::MAX);
                self.kept[at] = (place, group, kept);
            }
        }
    }

    /// Decides whether a session read from a file counts, in file order: a first session
    /// counts at once; should an earlier session of the same participant turn up later,
    /// the files are read again (`needs_recount`, `start_recount`, `recounts`).
    pub fn counts(&mut self, key: Key) -> bool {
        matches!(self.decide(key, true), Decision::Counts(_))
    }

    fn decide(&mut self, key: Key, streamed: bool) -> Decision {
        let who = match key {
            Key::Nothing => return Decision::LeftOut,
            Key::Simulated => {
                self.simulated_left_out += 1;
                return Decision::LeftOut;
            }
            Key::LaterTrial => {
                self.later_trials_left_out += 1;
                return Decision::LeftOut;
            }
            Key::Aside(who) => {
                self.data_problems.extend(who.problems);
                return Decision::Counts(self.place(who.group, who.title));
            }
            Key::Session(who) => *who,
        };
        let all_attempts = self.rules.counting.all_attempts;
        self.data_problems.extend(who.problems);
        let group = self.place(who.group, who.title);
        let order = kept_order(who.order);
        let key = halves(who.who);
        if streamed {
            self.record(Record {
                who: key,
                started: who.order.0,
                place: who.order.1,
            });
        }
        if self.spilled {
            // Every session counts with `--all-attempts`; who had more than one is
            // named when the files are read again.
            return match all_attempts {
                true => Decision::Counts(group),
                false => Decision::LeftOut,
            };
        }
        let seen = match self.seen.entry(key) {
            Entry::Vacant(entry) => {
                entry.insert(Seen {
                    started: order.0,
                    place: order.1,
                    group,
                });
                if !streamed && !all_attempts {
                    self.kept.push((order.1, group, self.rules.new_tally()));
                    self.kept_at.insert(key, self.kept.len() - 1);
                    return Decision::Keep(self.kept.len() - 1, group);
                }
                if streamed && self.seen.len() > self.participants_in_memory {
                    // More participants than memory should hold: decided from the runs.
                    self.spilled = true;
                    self.seen = HashMap::new();
                    return match all_attempts {
                        true => Decision::Counts(group),
                        false => Decision::LeftOut,
                    };
                }
                // Once a recount is due, first sessions count when read again.
                return match self.recount && !all_attempts {
                    true => Decision::LeftOut,
                    false => Decision::Counts(group),
                };
            }
            Entry::Occupied(entry) => entry.into_mut(),
        };
        *self
            .repeated
            .entry((who.flow, who.participant))
            .or_insert(1) += 1;
        if all_attempts {
            return Decision::Counts(group);
        }
        if seen.order() <= order {
            self.groups[group as usize].2.repeats_left_out += 1;
            return Decision::LeftOut;
        }
        // The session counted so far was not the first after all.
        self.groups[seen.group as usize].2.repeats_left_out += 1;
        *seen = Seen {
            started: order.0,
            place: order.1,
            group,
        };
        match self.kept_at.get(&key) {
            Some(at) => Decision::Keep(*at, group),
            None => {
                self.recount = true;
                Decision::LeftOut
            }
        }
    }

    /// Keeps a session's record for the runs. Once a run cannot be written to disk, no
    /// more are kept: that only ends the report if the index outgrows memory and the
    /// runs are needed (it could not say who was counted).
    fn record(&mut self, record: Record) {
        if self.index_error.is_some() {
            return;
        }
        let budget = self.participants_in_memory;
        let runs = self.runs.get_or_insert_with(|| Runs::new(budget));
        if let Err(e) = runs.push(record) {
            self.index_error = Some(e.to_string());
            self.runs = None;
        }
    }

    pub fn needs_recount(&self) -> bool {
        self.recount || self.spilled
    }

    /// Empties every tally (keeping who was left out as a repeat, unless that is decided
    /// again from the runs) before the files are read again.
    pub fn start_recount(&mut self) -> Result<(), String> {
        if let Some(why) = self.index_error.take().filter(|_| self.spilled) {
            return Err(format!(
                "more participants than memory holds, and the index of them cannot be kept in the temporary folder {} ({why}); set TMPDIR to a folder with room",
                std::env::temp_dir().display()
            ));
        }
        let runs = self.runs.take();
        if self.spilled {
            let runs = runs.unwrap_or_else(|| Runs::new(1));
            let firsts = runs
                .firsts()
                .map_err(|e| format!("cannot read back the index of participants: {e}"))?;
            self.firsts = Some(firsts);
            self.repeated.clear();
        }
        if self.spilled && self.rules.counting.all_attempts {
            // Every session was counted: the second reading only names who repeated.
            return Ok(());
        }
        for (_, _, tally) in &mut self.groups {
            let repeats_left_out = if self.spilled {
                0
            } else {
                tally.repeats_left_out
            };
            *tally = self.rules.new_tally();
            tally.repeats_left_out = repeats_left_out;
        }
        Ok(())
    }

    /// Whether a session read again counts: it does if it is its participant's first.
    pub fn recounts(&mut self, key: Key) -> bool {
        let who = match key {
            // Tallied again with the rest, unless the tallies were kept (every session
            // counted in the first reading, which only names who repeated).
            Key::Aside(_) => return !(self.spilled && self.rules.counting.all_attempts),
            Key::Session(who) => who,
            Key::Nothing | Key::Simulated | Key::LaterTrial => return false,
        };
        let Some(firsts) = &self.firsts else {
            return self
                .seen
                .get(&halves(who.who))
                .is_some_and(|s| s.order() == kept_order(who.order));
        };
        let place = who.order.1;
        let all_attempts = self.rules.counting.all_attempts;
        if firsts.is_first(place) {
            if let Some(sessions) = firsts.sessions(place) {
                let sessions = sessions as usize;
                self.repeated.insert((who.flow, who.participant), sessions);
            }
            return !all_attempts;
        }
        if all_attempts {
            return false;
        }
        let group = self.place(who.group, who.title);
        self.groups[group as usize].2.repeats_left_out += 1;
        false
    }

    /// Folds in the tallies of sessions that count, by flow version.
    pub fn merge(&mut self, tallies: Tallies) {
        for (group, title, tally) in tallies.0 {
            let at = self.place(group, title);
            self.groups[at as usize].2.merge(tally);
        }
    }

    pub fn skip(&mut self, why: String) {
        self.skipped.push(why);
    }

    fn place(&mut self, key: GroupKey, title: String) -> u32 {
        if let Some(at) = self.places.get(&key) {
            return *at;
        }
        let at = self.groups.len() as u32;
        let tally = self.rules.new_tally();
        self.places.insert(key.clone(), at);
        self.groups.push((key, title, tally));
        at
    }

    /// Tallies the first sessions added from memory, in the order they were added (as
    /// sessions read from files are, in file order), so first-seen orders of steps and
    /// answers are the same either way.
    pub(super) fn merge_kept(&mut self) {
        let mut kept = std::mem::take(&mut self.kept);
        kept.sort_by_key(|(place, _, _)| *place);
        for (_, group, tally) in kept {
            self.groups[group as usize].2.merge(tally);
        }
    }
}

/// The tallies of a batch's counting sessions, by flow version (a batch mostly holds
/// one or two).
#[derive(Default)]
pub struct Tallies(Vec<(GroupKey, String, Tally)>);

impl Tallies {
    fn add(&mut self, rules: &Rules, (session, notes, place): &(Session, Vec<ObserverNote>, u64)) {
        let group = group_of(session);
        let at = match self.0.iter().position(|(g, _, _)| *g == group) {
            Some(at) => at,
            None => {
                let title = session.header.flow.title.clone();
                self.0.push((group, title, rules.new_tally()));
                self.0.len() - 1
            }
        };
        rules.tally(&mut self.0[at].2, session, notes, *place);
    }
}

/// A batch as a worker keeps it while the fold decides: each session read and its
/// notes, or nothing for a file that could not be read.
type Kept = Vec<Option<(Session, Vec<ObserverNote>, u64)>>;

/// Reads every session under `roots` into `builder` on every core. `also` gets each
/// session read and its observer notes, on the worker that read it, and `visit` gets
/// what it gave here, in file order (`None` for a file that could not be read). If a
/// participant's earlier session turned up after a later one was counted, the files
/// are read a second time.
pub fn read_sessions<X: Send>(
    builder: &mut ReportBuilder,
    roots: &[PathBuf],
    also: impl Fn(Session, Vec<ObserverNote>) -> X + Sync,
    mut visit: impl FnMut(Option<X>),
) -> Result<(), String> {
    let rules = builder.rules();
    let mut walk = session::Walk::new(roots);
    let sum_up = |batch: session::Batch| sum_up(&rules, batch);
    let builder_cell = std::cell::RefCell::new(&mut *builder);
    session::in_two_stages(
        &mut walk,
        sum_up,
        |keys: Vec<Result<Key, String>>| {
            let mut builder = builder_cell.borrow_mut();
            keys.into_iter()
                .map(|key| match key {
                    Ok(key) => builder.counts(key),
                    Err(why) => {
                        builder.skip(why);
                        false
                    }
                })
                .collect::<Vec<bool>>()
        },
        |kept: Kept, counts: Vec<bool>| {
            let mut tallies = Tallies::default();
            let done: Vec<Option<X>> = kept
                .into_iter()
                .zip(counts)
                .map(|(kept, counts)| {
                    let kept = kept?;
                    if counts {
                        tallies.add(&rules, &kept);
                    }
                    Some(also(kept.0, kept.1))
                })
                .collect();
            (tallies, done)
        },
        |(tallies, done)| {
            builder_cell.borrow_mut().merge(tallies);
            done.into_iter().for_each(&mut visit);
        },
    );
    let builder = builder_cell.into_inner();
    let found = walk.found();
    for problem in walk.problems {
        builder.skip(problem);
    }
    if builder.needs_recount() {
        builder.start_recount()?;
        let found_again = recount(builder, &rules, roots);
        if found_again != found {
            builder.skip(format!(
                "the sessions changed while they were read twice ({found} files, then {found_again}): who was counted first may be wrong; run the report again"
            ));
        }
    }
    Ok(())
}

/// The files read a second time, each participant's first session counted; how many
/// files the second walk found.
fn recount(builder: &mut ReportBuilder, rules: &Rules, roots: &[PathBuf]) -> u64 {
    let builder = std::cell::RefCell::new(builder);
    let mut walk = session::Walk::new(roots);
    session::in_two_stages(
        &mut walk,
        |batch| sum_up(rules, batch),
        |keys: Vec<Result<Key, String>>| {
            let mut builder = builder.borrow_mut();
            let mut counts = |key: Result<Key, String>| key.is_ok_and(|k| builder.recounts(k));
            keys.into_iter().map(&mut counts).collect::<Vec<bool>>()
        },
        |kept: Kept, counts: Vec<bool>| {
            let mut tallies = Tallies::default();
            for kept in kept
                .into_iter()
                .zip(counts)
                .filter_map(|(k, c)| k.filter(|_| c))
            {
                tallies.add(rules, &kept);
            }
            tallies
        },
        |tallies| builder.borrow_mut().merge(tallies),
    );
    walk.found()
}

/// Each file of a batch summed up for the fold (who it is, or why it could not be
/// read), and the sessions kept for the worker's second stage.
fn sum_up(rules: &Rules, batch: session::Batch) -> (Vec<Result<Key, String>>, Kept) {
    batch
        .into_iter()
        .map(|(found, read)| match read {
            Ok(mut session) => {
                let notes = notes(&found, &mut session);
                let key = rules.key(&session, found.index);
                (Ok(key), Some((session, notes, found.index)))
            }
            Err(e) => (Err(e.to_string()), None),
        })
        .unzip()
}

/// The notes beside a file, read only if the walk saw a notes file there; the lines left
/// out of them join the session's data problems.
fn notes(found: &Found, session: &mut Session) -> Vec<ObserverNote> {
    if !found.notes {
        return Vec::new();
    }
    let read = session::read_notes_checked(&found.path, Some(&session.header.session));
    session.problems.extend(read.problems);
    read.notes
}
