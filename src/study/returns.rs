//! A participant's next session in a study with returns (docs/returns.md): which trial,
//! whether it has opened yet, and what its header records. The participant's earlier
//! sessions are read from the sessions folder; the clock is the caller's.

mod visited;

use std::fmt;
use std::path::Path;

use chrono::{DateTime, FixedOffset, TimeZone};

use super::assign::Assignment;
use super::progress::{Standing, standing};
use crate::flow::study::Study;
use crate::session::{self, Visit};

pub use visited::{TaskDone, Visited};

/// One counted session of a participant's earlier trials, as its header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Past {
    pub trial: u32,
    /// Its start, in milliseconds since the epoch.
    pub started_ms: i64,
    /// The invitation it gave: when the next trial opens, in milliseconds since the epoch.
    pub next_from_ms: Option<i64>,
    /// The participant's part as assigned at their first trial.
    pub assignment: Assignment,
}

/// A participant's counted sessions of one study, in no order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    pub sessions: Vec<Past>,
}

/// The participant's next session, when it is a return: their part as first assigned,
/// and the header's `visit` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Return {
    pub assignment: Assignment,
    pub visit: Visit,
}

/// Why a returning participant cannot play now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotYet {
    /// Their next session opens at `opens_ms`.
    TooEarly {
        participant: String,
        trial: u32,
        trials: u32,
        opens_ms: i64,
        now_ms: i64,
    },
    /// Every session of their schedule is played.
    AllPlayed { participant: String, trials: u32 },
}

impl fmt::Display for NotYet {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            NotYet::TooEarly {
                participant,
                trial,
                trials,
                opens_ms,
                now_ms,
            } => write!(
                f,
                "{participant}'s session {trial} of {trials} opens at {}, in {}; come back then, or add --early to play it now",
                local_time(*opens_ms),
                wait(opens_ms - now_ms)
            ),
            NotYet::AllPlayed {
                participant,
                trials,
            } => write!(
                f,
                "{participant} has played all {trials} sessions of this study; nothing is left to play"
            ),
        }
    }
}

impl History {
    /// The counted sessions of study `id` that `participant` played, from the session
    /// files under `dir` (simulated ones only when `simulated`).
    pub fn read(id: &str, dir: &Path, participant: &str, simulated: bool) -> History {
        let mut history = History::default();
        if !dir.exists() {
            return history;
        }
        let (files, _) = session::discover(&[dir.to_owned()]);
        session::for_each(&files, |_, read| {
            let Ok(session) = read else { return };
            if session.header.participant != participant || session.header.simulated && !simulated {
                return;
            }
            if let Some(past) = History::past(id, &session) {
                history.sessions.push(past);
            }
        });
        history
    }

    /// The session as a past trial of study `id`, when it is one that counts.
    pub fn past(id: &str, session: &session::Session) -> Option<Past> {
        let block = session.header.study.as_ref().filter(|s| s.id == id)?;
        if standing(session) != Standing::Counted {
            return None;
        }
        let visit = block.visit.as_ref();
        Some(Past {
            trial: visit.map_or(1, |v| v.trial),
            started_ms: session.header.started_ms(),
            next_from_ms: visit.and_then(|v| millis(v.next_from.as_deref()?)),
            assignment: Assignment {
                variants: match block.design {
                    crate::flow::study::Design::Within => block.order.clone(),
                    crate::flow::study::Design::Between => vec![block.variant.clone()],
                },
                order: block.order.clone(),
                slot: block.slot,
                seed: block.seed,
            },
        })
    }

    /// The last trial played, and the start of each trial (its first session's).
    fn trials(&self) -> Option<(u32, Vec<(u32, i64)>)> {
        let last = self.sessions.iter().map(|p| p.trial).max()?;
        let mut starts: Vec<(u32, i64)> = Vec::new();
        for past in &self.sessions {
            match starts.iter_mut().find(|(t, _)| *t == past.trial) {
                Some((_, start)) => *start = (*start).min(past.started_ms),
                None => starts.push((past.trial, past.started_ms)),
            }
        }
        starts.sort_unstable();
        Some((last, starts))
    }
}

