//! The rows of one comparison: each figure either side has, its difference, interval and
//! test. Questionnaires are compared by their scores, never item by item. A figure one
//! side lacks keeps its row, and says why it cannot be tested.

use super::{ALPHA, Amount, ComparedFigure, Difference, DifferenceKind, Effect, Measure, Said};
use crate::report::figures::{FlowVersion, TaskFigures};
use crate::report::verdicts::{Standard, Verdict};
use crate::stats::{self, Sample};

/// Why a side has nothing to compare.
const NO_ATTEMPTS: &str = "nothing counted on one side";
const NO_ANSWERS: &str = "no answers on one side";

/// Every figure of `a` (the baseline) or `b` (the variant), side by side.
pub(super) fn compare(a: &FlowVersion, b: &FlowVersion) -> Vec<ComparedFigure> {
    let mut rows = Vec::new();
    for task in union(&a.tasks, &b.tasks, |t| &t.task) {
        let (ta, tb) = (task_of(a, &task), task_of(b, &task));
        rows.push(completion(&task, ta, tb));
        rows.push(times(&task, ta, tb));
    }
    let questions = union(&a.verdicts, &b.verdicts, |v| &v.question);
    for question in questions.iter().filter(|q| !a.questionnaires.is_item(q)) {
        let (va, vb) = (verdict_of(a, question), verdict_of(b, question));
        rows.extend(yes(question, va, vb));
        rows.extend(scale(question, va, vb));
    }
    let empty = Sample::new();
    for score in &a.scores.0 {
        let q = score.questionnaire;
        let theirs = b.scores.0.iter().find(|s| s.questionnaire.id == q.id);
        let measure = Measure::Score(q.compared_as);
        rows.extend(scores(
            measure,
            &score.scores,
            theirs.map_or(&empty, |s| &s.scores),
        ));
    }
    rows
}

fn task_of<'v>(version: &'v FlowVersion, task: &str) -> Option<&'v TaskFigures> {
    version.tasks.iter().find(|t| t.task == task)
}

fn verdict_of<'v>(version: &'v FlowVersion, question: &str) -> Option<&'v Verdict> {
    version.verdicts.iter().find(|v| v.question == question)
}

/// The ids of `a`, then those only `b` has, each once.
fn union<T>(a: &[T], b: &[T], id: impl Fn(&T) -> &String) -> Vec<String> {
    let mut ids: Vec<String> = a.iter().map(&id).cloned().collect();
    for other in b.iter().map(&id) {
        if !ids.contains(other) {
            ids.push(other.clone());
        }
    }
    ids
}

pub(super) fn row(
    subject: &str,
    measure: Measure,
    baseline: Amount,
    variant: Amount,
) -> ComparedFigure {
    ComparedFigure {
        subject: subject.to_owned(),
        measure,
        baseline,
        variant,
        difference: None,
        test: None,
        p_adjusted: None,
        verdict: Said::Untestable(""),
        note: None,
        effect: None,
        paired: None,
    }
}

/// Two shares: the N-1 or the Fisher–Irwin test (Campbell's rule), the Agresti-Caffo
/// interval of the difference. `empty` says why a side with nothing cannot be tested.
fn shares(
    mut row: ComparedFigure,
    a: (usize, usize),
    b: (usize, usize),
    empty: &'static str,
) -> ComparedFigure {
    let (x1, n1, x2, n2) = (a.0 as u64, a.1 as u64, b.0 as u64, b.1 as u64);
    if n1 == 0 || n2 == 0 {
        row.verdict = Said::Untestable(empty);
        return row;
    }
    row.test = stats::two_proportions(x1, n1, x2, n2);
    row.difference = stats::agresti_caffo(x1, n1, x2, n2).map(|interval| Difference {
        kind: DifferenceKind::Points,
        value: x2 as f64 / n2 as f64 - x1 as f64 / n1 as f64,
        interval: Some(interval),
    });
    row.effect = stats::risk_ratio(x1, n1, x2, n2)
        .map(|(value, interval)| Effect::RiskRatio { value, interval });
    if row.test.is_none() {
        row.verdict = Said::Untestable("both sides had the same all-or-nothing result");
    }
    row
}

