//! `mvx report`'s figures: per flow version, tasks, steps, paths and verdicts, with
//! intervals; variants compared side by side. Renderers turn a [`Report`] into text.

mod cells;
pub mod comparison;
mod escape;
mod figures;
pub mod html;
pub mod markdown;
pub mod study;
mod summary;
mod svg;
mod tally;
mod verdicts;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::session::Session;
pub use comparison::Comparison;
pub use figures::{FlowVersion, Friction, StepFigures, TaskFigures};
pub use summary::{Summary, SummaryItem};
use tally::Tally;
pub use tally::{Note, NoteBy};
pub use verdicts::{Mean, Share, Standard, Verdict};

/// Everything a report says, ready to render; also what `--format json` prints.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Who and what was counted.
    pub counting: Counting,
    pub flows: Vec<FlowReport>,
    /// Files that were not sessions, named so nothing is dropped silently.
    pub skipped: Vec<String>,
    /// Sessions made up by `mvx simulate` that were left out (see `include_simulated`).
    #[serde(skip_serializing_if = "is_zero")]
    pub simulated_left_out: usize,
    /// Event lines left out of the figures, each named with its file and line.
    pub data_problems: Vec<FileProblem>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Who and what a report counts (docs/statistics.md, "Who is counted").
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counting {
    /// Every session of a participant counts, not only their first (`--all-attempts`).
    pub all_attempts: bool,
    /// Technical endings count as failures (`--count-technical`).
    pub count_technical: bool,
    /// The variant others are compared with (`--baseline`).
    pub baseline: Option<String>,
}

/// An event line of a session file left out of every figure, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileProblem {
    pub file: String,
    pub line: usize,
    pub why: String,
}

#[derive(Debug, Serialize)]
pub struct FlowReport {
    pub flow: String,
    pub title: String,
    /// One per (variant, flow file version); the most-played version of each variant first.
    pub versions: Vec<FlowVersion>,
    /// Variants whose sessions were recorded with more than one version of the flow file.
    pub mixed_versions: Vec<String>,
    /// Participants with more than one session of this flow.
    pub repeated: Vec<Repeated>,
    /// The `--baseline` asked for when this flow has no such variant, so its variants
    /// were compared with the default baseline instead.
    pub baseline_not_found: Option<String>,
    /// Each other variant compared with the baseline.
    pub comparisons: Vec<Comparison>,
}

/// A participant who played a flow more than once.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Repeated {
    pub participant: String,
    pub sessions: usize,
}

type GroupKey = (String, Option<String>, String);

/// A participant's earliest session of a flow so far. A session read from a file keeps
/// only its file, read again and tallied at the end, so memory per participant stays a
/// few dozen bytes whatever their sessions hold (docs/report.md, "At scale").
struct First {
    order: (i64, String),
    group: GroupKey,
    title: String,
    counted: Counted,
}

enum Counted {
    File(std::path::PathBuf),
    Tally(Box<Tally>),
}

/// Folds sessions in one at a time; memory holds the tallies, not the sessions.
#[derive(Default)]
pub struct ReportBuilder {
    counting: Counting,
    /// (flow, variant, sha256) -> title and tally.
    groups: BTreeMap<GroupKey, (String, Tally)>,
    /// (flow, participant) -> their earliest session, unless every session counts.
    firsts: BTreeMap<(String, String), First>,
    /// (flow, participant) -> how many sessions they have.
    played: BTreeMap<(String, String), usize>,
    skipped: Vec<String>,
    data_problems: Vec<FileProblem>,
    only_flow: Option<String>,
    /// Count sessions made up by `mvx simulate` too; by default they are left out.
    pub include_simulated: bool,
    simulated_left_out: usize,
    /// A session counted as a participant's first turned out not to be.
    recount: bool,
}

impl ReportBuilder {
    pub fn new(only_flow: Option<String>) -> Self {
        Self::counting(only_flow, Counting::default())
    }

    pub fn counting(only_flow: Option<String>, counting: Counting) -> Self {
        Self {
            only_flow,
            counting,
            ..Self::default()
        }
    }

    pub fn add(&mut self, session: &Session) {
        let flow = &session.header.flow;
        // A declined consent recorded nothing of the participant's: nothing to count.
        if session.declined() {
            return;
        }
        if self.only_flow.as_ref().is_some_and(|only| *only != flow.id) {
            return;
        }
        if session.header.simulated && !self.include_simulated {
            self.simulated_left_out += 1;
            return;
        }
        let who = (flow.id.clone(), session.header.participant.clone());
        *self.played.entry(who.clone()).or_default() += 1;
        let group = (flow.id.clone(), flow.variant.clone(), flow.sha256.clone());
        let file = session.path.as_ref().map_or_else(
            || session.header.session.clone(),
            |p| p.display().to_string(),
        );
        self.data_problems
            .extend(session.problems.iter().map(|p| FileProblem {
                file: file.clone(),
                line: p.line,
                why: p.why.clone(),
            }));
        if self.counting.all_attempts {
            let tally = self.tally(session);
            self.group(group, &flow.title).merge(tally);
            return;
        }
        let first = First {
            order: order(session),
            group,
            title: flow.title.clone(),
            counted: match &session.path {
                Some(path) => Counted::File(path.clone()),
                None => Counted::Tally(Box::new(self.tally(session))),
            },
        };
        let later = match self.firsts.remove(&who) {
            Some(kept) if kept.order <= first.order => {
                self.firsts.insert(who, kept);
                first
            }
            Some(kept) => {
                // The session counted so far was not the first after all (or the new
                // first is a file, not counted yet): count every group again at the end.
                self.recount |= matches!(kept.counted, Counted::File(_))
                    || matches!(first.counted, Counted::File(_));
                self.firsts.insert(who, first);
                kept
            }
            None => {
                // Sessions mostly come in the order they were played: count it now,
                // and recount at the end only if an earlier one turns up.
                if matches!(first.counted, Counted::File(_)) && !self.recount {
                    let tally = self.tally(session);
                    self.group(first.group.clone(), &first.title).merge(tally);
                }
                self.firsts.insert(who, first);
                return;
            }
        };
        self.group(later.group, &later.title).repeats_left_out += 1;
    }

