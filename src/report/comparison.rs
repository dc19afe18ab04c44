//! Each variant of a flow compared with a baseline variant: every figure side by side,
//! the difference with its 95% interval, a test, Holm's adjustment when several variants
//! face one baseline, and what it all says, in words a researcher can defend.

mod rows;

use serde::{Serialize, Serializer};

use super::figures::FlowVersion;
use crate::format::{self, p_value, points, seconds};
use crate::stats::{self, Interval, TestResult};

/// Below this p-value (Holm-adjusted where adjusted) a difference is reported as one.
const ALPHA: f64 = 0.05;

/// One side of a comparison: which variant, which version of its flow file, how many
/// sessions counted, and how many of its sessions were recorded with other versions.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub variant: String,
    pub sha256: String,
    pub sessions: usize,
    /// Sessions of this variant recorded with another version of the flow file, left out.
    pub left_out: usize,
}

impl Side {
    /// `one-menu (flow file 3fa9c2e1…, N = 12; 3 sessions of other versions left out)`.
    pub fn label(&self) -> String {
        let sha: String = self.sha256.chars().take(8).collect();
        let left_out = match self.left_out {
            0 => String::new(),
            1 => "; 1 session of another version left out".into(),
            n => format!("; {n} sessions of other versions left out"),
        };
        format!(
            "{} (flow file {sha}…, N = {}{left_out})",
            self.variant, self.sessions
        )
    }
}

/// A variant compared with the baseline.
#[derive(Debug, Serialize)]
pub struct Comparison {
    pub baseline: Side,
    pub variant: Side,
    /// Whether p-values were Holm-adjusted (three or more variants).
    pub holm: bool,
    pub rows: Vec<ComparedFigure>,
}

/// One figure of both sides: what it measures, of which task or question, each side's
/// value, the difference (variant minus baseline) with its interval, the test, and the
/// verdict. Renderers word it.
#[derive(Debug)]
pub struct ComparedFigure {
    /// The task or question the figure is about; empty for a questionnaire's total.
    pub subject: String,
    pub measure: Measure,
    pub baseline: Amount,
    pub variant: Amount,
    pub difference: Option<Difference>,
    pub test: Option<TestResult>,
    /// Holm-adjusted p across the variants compared with the baseline.
    pub p_adjusted: Option<f64>,
    pub verdict: Said,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Completion,
    /// The geometric mean of successful attempts' times.
    Time,
    /// The share of "Yes" answers.
    Yes,
    /// A scale's mean, where the scale says nothing of better or worse.
    Mean,
    Sus,
    Seq,
    UmuxLite,
    Nps,
    Csat,
}

impl Measure {
    pub fn words(self) -> &'static str {
        match self {
            Measure::Completion => "completion",
            Measure::Time => "time (geometric mean)",
            Measure::Yes => "answered Yes",
            Measure::Mean => "mean",
            Measure::Sus => "SUS score",
            Measure::Seq => "SEQ",
            Measure::UmuxLite => "UMUX-Lite score",
            Measure::Nps => "NPS",
            Measure::Csat => "CSAT (top two of 5)",
        }
    }

    /// What the side with the larger value did, in words; a direction word only where
    /// the score defines one.
    fn higher(self) -> &'static str {
        match self {
            Measure::Completion => "completed more often",
            Measure::Time => "was faster",
            Measure::Yes => "got more Yes answers",
            Measure::Mean => "answered higher on average",
            _ => "scored higher (higher is better)",
        }
    }
}

/// One side's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Amount {
    Share {
        count: usize,
        of: usize,
    },
    Seconds {
        value: f64,
        n: usize,
    },
    Mean {
        value: f64,
        n: usize,
    },
    /// A score on 0-100 (SUS, UMUX-Lite) or -100..100 (NPS).
    Score {
        value: f64,
        n: usize,
    },
    /// Nothing to show on this side.
    None,
}

