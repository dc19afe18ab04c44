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
    /// Event lines left out of the figures, each named with its file and line.
    pub data_problems: Vec<FileProblem>,
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
    pub comparison: Option<Comparison>,
}

/// Folds sessions in one at a time; memory holds the tallies, not the sessions.
#[derive(Default)]
pub struct ReportBuilder {
    /// (flow, variant, sha256) -> title and tally.
    groups: BTreeMap<(String, Option<String>, String), (String, Tally)>,
    skipped: Vec<String>,
    data_problems: Vec<FileProblem>,
    only_flow: Option<String>,
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
        let key = (flow.id.clone(), flow.variant.clone(), flow.sha256.clone());
        let (_, tally) = self
            .groups
            .entry(key)
            .or_insert_with(|| (flow.title.clone(), Tally::default()));
        tally.add(session);
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
            data_problems: self.data_problems,
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
