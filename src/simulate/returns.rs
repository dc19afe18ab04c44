//! Synthetic participants who come back, in a study with returns (docs/returns.md): after
//! their first trial each returns for every later one a little after it opens, unless
//! they drop out first, and walks the way they walked the first time, faster by the power
//! law of practice. Which trial comes next, when it opens and what its header's `visit`
//! block says are `study::returns`'s to decide, as they are for `mvx play`: a return is
//! asked of `returns::next` at the synthetic moment the participant comes back.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::sessions::past_consent;
use super::study::{Made, write, write_drawing};
use crate::flow::study::{Returns, Study};
use crate::study::OpenedStudy;
use crate::study::participant::Plan;
use crate::study::returns::{self, History};

/// How synthetic participants come back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Returning {
    /// The share who drop out before each return, never to come back: 0 to 1.
    pub dropout: f64,
    /// `b` of the power law of practice: trial n takes n^-b times as long as the first.
    pub learning_rate: f64,
}

impl Default for Returning {
    fn default() -> Self {
        Returning {
            dropout: 0.2,
            learning_rate: 0.3,
        }
    }
}

/// The retention trial takes this many times as long as the last scheduled one: some of
/// what was learned is forgotten over the longer delay. Plausible, not fitted to data.
pub const FORGETTING: f64 = 1.15;

/// A participant comes back up to this long after their next trial opens.
pub const MOST_DELAY_MS: i64 = 6 * 60 * 60 * 1000;

/// Mixed into the participant's seed for the draws of whether and when they come back,
/// so those draws leave the walk's own draws as they were.
const RETURNS_SEED: u64 = 0x7265_7475_726e_7321;

impl Returning {
    /// How long trial `trial` (1, 2, ...) takes, as a multiple of the first: n^-b for a
    /// scheduled one; the last scheduled one's times `FORGETTING` for the retention trial.
    pub fn pace(&self, returns: &Returns, trial: u32) -> f64 {
        let practised = match returns.is_retention(trial) {
            true => returns.sessions,
            false => trial,
        };
        let pace = f64::from(practised).powf(-self.learning_rate);
        match returns.is_retention(trial) {
            true => pace * FORGETTING,
            false => pace,
        }
    }
}

/// Writes one participant of the study into `dir`: their first trial from `plan`,
/// starting at `started`, then (in a study with returns) each return they come back for.
/// Returns how many files it wrote.
pub fn write_participant(
    opened: &OpenedStudy,
    plan: Plan,
    made: &Made,
    (dir, started): (&Path, DateTime<Utc>),
    returning: &Returning,
) -> Result<usize, String> {
    let Some((study, _)) = opened.playable() else {
        return Err("the study has errors".into());
    };
    let first = plan.with_visit(returns::first_visit(study, started.timestamp_millis()));
    let files = write(&first, made, dir, started)?;
    let mut written = files.len();
    let mut history = History::default();
    remember(&mut history, study, &files);
    let mut draws = fastrand::Rng::with_seed(made.seed ^ RETURNS_SEED);
    let mut invitation = invited_back(&first);
    // At most one visit per trial after the first: a trial played again (one that did not
    // count) takes the place of a later one.
    for _ in 1..study.returns.trials() {
        let Some(opens_ms) = invitation else { break };
        if draws.f64() < returning.dropout {
            break;
        }
        let now_ms = opens_ms.saturating_add(draws.i64(0..=most_delay(&study.returns)));
        let back = returns::next(study, &made.participant, &history, now_ms, false);
        let Ok(Some(back)) = back else { break };
        let trial = back.visit.trial;
        let plan = Plan::study(opened, &opened.path, &back.assignment)?;
        let plan = plan.with_visit(Some(back.visit));
        let returning_made = Made {
            ids: format!("{}-t{trial}", made.ids),
            pace: made.pace * returning.pace(&study.returns, trial),
            ..made.clone()
        };
        let files = write_return(study, &plan, &returning_made, dir, now_ms)?;
        written += files.len();
        remember(&mut history, study, &files);
        invitation = invited_back(&plan);
    }
    Ok(written)
}

/// The longest a participant comes back after their session opens: `MOST_DELAY_MS`, or
/// a quarter of the schedule's shortest gap if that is less, so that no return comes
/// after the one that follows it opens (a schedule of minutes, for a try-out).
fn most_delay(returns: &Returns) -> i64 {
    let gaps = (returns.schedule_ms.windows(2))
        .map(|pair| pair[1].saturating_sub(pair[0]))
        .chain(returns.retention_ms)
        .filter(|gap| *gap > 0);
    let shortest = gaps
        .min()
        .map_or(i64::MAX, |gap| i64::try_from(gap / 4).unwrap_or(i64::MAX));
    MOST_DELAY_MS.min(shortest)
}

/// A return: walked from the participant's own seed, past the draw their first visit's
/// consent took, so that they make the same choices and answers as the first time (they
/// know the way now), only at the pace of this trial.
fn write_return(
    study: &Study,
    plan: &Plan,
    made: &Made,
    dir: &Path,
    now_ms: i64,
) -> Result<Vec<PathBuf>, String> {
    let Some(started) = DateTime::from_timestamp_millis(now_ms) else {
        return Err(format!("trial starts out of range ({now_ms} ms)"));
    };
    let mut rng = fastrand::Rng::with_seed(made.seed);
    if study.consent.is_some() {
        past_consent(&mut rng, &made.hesitation);
    }
    write_drawing(plan, made, &mut rng, dir, started)
}

/// The participant's counted sessions in `files` added to their `history`, as `mvx play`
/// would read them from the folder.
fn remember(history: &mut History, study: &Study, files: &[PathBuf]) {
    for file in files {
        let Ok(session) = crate::session::read(file) else {
            continue;
        };
        history.sessions.extend(History::past(&study.id, &session));
    }
}

/// When the plan's trial invites the participant back: the `next_from` its last session
/// records, in milliseconds since the epoch.
fn invited_back(plan: &Plan) -> Option<i64> {
    let next_from = plan.sessions.iter().rev().find_map(|planned| {
        let visit = planned.study.as_ref()?.visit.as_ref()?;
        visit.next_from.clone()
    })?;
    returns::millis(&next_from)
}

#[cfg(test)]
mod tests;
