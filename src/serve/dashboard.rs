//! What the researcher of `mvx serve` is shown, as data: every participant's state,
//! variant, step and time on it, the counts per variant against the study's target,
//! and (in `alerts`) who needs a look. One snapshot of the room, worded by every output:
//! the text lines, the JSON lines and the full-screen dashboard.

pub mod alerts;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::stats::Sample;

/// Where a participant is, as the researcher says it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "how", rename_all = "snake_case")]
pub enum State {
    /// Invited; the link has not been opened.
    Waiting,
    Consenting,
    Playing,
    /// The page is out of sight (its tab hidden) or out of focus.
    Paused,
    /// The page's window is too small to show the session.
    TooSmall,
    /// The connection dropped with the session still live: the participant may come back.
    Disconnected,
    /// The part is over: `complete`, `aborted`, `declined` or why it stopped.
    Finished(String),
}

impl State {
    /// `playing`, `too small`, `finished: complete`.
    pub fn words(&self) -> String {
        match self {
            State::Waiting => "waiting".into(),
            State::Consenting => "consenting".into(),
            State::Playing => "playing".into(),
            State::Paused => "paused".into(),
            State::TooSmall => "too small".into(),
            State::Disconnected => "disconnected".into(),
            State::Finished(how) => format!("finished: {how}"),
        }
    }
}

/// One participant, at the snapshot's moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub participant: String,
    /// The variant played now (a study's), or chosen for the invitation.
    pub variant: Option<String>,
    #[serde(flatten)]
    pub state: State,
    /// The step or question on screen.
    pub step: Option<String>,
    /// How long the step has been on screen.
    #[serde(rename = "on_step_ms", serialize_with = "millis")]
    pub on_step: Option<Duration>,
    /// How long the window has been too small.
    #[serde(skip)]
    pub too_small_for: Option<Duration>,
    /// In a study with returns, the session of the participant's schedule played now
    /// (or last), and how many it has; left out otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trial: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trials: Option<u32>,
}

/// Participants of one variant (`None`: the served flow) against the study's target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub variant: Option<String>,
    /// Finished with the session complete, in this run of the server.
    pub complete: usize,
    /// Playing now (consenting, playing, paused, too small or disconnected).
    pub playing: usize,
    /// Per variant (between) or in all (within); none without a target.
    pub target: Option<u32>,
}

/// The room at one moment: what every output words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    pub participants: Vec<Row>,
    pub counts: Vec<Count>,
    /// Medians of the time on each step, per variant, among those who left it.
    #[serde(skip)]
    pub medians: StepTimes,
}

impl Dashboard {
    /// The snapshot without its times: two that agree here say the same to a script.
    pub fn same_as(&self, other: &Dashboard) -> bool {
        let untimed = |d: &Dashboard| {
            let rows = d.participants.iter();
            let rows = rows.map(|r| {
                (
                    r.participant.clone(),
                    r.variant.clone(),
                    r.state.clone(),
                    r.step.clone(),
                    r.trial,
                )
            });
            (rows.collect::<Vec<_>>(), d.counts.clone())
        };
        untimed(self) == untimed(other)
    }
}

fn millis<S: serde::Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_some(&(d.as_millis() as u64)),
        None => s.serialize_none(),
    }
}

/// What the room keeps of a seat for its snapshot.
#[derive(Debug, Clone, Default)]
pub struct Whereabouts {
    /// The step or question on screen, and since when.
    pub step: Option<(String, Instant)>,
    /// The consent is on screen.
    pub consenting: bool,
    /// Since when the window has been too small.
    pub too_small: Option<Instant>,
    /// Since when the page has been out of sight or focus.
    pub away: Option<Instant>,
    /// The variant of the session being played.
    pub variant: Option<String>,
    /// How the session just ended (`complete`, `aborted`), while its last screen (the
    /// thanks) is still up: the part is over as far as the study goes.
    pub ended: Option<String>,
}

