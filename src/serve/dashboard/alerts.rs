//! Who needs the researcher's look, computed from a snapshot: stuck on a step, a window
//! too small, a connection lost; and each raised once while it holds, cleared after.

use std::collections::BTreeSet;
use std::time::Duration;

use serde::Serialize;

use super::{Dashboard, Row, State};

/// How many left a step before its median is trusted over `stuck_after`.
pub const MEDIAN_FROM: usize = 3;
/// A window too small for less than this is a resize in passing.
pub const TOO_SMALL_AFTER: Duration = Duration::from_secs(2);

/// When a participant counts as stuck.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// `--stuck-factor`: times the step's median.
    pub stuck_factor: f64,
    /// `--stuck-after`: the limit before [`MEDIAN_FROM`] participants have left the step.
    pub stuck_after: Duration,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            stuck_factor: 3.0,
            stuck_after: Duration::from_secs(120),
        }
    }
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "alert", rename_all = "snake_case")]
pub enum Kind {
    Stuck { step: String },
    TooSmall,
    Disconnected,
}

/// One alert as it stands at the snapshot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    pub participant: String,
    #[serde(flatten)]
    pub kind: Kind,
    /// How long it has held: the time on the step, or with the window too small.
    #[serde(rename = "for_ms", serialize_with = "millis")]
    pub held: Option<Duration>,
    /// The step's median among those who left it, when the limit came from it.
    #[serde(rename = "median_ms", serialize_with = "millis")]
    pub median: Option<Duration>,
}

fn millis<S: serde::Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    super::millis(d, s)
}

/// Every alert that holds in `dashboard`, in the participants' order.
pub fn alerts(dashboard: &Dashboard, thresholds: &Thresholds) -> Vec<Alert> {
    (dashboard.participants.iter())
        .filter_map(|row| alert(dashboard, row, thresholds))
        .collect()
}

fn alert(dashboard: &Dashboard, row: &Row, thresholds: &Thresholds) -> Option<Alert> {
    let raise = |kind, held, median| Alert {
        participant: row.participant.clone(),
        kind,
        held,
        median,
    };
    match row.state {
        State::Disconnected => Some(raise(Kind::Disconnected, None, None)),
        State::TooSmall => (row.too_small_for? >= TOO_SMALL_AFTER)
            .then(|| raise(Kind::TooSmall, row.too_small_for, None)),
        State::Playing => {
            let (step, on_step) = (row.step.as_ref()?, row.on_step?);
            let (left, median) = dashboard.medians.median(row.variant.as_deref(), step);
            let median = median.filter(|_| left >= MEDIAN_FROM);
            let limit = match median {
                Some(median) => median.mul_f64(thresholds.stuck_factor),
                None => thresholds.stuck_after,
            };
            let kind = Kind::Stuck { step: step.clone() };
            (on_step > limit).then(|| raise(kind, Some(on_step), median))
        }
        _ => None,
    }
}

/// The alerts raised so far and not cleared: each is told once when it starts to hold,
/// and once when it stops.
#[derive(Debug, Default)]
pub struct Raised {
    holding: BTreeSet<(String, Kind)>,
}

/// What changed since the last look.
#[derive(Debug, Default, PartialEq)]
pub struct Changes {
    pub raised: Vec<Alert>,
    /// Participant and what no longer holds.
    pub cleared: Vec<(String, Kind)>,
}

impl Raised {
    /// Compares `now` (every alert that holds) with those raised before.
    pub fn look(&mut self, now: &[Alert]) -> Changes {
        let key = |a: &Alert| (a.participant.clone(), a.kind.clone());
        let raised: Vec<Alert> = (now.iter())
            .filter(|a| !self.holding.contains(&key(a)))
            .cloned()
            .collect();
        let holds = |k: &(String, Kind)| now.iter().any(|a| key(a) == *k);
        let cleared: Vec<(String, Kind)> = (self.holding.iter())
            .filter(|k| !holds(k))
            .cloned()
            .collect();
        self.holding = now.iter().map(key).collect();
        Changes { raised, cleared }
    }

    /// Whether `participant` has an alert raised now.
    pub fn has(&self, participant: &str) -> bool {
        self.holding.iter().any(|(p, _)| p == participant)
    }
}

impl Kind {
    /// `stuck on checkout`, `window too small`, `connection lost`.
    pub fn words(&self) -> String {
        match self {
            Kind::Stuck { step } => format!("stuck on {step}"),
            Kind::TooSmall => "window too small".into(),
            Kind::Disconnected => "connection lost".into(),
        }
    }
}

impl Alert {
    /// `stuck on checkout for 3m 10s (median 40s)`.
    pub fn words(&self) -> String {
        let span = |d: Duration| crate::format::span(d.as_millis() as u64);
        let held = self.held.map(|d| format!(" for {}", span(d)));
        let median = self.median.map(|d| format!(" (median {})", span(d)));
        let (held, median) = (held.unwrap_or_default(), median.unwrap_or_default());
        format!("{}{held}{median}", self.kind.words())
    }
}