impl Amount {
    pub fn text(self) -> String {
        match self {
            Amount::Share { count, of } => format!("{count}/{of}"),
            Amount::Seconds { value, n } => format!("{}{}", seconds(value), format::small_n(n)),
            Amount::Mean { value, n } => format!("{value:.2}{}", format::small_n(n)),
            Amount::Score { value, n } => format!("{value:.1}{}", format::small_n(n)),
            Amount::None => format::MISSING.into(),
        }
    }
}

/// Variant minus baseline, with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    pub kind: DifferenceKind,
    pub value: f64,
    pub interval: Interval,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DifferenceKind {
    /// Between two shares, as a fraction (Agresti-Caffo interval).
    Points,
    /// The variant's geometric mean time over the baseline's.
    Ratio,
    /// Between two means (Welch interval), with this many decimals.
    Mean(usize),
    /// Between two NPS, in points (adjusted-Wald interval).
    NpsPoints,
}

impl Difference {
    fn end(self, x: f64) -> String {
        match self.kind {
            DifferenceKind::Points => points(x),
            DifferenceKind::Ratio => format!("{x:.2}×"),
            DifferenceKind::Mean(decimals) => signed(x, decimals),
            DifferenceKind::NpsPoints => format!("{} points", signed(x, 0)),
        }
    }

    /// `+12 points (-5 points to +30 points)`.
    pub fn text(self) -> String {
        format!(
            "{} ({} to {})",
            self.end(self.value),
            self.end(self.interval.low),
            self.end(self.interval.high)
        )
    }

    /// `the difference is somewhere between -40 points and +15 points`; for times, `the
    /// variant took somewhere between 1.26× and 2.53× the baseline's time`.
    pub fn between(self, somewhere: bool) -> String {
        let (low, high) = (self.end(self.interval.low), self.end(self.interval.high));
        let somewhere = if somewhere { "somewhere " } else { "" };
        match self.kind {
            DifferenceKind::Ratio => {
                format!("the variant took {somewhere}between {low} and {high} the baseline's time")
            }
            _ => format!("the difference is {somewhere}between {low} and {high}"),
        }
    }
}

fn signed(x: f64, decimals: usize) -> String {
    let text = format!("{x:+.decimals$}");
    // A value that rounds to zero is written without its sign.
    if text[1..].bytes().all(|b| b == b'0' || b == b'.') {
        text[1..].to_owned()
    } else {
        text
    }
}

/// What the test says about the figure.
#[derive(Debug, Clone, PartialEq)]
pub enum Said {
    /// `winner` did better (or, without a direction, higher) at p below 0.05.
    Different {
        winner: String,
        measure: Measure,
        p: f64,
    },
    NoDifference {
        p: f64,
    },
    /// The test could not run, and why.
    Untestable(&'static str),
}

impl ComparedFigure {
    /// The figure's name, the subject's id set by `id` (backticks, `<code>`, plain).
    pub fn name(&self, id: impl Fn(&str) -> String) -> String {
        if self.subject.is_empty() {
            return self.measure.words().to_owned();
        }
        format!("{} {}", id(&self.subject), self.measure.words())
    }

    /// The test and its result: `N-1 z = 2.13, p = 0.033`, `Welch t = …`; NPS differences
    /// are tested on Rocks's adjusted-Wald z.
    pub fn test_text(&self) -> String {
        let text = format::test(self.test);
        match self.measure {
            Measure::Nps => text.replace("N-1 z", "adjusted-Wald z"),
            _ => text,
        }
    }

    /// The p the verdict rests on: adjusted where adjusted.
    pub fn p(&self) -> Option<f64> {
        self.p_adjusted.or(self.test.map(|t| t.p_value))
    }

