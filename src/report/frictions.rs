//! The report's "Frictions addressed" section as data: per friction a counted flow names
//! in `addresses:`, its place in the friction map (rank, items), and per flow version
//! that addresses it, the figures the report already has: completion with its interval
//! and the first yes/no verdict (the decision summary's own items) and the median time
//! of completed attempts (docs/findings.md, "The friction map").

use std::collections::BTreeMap;

use serde::Serialize;

use super::Report;
use super::figures::FlowVersion;
use super::summary::{Summary, SummaryItem};
use crate::frictions::Ranking;

/// A flow version as the report groups sessions: flow id, variant, the file's sha256.
pub type FlowKey = (String, Option<String>, String);

/// What each flow version says it addresses, from its flow file.
#[derive(Debug, Clone, Default)]
pub struct Addresses(pub BTreeMap<FlowKey, Vec<String>>);

impl Addresses {
    /// The tags `version` of `flow` addresses: its own file's, else (a version whose file
    /// was not opened) those of another file of the same flow and variant.
    fn of(&self, flow: &str, version: &FlowVersion) -> &[String] {
        let key = (
            flow.to_owned(),
            version.variant.clone(),
            version.sha256.clone(),
        );
        let same = || {
            (self.0.iter())
                .find(|((f, v, _), _)| f == flow && *v == version.variant)
                .map(|(_, tags)| tags)
        };
        self.0.get(&key).or_else(same).map_or(&[], Vec::as_slice)
    }
}

/// The friction map, as looking for one went.
#[derive(Debug, Clone, Default)]
pub enum MapFound {
    #[default]
    None,
    Ranked {
        path: String,
        ranking: Ranking,
    },
    Unreadable {
        path: String,
        why: String,
    },
}

/// The section.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FrictionsAddressed {
    /// The friction map the ranks come from, when one was found.
    pub map: Option<String>,
    /// Why the friction map found could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map_problem: Option<String>,
    pub frictions: Vec<Addressed>,
}

impl FrictionsAddressed {
    /// No counted flow addresses a friction: the report has no such section.
    pub fn is_empty(&self) -> bool {
        self.frictions.is_empty()
    }
}

/// One friction and the flow versions that address it.
#[derive(Debug, Clone, Serialize)]
pub struct Addressed {
    pub friction: String,
    /// Its place in the friction map; `None` without a map, or when no item has it.
    pub ranked: Option<Ranked>,
    pub by: Vec<AddressedBy>,
}

/// A friction's place in the map.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ranked {
    pub rank: usize,
    /// Tags ranked in the map.
    pub of: usize,
    /// Items it codes.
    pub items: usize,
    /// Items in the map.
    pub map_items: usize,
}

/// A flow version that addresses a friction, and how it did.
#[derive(Debug, Clone, Serialize)]
pub struct AddressedBy {
    pub flow: String,
    pub variant: Option<String>,
    /// The decision summary's completion per task and its first yes/no verdict.
    pub summary: Summary,
    pub tasks: Vec<Resolution>,
}

/// A task of a version that addresses a friction.
#[derive(Debug, Clone, Serialize)]
pub struct Resolution {
    pub task: String,
    pub successes: usize,
    /// Attempts counted in completion.
    pub counted: usize,
    /// The median time of completed attempts, in seconds: the time to resolution.
    pub median_s: Option<f64>,
}

/// The section for `report`: every friction a counted flow version addresses, ranked
/// frictions first (by rank), then the others in the order flows name them.
pub fn addressed(report: &Report, addresses: &Addresses, map: MapFound) -> FrictionsAddressed {
    let mut frictions: Vec<Addressed> = Vec::new();
    for flow in &report.flows {
        for version in &flow.versions {
            for tag in addresses.of(&flow.flow, version) {
                let by = by(&flow.flow, version);
                match frictions.iter_mut().find(|f| &f.friction == tag) {
                    Some(found) => found.by.push(by),
                    None => frictions.push(Addressed {
                        friction: tag.clone(),
                        ranked: None,
                        by: vec![by],
                    }),
                }
            }
        }
    }
    let (path, problem) = match &map {
        MapFound::None => (None, None),
        MapFound::Ranked { path, ranking } => {
            for friction in &mut frictions {
                friction.ranked = ranking.friction(&friction.friction).map(|f| Ranked {
                    rank: f.rank,
                    of: ranking.frictions.len(),
                    items: f.items,
                    map_items: ranking.items,
                });
            }
            (Some(path.clone()), None)
        }
        MapFound::Unreadable { path, why } => (Some(path.clone()), Some(why.clone())),
    };
    // A stable sort: unranked frictions keep the order flows name them in.
    frictions.sort_by_key(|f| f.ranked.map_or(usize::MAX, |r| r.rank));
    FrictionsAddressed {
        map: path,
        map_problem: problem,
        frictions,
    }
}

fn by(flow: &str, version: &FlowVersion) -> AddressedBy {
    let items = (version.summary.items.iter())
        .filter(|item| {
            matches!(
                item,
                SummaryItem::Completed { .. } | SummaryItem::AnsweredYes { .. }
            )
        })
        .cloned()
        .collect();
    AddressedBy {
        flow: flow.to_owned(),
        variant: version.variant.clone(),
        summary: Summary { items },
        tasks: (version.tasks.iter())
            .map(|task| Resolution {
                task: task.task.clone(),
                successes: task.successes,
                counted: task.counted,
                median_s: task.time_median_s,
            })
            .collect(),
    }
}