pub(super) fn share(count: usize, of: usize) -> Amount {
    Amount::Share { count, of }
}

fn completion(task: &str, a: Option<&TaskFigures>, b: Option<&TaskFigures>) -> ComparedFigure {
    let counts = |t: Option<&TaskFigures>| t.map_or((0, 0), |t| (t.successes, t.counted));
    shares_of(task, counts(a), counts(b))
}

/// Welch's t-test on log times of successful attempts; the difference is the ratio of
/// geometric means, kept (without an interval) when no test can run.
fn times(task: &str, a: Option<&TaskFigures>, b: Option<&TaskFigures>) -> ComparedFigure {
    let empty = Sample::new();
    let (ta, tb) = (
        a.map_or(&empty, |t| &t.success_times_s),
        b.map_or(&empty, |t| &t.success_times_s),
    );
    let amount =
        |t: Option<&TaskFigures>, times: &Sample| match t.and_then(|t| t.time_geometric_mean_s) {
            Some(value) => Amount::Seconds {
                value,
                n: times.len(),
            },
            None => Amount::None,
        };
    let row = row(task, Measure::Time, amount(a, ta), amount(b, tb));
    welch_on_logs(row, ta, tb)
}

fn welch_on_logs(mut row: ComparedFigure, ta: &Sample, tb: &Sample) -> ComparedFigure {
    let log_mean = |v: &Sample| {
        let positive = v.all(|t| t > 0.0 && t.is_finite());
        positive.then(|| v.map(f64::ln).mean()).flatten()
    };
    if let (Some(la), Some(lb)) = (log_mean(ta), log_mean(tb)) {
        row.difference = Some(Difference {
            kind: DifferenceKind::Ratio,
            value: (lb - la).exp(),
            interval: None,
        });
    }
    match stats::geometric_mean_ratio(ta, tb) {
        Some((_, test, interval)) => {
            row.test = Some(test);
            if let Some(d) = row.difference.as_mut() {
                d.interval = Some(interval);
            }
        }
        None if ta.len() < 2 || tb.len() < 2 => {
            row.verdict = Said::Untestable("fewer than two successful attempts on a side");
        }
        None => row.verdict = Said::Untestable("no variation within either side"),
    }
    row
}

/// Completion of two independent groups (`(successes, of)`, baseline then variant), as
/// a flow's tasks are compared: Campbell's rule, Agresti-Caffo, variant − baseline.
pub(crate) fn shares_of(subject: &str, a: (usize, usize), b: (usize, usize)) -> ComparedFigure {
    let row = row(
        subject,
        Measure::Completion,
        share(a.0, a.1),
        share(b.0, b.1),
    );
    shares(row, a, b, NO_ATTEMPTS)
}

/// Times of two independent groups, as a flow's tasks are compared: the ratio of
/// geometric means variant/baseline, Welch's t on log times.
pub(crate) fn times_of(subject: &str, a: &Sample, b: &Sample) -> ComparedFigure {
    let amount = |v: &Sample| match stats::geometric_middle(v) {
        Some((value, _)) => Amount::Seconds { value, n: v.len() },
        None => Amount::None,
    };
    let row = row(subject, Measure::Time, amount(a), amount(b));
    welch_on_logs(row, a, b)
}