/// The next session of `participant` in `study` at `now_ms`: `Ok(None)` for a new
/// participant (or a study without returns), a return when it is due (or `early`), and
/// why not otherwise.
pub fn next(
    study: &Study,
    participant: &str,
    history: &History,
    now_ms: i64,
    early: bool,
) -> Result<Option<Return>, NotYet> {
    let returns = &study.returns;
    if !returns.any() {
        return Ok(None);
    }
    let Some((last, starts)) = history.trials() else {
        return Ok(None);
    };
    let trials = returns.trials();
    if last >= trials {
        return Err(NotYet::AllPlayed {
            participant: participant.to_owned(),
            trials,
        });
    }
    let trial = last + 1;
    let (first, previous) = first_and_previous(&starts, last, now_ms);
    let opens_ms = opening(study, history, trial).unwrap_or(now_ms);
    let is_early = now_ms < opens_ms;
    if is_early && !early {
        return Err(NotYet::TooEarly {
            participant: participant.to_owned(),
            trial,
            trials,
            opens_ms,
            now_ms,
        });
    }
    // The first trial's part: the design holds across trials.
    let assignment = (history.sessions.iter())
        .filter(|p| p.trial == 1)
        .chain(history.sessions.iter())
        .map(|p| p.assignment.clone())
        .next()
        .unwrap_or_else(|| Assignment {
            variants: Vec::new(),
            order: Vec::new(),
            slot: 1,
            seed: 0,
        });
    let mut visit = visit(study, trial, now_ms, first);
    visit.since_previous_ms = u64::try_from(now_ms - previous).ok();
    visit.early = is_early;
    Ok(Some(Return { assignment, visit }))
}

/// Where one returning participant stands at a moment: their next session, when it
/// opens, whether it is open now; or every session played.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Returner {
    pub participant: String,
    /// Their next trial; None when every one is played.
    pub next: Option<u32>,
    /// Trials in their schedule, the retention trial included.
    pub trials: u32,
    /// When the next opens (RFC 3339), and in milliseconds since the epoch.
    pub opens: Option<String>,
    #[serde(skip)]
    pub opens_ms: Option<i64>,
    pub open_now: bool,
}

/// Each participant of `study` with a counted session in `visits`, where they stand at
/// `now_ms`, by the same rule `mvx play` applies (`next`): due now first, the longest
/// open first; then those still waiting, the soonest first; then those done.
pub fn returners(study: &Study, visits: &[Visited], now_ms: i64) -> Vec<Returner> {
    let mut people: Vec<&str> = visits.iter().map(|v| v.participant.as_str()).collect();
    people.sort_unstable();
    people.dedup();
    let mut found: Vec<Returner> = people
        .into_iter()
        .map(|who| {
            let history = History {
                sessions: (visits.iter())
                    .filter(|v| v.participant == who)
                    .map(|v| Past {
                        trial: v.trial,
                        started_ms: v.started_ms,
                        next_from_ms: v.next_from_ms,
                        assignment: Assignment {
                            variants: Vec::new(),
                            order: Vec::new(),
                            slot: 0,
                            seed: 0,
                        },
                    })
                    .collect(),
            };
            let standing = |next: Option<u32>, opens_ms: Option<i64>, open_now| Returner {
                participant: who.to_owned(),
                next,
                trials: study.returns.trials(),
                opens: opens_ms.map(rfc3339),
                opens_ms,
                open_now,
            };
            match next(study, who, &history, now_ms, false) {
                Ok(Some(back)) => {
                    let opened = opening(study, &history, back.visit.trial).unwrap_or(now_ms);
                    standing(Some(back.visit.trial), Some(opened), true)
                }
                Ok(None) => standing(None, None, false),
                Err(NotYet::TooEarly {
                    trial, opens_ms, ..
                }) => standing(Some(trial), Some(opens_ms), false),
                Err(NotYet::AllPlayed { .. }) => standing(None, None, false),
            }
        })
        .collect();
    found.sort_by_key(|s| (!s.open_now, s.next.is_none(), s.opens_ms));
    found
}

/// The start of the participant's first trial and of trial `last`.
fn first_and_previous(starts: &[(u32, i64)], last: u32, now_ms: i64) -> (i64, i64) {
    let start_of = |t: u32| starts.iter().find(|(n, _)| *n == t).map(|(_, s)| *s);
    let first = start_of(1)
        .or_else(|| starts.first().map(|(_, s)| *s))
        .unwrap_or(now_ms);
    (first, start_of(last).unwrap_or(first))
}

/// When `trial` opens for the participant of `history`: at the time their invitation
/// said (the `next_from` their previous trial recorded, what the closing screen showed
/// them), so an invitation given is kept even if the study's schedule was edited since;
/// by the schedule for a session that recorded none.
fn opening(study: &Study, history: &History, trial: u32) -> Option<i64> {
    let (_, starts) = history.trials()?;
    let invited = (history.sessions.iter())
        .filter(|p| p.trial + 1 == trial)
        .filter_map(|p| p.next_from_ms)
        .max();
    let (first, previous) = first_and_previous(&starts, trial - 1, 0);
    Some(invited.unwrap_or_else(|| opens(study, trial, first, previous)))
}

