//! Two variants of a flow compared: each figure side by side, its difference and a test.

use serde::{Serialize, Serializer};

use super::figures::{FlowVersion, Share, TaskFigures, Verdict};
use crate::format::{p_value, points, seconds, seconds_difference};
use crate::stats::{self, TestResult};

/// Below this p-value a difference is reported as one; above, as too small to tell.
const ALPHA: f64 = 0.05;

/// Two variants side by side, each figure with its difference and a test.
#[derive(Debug, Serialize)]
pub struct Comparison {
    pub a: String,
    pub b: String,
    pub rows: Vec<ComparedFigure>,
}

/// One figure of both variants: what it measures, of which task or question, each
/// side's value, the difference, the test and what it says. Renderers word it.
#[derive(Debug)]
pub struct ComparedFigure {
    /// The task or question the figure is about.
    pub subject: String,
    pub measure: Measure,
    pub a: Amount,
    pub b: Amount,
    pub difference: Difference,
    pub test: Option<TestResult>,
    pub verdict: Said,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Completion,
    /// The geometric mean of successful attempts' times.
    Time,
    /// The share of "Yes" answers.
    Yes,
    /// A scale's mean.
    Mean,
}

impl Measure {
    pub fn words(self) -> &'static str {
        match self {
            Measure::Completion => "completion",
            Measure::Time => "time (geometric mean)",
            Measure::Yes => "answered Yes",
            Measure::Mean => "mean",
        }
    }

    /// What the better side did, in words.
    fn better(self) -> &'static str {
        match self {
            Measure::Completion => "completed more often",
            Measure::Time => "was faster",
            Measure::Yes => "got more Yes answers",
            Measure::Mean => "scored higher",
        }
    }
}

/// One side's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Amount {
    Share { count: usize, of: usize },
    Seconds(f64),
    Mean(f64),
}

impl Amount {
    pub fn text(self) -> String {
        match self {
            Amount::Share { count, of } => format!("{count}/{of}"),
            Amount::Seconds(s) => seconds(s),
            Amount::Mean(m) => format!("{m:.2}"),
        }
    }
}

/// A minus B.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Difference {
    /// Between two shares, as a fraction.
    Points(f64),
    Seconds(f64),
    Mean(f64),
}

impl Difference {
    pub fn text(self) -> String {
        match self {
            Difference::Points(d) => points(d),
            Difference::Seconds(d) => seconds_difference(d),
            Difference::Mean(d) => format!("{d:+.2}"),
        }
    }
}

/// What the test says about the figure.
#[derive(Debug, Clone, PartialEq)]
pub enum Said {
    /// `winner` did better at p below 0.05.
    Better {
        winner: String,
        measure: Measure,
        p: f64,
    },
    TooSmall {
        p: f64,
    },
    Untestable,
}

impl Said {
    pub fn text(&self) -> String {
        match self {
            Said::Better { winner, measure, p } => {
                format!("{winner} {} ({})", measure.better(), p_value(*p))
            }
            Said::TooSmall { p } => format!("too small a sample to tell ({})", p_value(*p)),
            Said::Untestable => "cannot be tested (too few answers or no variation)".into(),
        }
    }
}

impl ComparedFigure {
    /// The figure's name, the subject's id set by `id` (backticks, `<code>`, plain).
    pub fn name(&self, id: impl Fn(&str) -> String) -> String {
        format!("{} {}", id(&self.subject), self.measure.words())
    }
}

/// JSON keeps the figure as words, as a reader of the report sees it.
impl Serialize for ComparedFigure {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut row = serializer.serialize_struct("ComparedFigure", 6)?;
        row.serialize_field("figure", &self.name(|id| format!("`{id}`")))?;
        row.serialize_field("a", &self.a.text())?;
        row.serialize_field("b", &self.b.text())?;
        row.serialize_field("difference", &self.difference.text())?;
        row.serialize_field("test", &self.test)?;
        row.serialize_field("verdict", &self.verdict.text())?;
        row.end()
    }
}

impl Comparison {
    /// Compares the most-played version of the first two variants.
    pub(super) fn between_variants(versions: &[FlowVersion]) -> Option<Comparison> {
        let mut firsts: Vec<&FlowVersion> = Vec::new();
        for version in versions {
            if !firsts.iter().any(|f| f.variant == version.variant) {
                firsts.push(version);
            }
        }
        let [a, b] = firsts.get(..2)? else {
            return None;
        };
        let mut rows = Vec::new();
        for task in &a.tasks {
            if let Some(other) = b.tasks.iter().find(|t| t.task == task.task) {
                rows.push(compare_completion(task, other, a, b));
                rows.extend(compare_times(task, other, a, b));
            }
        }
        for verdict in &a.verdicts {
            if let Some(other) = b.verdicts.iter().find(|v| v.question == verdict.question) {
                rows.extend(compare_yes(verdict, other, a, b));
                rows.extend(compare_verdict(verdict, other, a, b));
            }
        }
        Some(Comparison {
            a: a.variant_name(),
            b: b.variant_name(),
            rows,
        })
    }
}

