//! The rows of one comparison: each figure both sides have, its difference, interval and
//! test. Questionnaires are compared by their scores, never item by item.

use super::{ALPHA, Amount, ComparedFigure, Difference, DifferenceKind, Measure, Said};
use crate::report::figures::{FlowVersion, TaskFigures};
use crate::report::verdicts::{Standard, Verdict, is_item};
use crate::stats;

/// Every figure of `a` (the baseline) and `b` (the variant) that can be set side by side.
pub(super) fn compare(a: &FlowVersion, b: &FlowVersion) -> Vec<ComparedFigure> {
    let mut rows = Vec::new();
    for task in &a.tasks {
        if let Some(other) = b.tasks.iter().find(|t| t.task == task.task) {
            rows.push(completion(task, other));
            rows.push(times(task, other));
        }
    }
    for verdict in a.verdicts.iter().filter(|v| !is_item(&v.question)) {
        if let Some(other) = b.verdicts.iter().find(|v| v.question == verdict.question) {
            rows.extend(yes(verdict, other));
            rows.extend(scale(verdict, other));
        }
    }
    rows.extend(scores(Measure::Sus, &a.sus_scores, &b.sus_scores));
    rows.extend(scores(Measure::UmuxLite, &a.umux_scores, &b.umux_scores));
    rows
}

fn row(subject: &str, measure: Measure, baseline: Amount, variant: Amount) -> ComparedFigure {
    ComparedFigure {
        subject: subject.to_owned(),
        measure,
        baseline,
        variant,
        difference: None,
        test: None,
        p_adjusted: None,
        verdict: Said::Untestable(""),
    }
}

/// Two shares: N-1 two-proportion test, Agresti-Caffo interval of the difference.
fn shares(mut row: ComparedFigure, a: (usize, usize), b: (usize, usize)) -> ComparedFigure {
    let (x1, n1, x2, n2) = (a.0 as u64, a.1 as u64, b.0 as u64, b.1 as u64);
    if n1 == 0 || n2 == 0 {
        row.verdict = Said::Untestable("nothing counted on one side");
        return row;
    }
    row.test = stats::n_minus_one_two_proportion(x1, n1, x2, n2);
    row.difference = stats::agresti_caffo(x1, n1, x2, n2).map(|interval| Difference {
        kind: DifferenceKind::Points,
        value: x2 as f64 / n2 as f64 - x1 as f64 / n1 as f64,
        interval,
    });
    if row.test.is_none() {
        row.verdict = Said::Untestable("both sides had the same all-or-nothing result");
    }
    row
}

fn completion(a: &TaskFigures, b: &TaskFigures) -> ComparedFigure {
    let share = |t: &TaskFigures| Amount::Share {
        count: t.successes,
        of: t.counted,
    };
    let row = row(&a.task, Measure::Completion, share(a), share(b));
    shares(row, (a.successes, a.counted), (b.successes, b.counted))
}

/// Welch's t-test on log times of successful attempts; the difference is the ratio of
/// geometric means with its interval.
fn times(a: &TaskFigures, b: &TaskFigures) -> ComparedFigure {
    let amount = |t: &TaskFigures| match t.time_geometric_mean_s {
        Some(value) => Amount::Seconds {
            value,
            n: t.success_times_s.len(),
        },
        None => Amount::None,
    };
    let mut row = row(&a.task, Measure::Time, amount(a), amount(b));
    match stats::geometric_mean_ratio(&a.success_times_s, &b.success_times_s) {
        Some((ratio, test, interval)) => {
            row.test = Some(test);
            row.difference = Some(Difference {
                kind: DifferenceKind::Ratio,
                value: ratio,
                interval,
            });
        }
        None if a.success_times_s.len() < 2 || b.success_times_s.len() < 2 => {
            row.verdict = Said::Untestable("fewer than two successful attempts on a side");
        }
        None => row.verdict = Said::Untestable("every time was the same on both sides"),
    }
    row
}

/// The N-1 test on the share of "Yes" answers.
fn yes(a: &Verdict, b: &Verdict) -> Option<ComparedFigure> {
    let (ya, yb) = (a.yes.as_ref()?, b.yes.as_ref()?);
    let amount = |count, of| Amount::Share { count, of };
    let row = row(
        &a.question,
        Measure::Yes,
        amount(ya.count, ya.of),
        amount(yb.count, yb.of),
    );
    Some(shares(row, (ya.count, ya.of), (yb.count, yb.of)))
}

