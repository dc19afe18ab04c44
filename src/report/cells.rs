//! The words both the Markdown and the HTML report print, decided once: a task's row,
//! who was counted, repeated participants. Each renderer escapes them its own way.

use super::figures::TaskFigures;
use super::{Counting, FlowReport};
use crate::format::{self, or_missing, percent, percent_interval, seconds_interval};
use crate::report::verdicts::{Mean, Share};
use crate::stats::Interval;

/// The columns of the tasks table.
pub const TASK_COLUMNS: [&str; 17] = [
    "task",
    "attempts",
    "counted",
    "completed",
    "95% CI",
    "direct success",
    "indirect success",
    "failure",
    "gave up",
    "timed out",
    "not counted (technical)",
    "time (geometric mean)",
    "95% CI",
    "median (95% CI)",
    "directness",
    "first choice right",
    "lostness",
];

/// `5/8 (62%)`, with the n visible as the denominator.
fn share(s: &Share) -> String {
    match s.rate() {
        Some(rate) => format!("{}/{} ({})", s.count, s.of, percent(rate)),
        None => format::MISSING.into(),
    }
}

fn mean(m: &Mean, decimals: usize) -> String {
    format!(
        "{}{}",
        format::number(m.mean, decimals),
        format::small_n(m.n)
    )
}

/// `9.8 s (6.1–12.0 s)`: the median and its distribution-free interval, where there
/// are enough times for one (six).
fn median(median: Option<f64>, interval: Option<Interval>) -> String {
    match (median, interval) {
        (Some(m), Some(i)) => format!("{} ({})", format::seconds(m), seconds_interval(i)),
        (m, _) => format::seconds_or_missing(m),
    }
}

/// A task's row, every cell in words; the task's id is the first cell, unescaped.
pub fn task_row(task: &TaskFigures) -> [String; 17] {
    let times = task.success_times_s.len();
    [
        task.task.clone(),
        task.attempts.to_string(),
        task.counted.to_string(),
        task.successes.to_string(),
        or_missing(task.completion.map(percent_interval)),
        share(&task.direct_success),
        task.indirect_success.to_string(),
        task.failures.to_string(),
        task.gave_up.to_string(),
        task.timed_out.to_string(),
        task.technical.to_string(),
        or_missing(
            task.time_geometric_mean_s
                .map(|s| format!("{}{}", format::seconds(s), format::small_n(times))),
        ),
        or_missing(task.time_interval_s.map(seconds_interval)),
        median(task.time_median_s, task.time_median_interval_s),
        share(&task.directness),
        or_missing(task.first_choice_right.as_ref().map(share)),
        or_missing(task.lostness.as_ref().map(|m| mean(m, 2))),
    ]
}

/// How each attempt of a task ended, every outcome word kept: `success 5, partial 2`.
pub fn endings(task: &TaskFigures) -> String {
    let parts: Vec<String> = task
        .outcomes
        .iter()
        .map(|(ending, n)| format!("{} {n}", ending.word()))
        .collect();
    parts.join(", ")
}

/// Who and what the report counts, in one sentence.
pub fn counting(counting: &Counting) -> String {
    let who = if counting.all_attempts {
        "every session of each participant (--all-attempts)"
    } else {
        "each participant's first session of a flow (--all-attempts counts every session)"
    };
    let technical = if counting.count_technical {
        "technical endings (the researcher's abort, a signal or hang-up, a cut-off file) count as failures (--count-technical)"
    } else {
        "technical endings (the researcher's abort, a signal or hang-up, a cut-off file) are left out of completion and the tests and listed as not counted (--count-technical counts them)"
    };
    format!("Counted: {who}; {technical}.")
}

/// `P03 (8 sessions), P05 (2 sessions)` and what was done about them, or nothing.
pub fn repeated(flow: &FlowReport, counting: &Counting) -> Option<String> {
    if flow.repeated.is_empty() {
        return None;
    }
    let who: Vec<String> = flow
        .repeated
        .iter()
        .map(|r| format!("{} ({} sessions)", r.participant, r.sessions))
        .collect();
    let done = if counting.all_attempts {
        "every session is counted, as if each were another person"
    } else {
        "only each one's first session is counted"
    };
    Some(format!(
        "Participants with more than one session: {}; {done}.",
        who.join(", ")
    ))
}

/// What was done when `--baseline` named a variant this flow does not have; each
/// renderer sets the names its own way with `id`.
pub fn baseline_not_found(flow: &FlowReport, id: impl Fn(&str) -> String) -> Option<String> {
    let wanted = flow.baseline_not_found.as_ref()?;
    let used = &flow.comparisons.first()?.baseline.variant;
    Some(format!(
        "This flow has no variant {} (--baseline); its variants are compared with {}, the first named variant, instead.",
        id(wanted),
        id(used)
    ))
}

/// A mean with its interval: `72.5 (65.1–79.9), n = 12`.
pub fn mean_with_interval(m: &Mean, decimals: usize) -> String {
    format!(
        "{} ({}), n = {}",
        format::number(m.mean, decimals),
        or_missing(m.interval.map(|i| format::interval(i, decimals))),
        m.n
    )
}
