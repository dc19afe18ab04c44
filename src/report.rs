//! `mvx report`'s figures: per flow version, tasks, steps, paths and verdicts, with
//! intervals; variants compared side by side. Renderers turn a [`Report`] into text.

pub mod comparison;
mod escape;
mod figures;
pub mod html;
pub mod markdown;
mod summary;
mod svg;
mod tally;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::session::Session;
pub use comparison::Comparison;
pub use figures::{FlowVersion, Friction, StepFigures, TaskFigures, Verdict};
pub use summary::{Summary, SummaryItem};
use tally::Tally;
pub use tally::{Note, NoteBy};

/// Everything a report says, ready to render; also what `--format json` prints.
#[derive(Debug, Serialize)]
pub struct Report {
    pub flows: Vec<FlowReport>,
    /// Files that were not sessions, named so nothing is dropped silently.
    pub skipped: Vec<String>,
    /// Sessions made up by `mvx simulate` that were left out (see `include_simulated`).
    #[serde(skip_serializing_if = "is_zero")]
    pub simulated_left_out: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Serialize)]
pub struct FlowReport {
    pub flow: String,
    pub title: String,
    /// One per (variant, flow file version); the most-played version of each variant first.
    pub versions: Vec<FlowVersion>,
    /// Variants whose sessions were recorded with more than one version of the flow file.
    pub mixed_versions: Vec<String>,
    pub comparison: Option<Comparison>,
}

/// Folds sessions in one at a time; memory holds the tallies, not the sessions.
#[derive(Default)]
pub struct ReportBuilder {
    /// (flow, variant, sha256) -> title and tally.
    groups: BTreeMap<(String, Option<String>, String), (String, Tally)>,
    skipped: Vec<String>,
    only_flow: Option<String>,
    /// Count sessions made up by `mvx simulate` too; by default they are left out.
    pub include_simulated: bool,
    simulated_left_out: usize,
}

impl ReportBuilder {
    pub fn new(only_flow: Option<String>) -> Self {
        Self {
            only_flow,
            ..Self::default()
        }
    }

    pub fn add(&mut self, session: &Session) {
        let flow = &session.header.flow;
        if self.only_flow.as_ref().is_some_and(|only| *only != flow.id) {
            return;
        }
        if session.header.simulated && !self.include_simulated {
            self.simulated_left_out += 1;
            return;
        }
        let key = (flow.id.clone(), flow.variant.clone(), flow.sha256.clone());
        let (_, tally) = self
            .groups
            .entry(key)
            .or_insert_with(|| (flow.title.clone(), Tally::default()));
        tally.add(session);
        if let Some(path) = &session.path {
            tally.add_observer_notes(
                &session.header.participant,
                &crate::session::read_notes(path),
            );
        }
    }

    pub fn skip(&mut self, why: String) {
        self.skipped.push(why);
    }

    pub fn finish(self) -> Report {
        let mut flows: BTreeMap<String, (String, Vec<FlowVersion>)> = BTreeMap::new();
        for ((flow, variant, sha256), (title, tally)) in self.groups {
            let entry = flows.entry(flow).or_insert_with(|| (title, Vec::new()));
            entry.1.push(FlowVersion::new(variant, sha256, &tally));
        }
        let flows = flows
            .into_iter()
            .map(|(flow, (title, mut versions))| {
                versions.sort_by(|a, b| {
                    a.variant
                        .cmp(&b.variant)
                        .then(b.sessions.total.cmp(&a.sessions.total))
                });
                let mixed_versions = mixed(&versions);
                let comparison = Comparison::between_variants(&versions);
                FlowReport {
                    flow,
                    title,
                    versions,
                    mixed_versions,
                    comparison,
                }
            })
            .collect();
        Report {
            flows,
            skipped: self.skipped,
            simulated_left_out: self.simulated_left_out,
        }
    }
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