    /// One session's tally, its observer notes included.
    fn tally(&self, session: &Session) -> Tally {
        let mut tally = Tally::new(self.counting.count_technical);
        tally.add(session);
        if let Some(path) = &session.path {
            let notes = crate::session::read_notes(path);
            tally.add_observer_notes(&session.header.participant, &notes);
        }
        tally
    }

    /// Tallies each participant's first session into its group. Files were counted as
    /// they came; if a participant's earlier session turned up after a later one was
    /// counted, every group is counted again from the first sessions' files, read again
    /// on every core, each merged as soon as it is read.
    fn merge_firsts(&mut self) {
        let recount = self.recount;
        if recount {
            let count_technical = self.counting.count_technical;
            for (_, tally) in self.groups.values_mut() {
                let repeats_left_out = tally.repeats_left_out;
                *tally = Tally::new(count_technical);
                tally.repeats_left_out = repeats_left_out;
            }
        }
        let mut files = Vec::new();
        let mut groups = Vec::new();
        for first in std::mem::take(&mut self.firsts).into_values() {
            match first.counted {
                Counted::Tally(tally) => self.group(first.group, &first.title).merge(*tally),
                Counted::File(_) if !recount => {}
                Counted::File(path) => {
                    files.push(path);
                    groups.push((first.group, first.title));
                }
            }
        }
        let mut groups = groups.into_iter();
        crate::session::for_each(&files, |_, read| {
            let Some((group, title)) = groups.next() else {
                return;
            };
            match read {
                Ok(session) => {
                    let tally = self.tally(&session);
                    self.group(group, &title).merge(tally);
                }
                // Gone or changed beyond reading since it was first read.
                Err(e) => self.skip(e.to_string()),
            }
        });
    }

    fn group(&mut self, key: GroupKey, title: &str) -> &mut Tally {
        let count_technical = self.counting.count_technical;
        &mut self
            .groups
            .entry(key)
            .or_insert_with(|| (title.to_owned(), Tally::new(count_technical)))
            .1
    }

    pub fn skip(&mut self, why: String) {
        self.skipped.push(why);
    }

    pub fn finish(mut self) -> Report {
        self.merge_firsts();
        let mut flows: BTreeMap<String, (String, Vec<FlowVersion>)> = BTreeMap::new();
        for ((flow, variant, sha256), (title, tally)) in self.groups {
            let entry = flows.entry(flow).or_insert_with(|| (title, Vec::new()));
            entry.1.push(FlowVersion::new(variant, sha256, &tally));
        }
        let baseline = self.counting.baseline.as_deref();
        let played = &self.played;
        let flows = flows
            .into_iter()
            .map(|(flow, (title, mut versions))| {
                versions.sort_by(|a, b| {
                    a.variant
                        .cmp(&b.variant)
                        .then(b.sessions.total.cmp(&a.sessions.total))
                });
                let comparisons = comparison::compare_all(&versions, baseline);
                let baseline_not_found = baseline
                    .filter(|wanted| {
                        !comparisons.is_empty()
                            && !versions
                                .iter()
                                .any(|v| v.variant.as_deref() == Some(*wanted))
                    })
                    .map(str::to_owned);
                FlowReport {
                    mixed_versions: mixed(&versions),
                    repeated: repeated(played, &flow),
                    baseline_not_found,
                    comparisons,
                    flow,
                    title,
                    versions,
                }
            })
            .collect();
        Report {
            counting: self.counting,
            flows,
            skipped: self.skipped,
            simulated_left_out: self.simulated_left_out,
            data_problems: self.data_problems,
        }
    }
}

/// Sessions in the order they were played: by start time, then by id.
fn order(session: &Session) -> (i64, String) {
    let started = chrono::DateTime::parse_from_rfc3339(&session.header.started_at)
        .map_or(i64::MAX, |t| t.timestamp_millis());
    (started, session.header.session.clone())
}

fn repeated(played: &BTreeMap<(String, String), usize>, flow: &str) -> Vec<Repeated> {
    played
        .iter()
        .filter(|((f, _), n)| f == flow && **n > 1)
        .map(|((_, participant), n)| Repeated {
            participant: participant.clone(),
            sessions: *n,
        })
        .collect()
}

fn mixed(versions: &[FlowVersion]) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for version in versions {
        *seen.entry(version.variant_name()).or_default() += 1;
    }
    seen.into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(v, _)| v)
        .collect()
}