/// Times on each step of those who left it in this run of the server, per variant
/// (variants differ in their steps, and a step of the same name may take longer in
/// one): the medians the `stuck` alert measures against.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StepTimes {
    times: HashMap<(Option<String>, String), Sample>,
}

impl StepTimes {
    pub fn left(&mut self, variant: Option<&str>, step: &str, after: Duration) {
        let key = (variant.map(str::to_owned), step.to_owned());
        (self.times.entry(key).or_default()).push(after.as_secs_f64() * 1000.0);
    }

    /// How many left `step` of `variant`, and their median time on it.
    pub fn median(&self, variant: Option<&str>, step: &str) -> (usize, Option<Duration>) {
        let key = (variant.map(str::to_owned), step.to_owned());
        let Some(sample) = self.times.get(&key) else {
            return (0, None);
        };
        let median = crate::stats::median(sample)
            .map(|ms| Duration::from_millis(ms.max(0.0).round() as u64));
        (sample.len(), median)
    }
}

/// A participant's seat as the room holds it, for [`snapshot`].
pub struct SeatView<'a> {
    pub participant: &'a str,
    pub variant: Option<&'a str>,
    /// The study's assignment: the variants played, in turn.
    pub assigned: &'a [String],
    pub connected: bool,
    pub started: bool,
    pub ended: Option<&'a str>,
    /// In a study with returns, the trial and how many there are.
    pub trial: Option<(u32, u32)>,
    pub whereabouts: &'a Whereabouts,
}

impl<'a> SeatView<'a> {
    /// How the part ended: the seat's last session over, or over with its thanks up.
    fn over(&self) -> Option<&'a str> {
        self.ended.or(self.whereabouts.ended.as_deref())
    }

    fn state(&self) -> State {
        let w = self.whereabouts;
        match (self.over(), self.connected, self.started) {
            (Some(how), ..) => State::Finished(how.to_owned()),
            (None, false, false) => State::Waiting,
            (None, false, true) => State::Disconnected,
            _ if w.too_small.is_some() => State::TooSmall,
            _ if w.away.is_some() => State::Paused,
            _ if w.consenting => State::Consenting,
            _ => State::Playing,
        }
    }

    fn row(&self, now: Instant) -> Row {
        let w = self.whereabouts;
        let state = self.state();
        let finished = matches!(state, State::Finished(_));
        let step = (w.step.as_ref()).filter(|_| !finished && !w.consenting);
        Row {
            participant: self.participant.to_owned(),
            variant: (w.variant.as_deref())
                .or(self.assigned.first().map(String::as_str))
                .or(self.variant)
                .map(str::to_owned),
            state,
            step: step.map(|(s, _)| s.clone()),
            on_step: step.map(|(_, since)| now.saturating_duration_since(*since)),
            too_small_for: w
                .too_small
                .map(|since| now.saturating_duration_since(since)),
            trial: self.trial.map(|(trial, _)| trial),
            trials: self.trial.map(|(_, trials)| trials),
        }
    }
}

/// The room at `now`: `variants` are the study's (none for a flow), `target` its target.
pub fn snapshot(
    seats: &[SeatView<'_>],
    variants: &[String],
    target: Option<u32>,
    medians: &StepTimes,
    now: Instant,
) -> Dashboard {
    let participants: Vec<Row> = seats.iter().map(|s| s.row(now)).collect();
    let count = |variant: Option<&String>| {
        let mine = |s: &&SeatView<'_>| variant.is_none_or(|v| s.assigned.contains(v));
        let seats = seats.iter().filter(mine);
        let (done, live): (Vec<_>, Vec<_>) = seats.partition(|s| s.over().is_some());
        Count {
            variant: variant.cloned(),
            complete: done.iter().filter(|s| s.over() == Some("complete")).count(),
            playing: live.iter().filter(|s| s.started).count(),
            target,
        }
    };
    let counts = match variants {
        [] => vec![count(None)],
        _ => variants.iter().map(|v| count(Some(v))).collect(),
    };
    Dashboard {
        participants,
        counts,
        medians: medians.clone(),
    }
}

#[cfg(test)]
mod tests;