/// Welch's test on two samples, its interval on the difference of means.
fn means(mut row: ComparedFigure, a: &[f64], b: &[f64], decimals: usize) -> ComparedFigure {
    match stats::welch_difference(a, b) {
        Some((test, interval)) => {
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            row.test = Some(test);
            row.difference = Some(Difference {
                kind: DifferenceKind::Mean(decimals),
                value: mean(b) - mean(a),
                interval,
            });
        }
        None if a.len() < 2 || b.len() < 2 => {
            row.verdict = Said::Untestable("fewer than two answers on a side");
        }
        None => row.verdict = Said::Untestable("every answer was the same on both sides"),
    }
    row
}

/// A scale question: SEQ, NPS and CSAT by their scores, any other scale by its mean.
fn scale(a: &Verdict, b: &Verdict) -> Option<ComparedFigure> {
    let (ma, mb) = (a.scale.as_ref()?, b.scale.as_ref()?);
    let mean = |value, n| Amount::Mean { value, n };
    match (a.standard, b.standard) {
        (
            Some(Standard::Nps {
                score: sa,
                counts: ca,
                ..
            }),
            Some(Standard::Nps {
                score: sb,
                counts: cb,
                ..
            }),
        ) => {
            let score = |value, n: u64| Amount::Score {
                value,
                n: n as usize,
            };
            let mut row = row(&a.question, Measure::Nps, score(sa, ca.n), score(sb, cb.n));
            match stats::nps_difference(ca, cb) {
                Some((test, interval)) => {
                    row.test = Some(test);
                    row.difference = Some(Difference {
                        kind: DifferenceKind::NpsPoints,
                        value: sb - sa,
                        interval,
                    });
                }
                None => row.verdict = Said::Untestable("no answers on one side"),
            }
            Some(row)
        }
        (
            Some(Standard::Csat {
                top_two: ta,
                of: oa,
                ..
            }),
            Some(Standard::Csat {
                top_two: tb,
                of: ob,
                ..
            }),
        ) => {
            let share = |count, of| Amount::Share { count, of };
            let row = row(&a.question, Measure::Csat, share(ta, oa), share(tb, ob));
            Some(shares(row, (ta, oa), (tb, ob)))
        }
        (Some(Standard::Seq(..)), Some(Standard::Seq(..))) => {
            let row = row(
                &a.question,
                Measure::Seq,
                mean(ma.mean, ma.n),
                mean(mb.mean, mb.n),
            );
            Some(means(row, &a.values(), &b.values(), 2))
        }
        _ => {
            let row = row(
                &a.question,
                Measure::Mean,
                mean(ma.mean, ma.n),
                mean(mb.mean, mb.n),
            );
            Some(means(row, &a.values(), &b.values(), 2))
        }
    }
}

/// A questionnaire's total per session (SUS, UMUX-Lite), when either side has one.
fn scores(measure: Measure, a: &[f64], b: &[f64]) -> Option<ComparedFigure> {
    if a.is_empty() && b.is_empty() {
        return None;
    }
    let amount = |v: &[f64]| match v.len() {
        0 => Amount::None,
        n => Amount::Score {
            value: v.iter().sum::<f64>() / n as f64,
            n,
        },
    };
    let row = row("", measure, amount(a), amount(b));
    Some(means(row, a, b, 1))
}

/// What the row's test says, once p-values are adjusted: the side that did better (or
/// scored higher) below 0.05, else no difference detected; an untestable row keeps why.
pub(super) fn said(row: &ComparedFigure, baseline: &str, variant: &str) -> Said {
    let (Some(p), Some(difference)) = (row.p(), row.difference) else {
        return match &row.verdict {
            Said::Untestable(why) if !why.is_empty() => Said::Untestable(why),
            _ => Said::Untestable("the test could not be run"),
        };
    };
    if row.test.is_none() {
        return row.verdict.clone();
    }
    if p >= ALPHA {
        return Said::NoDifference { p };
    }
    let variant_higher = match difference.kind {
        // A ratio under 1 means the variant took less time: it was faster.
        DifferenceKind::Ratio => difference.value < 1.0,
        _ => difference.value > 0.0,
    };
    let winner = if variant_higher { variant } else { baseline };
    Said::Different {
        winner: winner.to_owned(),
        measure: row.measure,
        p,
    }
}
