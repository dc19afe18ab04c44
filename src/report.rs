//! `mvx report`'s figures: per flow version, tasks, steps, paths and verdicts, with
//! intervals; variants compared side by side. Renderers turn a [`Report`] into text.

pub mod agreement;
mod builder;
mod cells;
pub mod comparison;
pub mod document;
mod escape;
mod figures;
pub mod findings;
pub mod frictions;
pub mod html;
pub mod markdown;
pub mod screen;
pub mod study;
mod summary;
mod svg;
mod tally;
mod verdicts;
pub mod words;

use std::collections::BTreeMap;

use serde::Serialize;

pub use builder::{Key, PARTICIPANTS_IN_MEMORY, ReportBuilder, Rules, Tallies, read_sessions};
pub use comparison::Comparison;
pub use figures::{FlowVersion, Friction, StepFigures, TaskFigures};
pub use summary::{Summary, SummaryItem};
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
    /// Later sessions of studies with returns, left out here: their participants were
    /// counted at their first, and their study's returns section reports them.
    #[serde(skip_serializing_if = "is_zero")]
    pub later_trials_left_out: usize,
    /// Event lines left out of the figures, each named with its file and line.
    pub data_problems: Vec<FileProblem>,
    /// Who came back for their second session, per variant of each study with returns
    /// reported beside these flows: the customer's third number.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub repeat_usage: Vec<study::returns::RepeatUsage>,
    /// Per friction a counted flow `addresses:`, its rank in the friction map and how
    /// each variant that addresses it did (set beside these flows, as `repeat_usage`).
    #[serde(skip_serializing_if = "frictions::FrictionsAddressed::is_empty")]
    pub frictions_addressed: frictions::FrictionsAddressed,
    /// The tagged moments per tag of the codebook, with their quotes (set beside these
    /// flows, as `repeat_usage`).
    #[serde(skip_serializing_if = "findings::Findings::is_empty")]
    pub findings: findings::Findings,
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

impl ReportBuilder {
    pub fn finish(mut self) -> Report {
        self.merge_kept();
        let mut groups = std::mem::take(&mut self.groups);
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        let mut flows: BTreeMap<String, (String, Vec<FlowVersion>)> = BTreeMap::new();
        for ((flow, variant, sha256), title, tally) in groups {
            let entry = flows.entry(flow).or_insert_with(|| (title, Vec::new()));
            entry.1.push(FlowVersion::new(variant, sha256, &tally));
        }
        let counting = self.counting_rules().clone();
        let baseline = counting.baseline.as_deref();
        let played = &self.repeated;
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
            counting,
            flows,
            skipped: self.skipped,
            simulated_left_out: self.simulated_left_out,
            later_trials_left_out: self.later_trials_left_out,
            repeat_usage: Vec::new(),
            frictions_addressed: frictions::FrictionsAddressed::default(),
            findings: findings::Findings::default(),
            data_problems: self.data_problems,
        }
    }
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