fn compare_completion(
    ta: &TaskFigures,
    tb: &TaskFigures,
    a: &FlowVersion,
    b: &FlowVersion,
) -> ComparedFigure {
    let rate = |t: &TaskFigures| {
        if t.attempts == 0 {
            0.0
        } else {
            t.successes as f64 / t.attempts as f64
        }
    };
    let test = stats::n_minus_one_two_proportion(
        ta.successes as u64,
        ta.attempts as u64,
        tb.successes as u64,
        tb.attempts as u64,
    );
    let share = |t: &TaskFigures| Amount::Share {
        count: t.successes,
        of: t.attempts,
    };
    ComparedFigure {
        subject: ta.task.clone(),
        measure: Measure::Completion,
        a: share(ta),
        b: share(tb),
        difference: Difference::Points(rate(ta) - rate(tb)),
        test,
        verdict: said(test, rate(ta) - rate(tb), a, b, Measure::Completion),
    }
}

/// Welch's t-test on log times of successful attempts; the figures are geometric means.
fn compare_times(
    ta: &TaskFigures,
    tb: &TaskFigures,
    a: &FlowVersion,
    b: &FlowVersion,
) -> Option<ComparedFigure> {
    let (ga, gb) = (ta.time_geometric_mean_s?, tb.time_geometric_mean_s?);
    let logs = |t: &TaskFigures| t.success_times_s.iter().map(|s| s.ln()).collect::<Vec<_>>();
    let test = stats::welch_t(&logs(ta), &logs(tb));
    Some(ComparedFigure {
        subject: ta.task.clone(),
        measure: Measure::Time,
        a: Amount::Seconds(ga),
        b: Amount::Seconds(gb),
        difference: Difference::Seconds(ga - gb),
        test,
        // Faster is better: the sign is turned so the quicker variant is named.
        verdict: said(test, gb - ga, a, b, Measure::Time),
    })
}

/// The N-1 test on the share of "Yes" answers.
fn compare_yes(
    va: &Verdict,
    vb: &Verdict,
    a: &FlowVersion,
    b: &FlowVersion,
) -> Option<ComparedFigure> {
    let (ya, yb) = (va.yes.as_ref()?, vb.yes.as_ref()?);
    let share = |y: &Share| {
        if y.of == 0 {
            0.0
        } else {
            y.count as f64 / y.of as f64
        }
    };
    let test = stats::n_minus_one_two_proportion(
        ya.count as u64,
        ya.of as u64,
        yb.count as u64,
        yb.of as u64,
    );
    let amount = |y: &Share| Amount::Share {
        count: y.count,
        of: y.of,
    };
    Some(ComparedFigure {
        subject: va.question.clone(),
        measure: Measure::Yes,
        a: amount(ya),
        b: amount(yb),
        difference: Difference::Points(share(ya) - share(yb)),
        test,
        verdict: said(test, share(ya) - share(yb), a, b, Measure::Yes),
    })
}

fn compare_verdict(
    va: &Verdict,
    vb: &Verdict,
    a: &FlowVersion,
    b: &FlowVersion,
) -> Option<ComparedFigure> {
    let (ma, mb) = (va.scale.as_ref()?, vb.scale.as_ref()?);
    let values = |v: &Verdict| {
        v.distribution
            .iter()
            .flat_map(|(x, n)| std::iter::repeat_n(*x as f64, *n))
            .collect::<Vec<_>>()
    };
    let test = stats::welch_t(&values(va), &values(vb));
    Some(ComparedFigure {
        subject: va.question.clone(),
        measure: Measure::Mean,
        a: Amount::Mean(ma.mean),
        b: Amount::Mean(mb.mean),
        difference: Difference::Mean(ma.mean - mb.mean),
        test,
        verdict: said(test, ma.mean - mb.mean, a, b, Measure::Mean),
    })
}

fn said(
    test: Option<TestResult>,
    difference: f64,
    a: &FlowVersion,
    b: &FlowVersion,
    measure: Measure,
) -> Said {
    match test {
        Some(t) if t.p_value < ALPHA => Said::Better {
            winner: match difference > 0.0 {
                true => a.variant_name(),
                false => b.variant_name(),
            },
            measure,
            p: t.p_value,
        },
        Some(t) => Said::TooSmall { p: t.p_value },
        None => Said::Untestable,
    }
}