/// The counted sessions of study `id` with returns under `dir` (simulated ones only when
/// `simulated`), as the returns figures read them.
pub fn visits(id: &str, dir: &Path, simulated: bool) -> Vec<Visited> {
    let mut found = Vec::new();
    if !dir.exists() {
        return found;
    }
    let (files, _) = session::discover(&[dir.to_owned()]);
    session::for_each(&files, |_, read| {
        let Ok(session) = read else { return };
        let ours = session.header.study.as_ref().is_some_and(|b| b.id == id);
        if ours
            && (simulated || !session.header.simulated)
            && let Some(visit) = Visited::of(&session)
        {
            found.push(visit);
        }
    });
    found
}

/// The `visit` block of trial `trial` starting at `now_ms`, the participant's first
/// having started at `first_ms` (`now_ms` for trial 1); None for a study without returns.
pub fn first_visit(study: &Study, now_ms: i64) -> Option<Visit> {
    study.returns.any().then(|| visit(study, 1, now_ms, now_ms))
}

fn visit(study: &Study, trial: u32, now_ms: i64, first_ms: i64) -> Visit {
    let returns = &study.returns;
    let next = trial + 1;
    let next_from = (next <= returns.trials()).then(|| opens(study, next, first_ms, now_ms));
    // The first trial's start, or the start of the one before the retention trial.
    let counts_from_this = trial == 1 || returns.is_retention(next);
    let next_after_start_ms = next_from
        .filter(|_| counts_from_this)
        .map(|at| u64::try_from(at.saturating_sub(now_ms)).unwrap_or(0));
    Visit {
        trial,
        trials: returns.trials(),
        retention: returns.is_retention(trial),
        since_first_ms: (trial > 1)
            .then(|| u64::try_from(now_ms - first_ms).ok())
            .flatten(),
        since_previous_ms: None,
        early: false,
        next_from: next_from.map(rfc3339),
        next_after_start_ms,
    }
}

/// `visit` as recorded by a trial that started at `start_ms`: an invitation that counts
/// from the trial's start counts from this one, not from when the trial was planned.
pub fn from_start(visit: &mut Visit, start_ms: i64) {
    if let Some(after) = visit.next_after_start_ms.take() {
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        visit.next_from = Some(rfc3339(start_ms.saturating_add(after)));
    }
}

/// When `trial` opens: its schedule entry after the first trial's start, or (the
/// retention trial) its delay after the previous trial's start.
fn opens(study: &Study, trial: u32, first_ms: i64, previous_ms: i64) -> i64 {
    let returns = &study.returns;
    let ms = |d: u64| i64::try_from(d).unwrap_or(i64::MAX);
    match returns.schedule_ms.get(trial as usize - 1) {
        Some(offset) => first_ms.saturating_add(ms(*offset)),
        None => previous_ms.saturating_add(ms(returns.retention_ms.unwrap_or(0))),
    }
}

/// Milliseconds since the epoch in RFC 3339, in UTC, to the millisecond.
pub fn rfc3339(ms: i64) -> String {
    chrono::Utc
        .timestamp_millis_opt(ms)
        .single()
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

/// An RFC 3339 time read back in milliseconds since the epoch.
pub fn millis(text: &str) -> Option<i64> {
    DateTime::<FixedOffset>::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp_millis())
}

/// A moment as people read it on this machine: `Tue 8 Dec 14:30 (UTC+01:00)`.
pub fn local_time(ms: i64) -> String {
    match chrono::Local.timestamp_millis_opt(ms).single() {
        Some(t) => t.format("%a %-d %b %Y %H:%M:%S (UTC%:z)").to_string(),
        None => rfc3339(ms),
    }
}

/// A wait in words: `23 h 10 min`, `4 min`, `12 s`.
pub fn wait(ms: i64) -> String {
    let s = u64::try_from(ms.max(0)).unwrap_or(0).div_ceil(1000);
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s.div_ceil(60)),
        3600..86_400 => match (s / 3600, (s % 3600) / 60) {
            (h, 0) => format!("{h} h"),
            (h, m) => format!("{h} h {m} min"),
        },
        _ => match (s / 86_400, (s % 86_400) / 3600) {
            (d, 0) => format!("{d} d"),
            (d, h) => format!("{d} d {h} h"),
        },
    }
}

#[cfg(test)]
mod tests;