/// The test of the share of "Yes" answers, when either side asked it as yes/no. A side
/// whose answers were all something else ("Maybe", "Partly") answered Yes none of the
/// times it answered: it is compared as 0 of its answers, and the row says what it lacks.
fn yes(question: &str, a: Option<&Verdict>, b: Option<&Verdict>) -> Option<ComparedFigure> {
    let counts = |v: Option<&Verdict>| v.and_then(|v| v.yes.as_ref()).map(|y| (y.count, y.of));
    let (ya, yb) = (counts(a), counts(b));
    ya.or(yb)?;
    let (na, nb) = (no_yes_or_no(a), no_yes_or_no(b));
    let (ya, yb) = (
        ya.or(na.as_ref().map(|(n, _)| (0, *n))),
        yb.or(nb.as_ref().map(|(n, _)| (0, *n))),
    );
    let amount = |c: Option<(usize, usize)>| c.map_or(Amount::None, |(x, n)| share(x, n));
    let mut row = row(question, Measure::Yes, amount(ya), amount(yb));
    row.note = match (na, nb) {
        (Some((_, options)), _) => {
            Some(format!("the baseline gave no Yes or No answer ({options})"))
        }
        (_, Some((_, options))) => {
            Some(format!("the variant gave no Yes or No answer ({options})"))
        }
        _ => None,
    };
    Some(shares(
        row,
        ya.unwrap_or_default(),
        yb.unwrap_or_default(),
        NO_ANSWERS,
    ))
}

/// A side that chose among options but never "Yes" or "No": how many option answers,
/// and what they were (`Maybe 3, Partly 2`).
fn no_yes_or_no(v: Option<&Verdict>) -> Option<(usize, String)> {
    let v = v.filter(|v| v.yes.is_none())?;
    let answered: usize = v.options.iter().map(|(_, n)| n).sum();
    let said: Vec<String> = v.options.iter().map(|(o, n)| format!("{o} {n}")).collect();
    (answered > 0).then(|| (answered, said.join(", ")))
}

/// Welch's test on two samples, its interval on the difference of means; the difference
/// is kept, without an interval, when no test can run.
fn means(mut row: ComparedFigure, a: &Sample, b: &Sample, decimals: usize) -> ComparedFigure {
    let (Some(ma), Some(mb)) = (a.mean(), b.mean()) else {
        row.verdict = Said::Untestable(NO_ANSWERS);
        return row;
    };
    let test = stats::welch_difference(a, b);
    row.test = test.map(|(t, _)| t);
    row.effect = stats::hedges_g(a, b).map(|(value, interval)| Effect::HedgesG { value, interval });
    row.difference = Some(Difference {
        kind: DifferenceKind::Mean(decimals),
        value: mb - ma,
        interval: test.map(|(_, i)| i),
    });
    if test.is_none() {
        row.verdict = Said::Untestable(if a.len() < 2 || b.len() < 2 {
            "fewer than two answers on a side"
        } else {
            "no variation within either side"
        });
    }
    row
}

/// A scale question: a single-question questionnaire of the table (SEQ, NPS, CSAT) by
/// its score, as its row says, any other scale by its mean.
fn scale(question: &str, a: Option<&Verdict>, b: Option<&Verdict>) -> Option<ComparedFigure> {
    let (sa, sb) = (
        a.and_then(|v| v.scale.as_ref()),
        b.and_then(|v| v.scale.as_ref()),
    );
    sa.or(sb)?;
    let standard = |v: Option<&Verdict>| v.and_then(|v| v.standard);
    let (da, db) = (standard(a), standard(b));
    let empty = Sample::new();
    let (na, nb) = (
        a.map_or(&empty, |v| &v.numbers),
        b.map_or(&empty, |v| &v.numbers),
    );
    let mean_of = |m: Option<&crate::report::Mean>| {
        m.map_or(Amount::None, |m| Amount::Mean {
            value: m.mean,
            n: m.n,
        })
    };
    let named = da.or(db).map(|s| s.named().compared_as).unwrap_or_default();
    Some(match da.or(db) {
        Some(Standard::Nps { .. }) => nps(question, named, da, db),
        Some(Standard::Csat { .. }) => {
            let counts = |s: Option<Standard>| match s {
                Some(Standard::Csat { top_two, of, .. }) => Some((top_two, of)),
                _ => None,
            };
            let (ca, cb) = (counts(da), counts(db));
            let amount = |c: Option<(usize, usize)>| c.map_or(Amount::None, |(x, n)| share(x, n));
            let row = row(question, Measure::Csat(named), amount(ca), amount(cb));
            shares(
                row,
                ca.unwrap_or_default(),
                cb.unwrap_or_default(),
                NO_ANSWERS,
            )
        }
        Some(Standard::Seq { .. }) => {
            let row = row(question, Measure::Seq(named), mean_of(sa), mean_of(sb));
            means(row, na, nb, 2)
        }
        None => {
            let row = row(question, Measure::Mean, mean_of(sa), mean_of(sb));
            means(row, na, nb, 2)
        }
    })
}