    /// The verdict in words, with the p it rests on and the interval of the difference.
    pub fn verdict_text(&self) -> String {
        let p_words = |p: f64| match self.p_adjusted {
            Some(_) => format!("Holm-adjusted {}", p_value(p)),
            None => p_value(p),
        };
        match &self.verdict {
            Said::Different { winner, measure, p } => {
                let by = self
                    .difference
                    .map(|d| format!("; {}", d.between(false)))
                    .unwrap_or_default();
                format!("{winner} {} ({}{by})", measure.higher(), p_words(*p))
            }
            Said::NoDifference { p } => {
                let range = self
                    .difference
                    .map(|d| format!("; {}", d.between(true)))
                    .unwrap_or_default();
                format!("no difference detected ({}{range})", p_words(*p))
            }
            Said::Untestable(why) => format!("cannot be tested: {why}"),
        }
    }
}

/// JSON keeps the figure as words, as a reader of the report sees it, and the numbers.
impl Serialize for ComparedFigure {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut row = serializer.serialize_struct("ComparedFigure", 9)?;
        row.serialize_field("figure", &self.name(|id| format!("`{id}`")))?;
        row.serialize_field("baseline", &self.baseline.text())?;
        row.serialize_field("variant", &self.variant.text())?;
        row.serialize_field("difference", &self.difference.map(Difference::text))?;
        row.serialize_field("difference_value", &self.difference.map(|d| d.value))?;
        row.serialize_field("difference_interval", &self.difference.map(|d| d.interval))?;
        row.serialize_field("test", &self.test)?;
        row.serialize_field("p_adjusted", &self.p_adjusted)?;
        row.serialize_field("verdict", &self.verdict_text())?;
        row.end()
    }
}

/// The version a variant is compared with: its most-played one (versions come sorted by
/// variant, most sessions first), and how many sessions its other versions hold.
fn side(versions: &[FlowVersion], first: &FlowVersion) -> Side {
    let left_out = versions
        .iter()
        .filter(|v| v.variant == first.variant && v.sha256 != first.sha256)
        .map(|v| v.sessions.total)
        .sum();
    Side {
        variant: first.variant_name(),
        sha256: first.sha256.clone(),
        sessions: first.sessions.total,
        left_out,
    }
}

/// The baseline: `wanted` if the flow has that variant, else the first named variant in
/// name order. None when there is nothing to compare it with.
pub(super) fn compare_all(versions: &[FlowVersion], wanted: Option<&str>) -> Vec<Comparison> {
    let mut firsts: Vec<&FlowVersion> = Vec::new();
    for version in versions {
        if !firsts.iter().any(|f| f.variant == version.variant) {
            firsts.push(version);
        }
    }
    let baseline = wanted
        .and_then(|w| firsts.iter().find(|v| v.variant.as_deref() == Some(w)))
        .or_else(|| firsts.iter().find(|v| v.variant.is_some()))
        .copied();
    let Some(baseline) = baseline.filter(|_| firsts.len() > 1) else {
        return Vec::new();
    };
    let holm = firsts.len() > 2;
    let mut comparisons: Vec<Comparison> = firsts
        .iter()
        .filter(|v| v.variant != baseline.variant)
        .map(|other| Comparison {
            baseline: side(versions, baseline),
            variant: side(versions, other),
            holm,
            rows: rows::compare(baseline, other),
        })
        .collect();
    if holm {
        adjust(&mut comparisons);
    }
    for comparison in &mut comparisons {
        let variant = comparison.variant.variant.clone();
        let baseline = comparison.baseline.variant.clone();
        for row in &mut comparison.rows {
            row.verdict = rows::said(row, &baseline, &variant);
        }
    }
    comparisons
}

/// Holm's adjustment within each figure: the same figure compared across the variants
/// is one family of tests.
fn adjust(comparisons: &mut [Comparison]) {
    let keys: Vec<(String, Measure)> = comparisons
        .iter()
        .flat_map(|c| c.rows.iter().map(|r| (r.subject.clone(), r.measure)))
        .collect();
    for (subject, measure) in keys {
        let mut family: Vec<&mut ComparedFigure> = comparisons
            .iter_mut()
            .flat_map(|c| c.rows.iter_mut())
            .filter(|r| r.subject == subject && r.measure == measure && r.test.is_some())
            .collect();
        if family.iter().any(|r| r.p_adjusted.is_some()) {
            continue;
        }
        let raw: Vec<f64> = family
            .iter()
            .filter_map(|r| r.test.map(|t| t.p_value))
            .collect();
        for (row, p) in family.iter_mut().zip(stats::holm(&raw)) {
            row.p_adjusted = Some(p);
        }
    }
}