/// Two NPS: Rocks's adjusted-Wald difference, its interval and z test.
fn nps(
    question: &str,
    named: &'static str,
    a: Option<Standard>,
    b: Option<Standard>,
) -> ComparedFigure {
    let parts = |s: Option<Standard>| match s {
        Some(Standard::Nps { score, counts, .. }) => Some((score, counts)),
        _ => None,
    };
    let (pa, pb) = (parts(a), parts(b));
    let amount = |p: Option<(f64, stats::NpsCounts)>| {
        p.map_or(Amount::None, |(value, c)| Amount::Nps {
            value,
            n: c.n as usize,
        })
    };
    let mut row = row(question, Measure::Nps(named), amount(pa), amount(pb));
    match pa
        .zip(pb)
        .and_then(|((_, ca), (_, cb))| stats::nps_difference(ca, cb))
    {
        Some((adjusted, test, interval)) => {
            row.test = Some(test);
            row.difference = Some(Difference {
                kind: DifferenceKind::NpsPoints,
                value: adjusted,
                interval: Some(interval),
            });
        }
        None => row.verdict = Said::Untestable(NO_ANSWERS),
    }
    row
}

/// A questionnaire's total per session (SUS, UMUX-Lite, any `Total` row of the table),
/// when either side has one.
fn scores(measure: Measure, a: &Sample, b: &Sample) -> Option<ComparedFigure> {
    if a.is_empty() && b.is_empty() {
        return None;
    }
    let amount = |v: &Sample| match v.mean() {
        None => Amount::None,
        Some(value) => Amount::Score { value, n: v.len() },
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::verdicts::Share;

    fn answered(options: &[(&str, usize)]) -> Verdict {
        let options: Vec<(String, usize)> =
            options.iter().map(|(o, n)| ((*o).to_owned(), *n)).collect();
        let of = options.iter().map(|(_, n)| n).sum();
        let yes_no = options.iter().any(|(o, _)| o == "Yes" || o == "No");
        let count = options
            .iter()
            .find(|(o, _)| o == "Yes")
            .map_or(0, |(_, n)| *n);
        Verdict {
            question: "found".into(),
            answers: of,
            options,
            yes: yes_no.then(|| Share::new(count, of)),
            scale: None,
            distribution: Vec::new(),
            texts: Vec::new(),
            numbers: Sample::new(),
            standard: None,
        }
    }

    /// A baseline answered only "Maybe" and "Partly": it answered Yes 0 of 5 times, and
    /// the row says what it lacks instead of "no answers on one side". 0/5 against 5/6:
    /// smallest expected count 5·5/11 ≥ 1, so the N-1 test, p = 0.0084 (computed with
    /// `scipy.stats.norm.sf` from Campbell's formula).
    #[test]
    fn a_baseline_without_yes_or_no_is_compared_as_none_of_its_answers() {
        let baseline = answered(&[("Maybe", 3), ("Partly", 2)]);
        let variant = answered(&[("Yes", 5), ("No", 1)]);
        let row = yes("found", Some(&baseline), Some(&variant)).expect("a row");
        assert_eq!(row.baseline, Amount::Share { count: 0, of: 5 });
        let p = row.test.map(|t| t.p_value).unwrap_or(1.0);
        assert!((p - 0.00840799457724928).abs() < 1e-9, "{row:?}");
        let judged = super::super::against_baseline("alpha", vec![("beta".into(), vec![row])]);
        let text = judged[0].1[0].verdict_text();
        assert!(
            text.starts_with("the baseline gave no Yes or No answer (Maybe 3, Partly 2); beta got more Yes answers"),
            "{text}"
        );
    }
}
