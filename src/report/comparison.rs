//! Each variant of a flow compared with a baseline variant: every figure side by side,
//! the difference with its 95% interval, a test, Holm's adjustment when several variants
//! face one baseline, and what it all says, in words a researcher can defend.

mod difference;
mod paired;
mod rows;

pub use difference::{Difference, DifferenceKind};
pub(crate) use paired::{PairedCounts, paired_means, paired_shares, paired_times};
pub(crate) use rows::{shares_of, times_of};

use serde::{Serialize, Serializer};

use super::document::{Block, Line, columns};
use super::figures::FlowVersion;
use crate::format::{self, p_value, seconds};
use crate::stats::{self, Interval, TestKind, TestResult};

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
    /// `one-menu (flow file 3fa9c2e1…, 12 sessions; 3 sessions of other versions left
    /// out)`: sessions, where each figure of the table counts its own units (attempts,
    /// answers).
    pub fn label(&self) -> String {
        let sha: String = self.sha256.chars().take(8).collect();
        let left_out = match self.left_out {
            0 => String::new(),
            1 => "; 1 session of another version left out".into(),
            n => format!("; {n} sessions of other versions left out"),
        };
        let sessions = match self.sessions {
            1 => "1 session".to_owned(),
            n => format!("{n} sessions"),
        };
        format!("{} (flow file {sha}…, {sessions}{left_out})", self.variant)
    }
}

/// What the rows of a comparison count, said under its heading: sessions in the header,
/// attempts and answers in the rows.
pub const UNITS: &str =
    "Completion counts counted attempts, time successful attempts, questions their answers.";

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
#[derive(Debug, Clone)]
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
    /// What one side lacks, said before the verdict: `the baseline gave no Yes or No
    /// answer (Maybe 3, Partly 2)`.
    pub note: Option<String>,
    /// The effect size beside the difference: a risk ratio for shares, Hedges' g for
    /// means (a time's ratio of geometric means is its difference already).
    pub effect: Option<Effect>,
    /// A paired completion row (a within study): the counts McNemar's test runs on.
    pub(crate) paired: Option<PairedCounts>,
}

/// An effect size with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "name")]
pub enum Effect {
    /// Variant share over baseline share (Katz interval).
    #[serde(rename = "risk ratio")]
    RiskRatio { value: f64, interval: Interval },
    /// The difference of means in pooled standard deviations, bias-corrected.
    #[serde(rename = "Hedges' g")]
    HedgesG { value: f64, interval: Interval },
}

impl Effect {
    /// `risk ratio 2.00× (0.88× to 4.54×)`, `Hedges' g +1.23 (+0.10 to +2.37)`.
    pub fn text(self) -> String {
        match self {
            Effect::RiskRatio { value, interval } => format!(
                "risk ratio {} ({} to {})",
                format::multiple(value, 2),
                format::multiple_end(interval.low, 2),
                format::multiple_end(interval.high, 2)
            ),
            Effect::HedgesG { value, interval } => format!(
                "Hedges' g {} ({} to {})",
                format::signed(value, 2),
                format::signed_end(interval.low, 0.0, 2),
                format::signed_end(interval.high, 0.0, 2)
            ),
        }
    }
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
    /// A questionnaire scored from its items, named as its table row says (`SUS score`).
    Score(&'static str),
    /// Single-question questionnaires, named as their table rows say.
    Seq(&'static str),
    Nps(&'static str),
    Csat(&'static str),
}

impl Measure {
    pub fn words(self) -> &'static str {
        match self {
            Measure::Completion => "completion",
            Measure::Time => "time (geometric mean)",
            Measure::Yes => "answered Yes",
            Measure::Mean => "mean",
            Measure::Score(words)
            | Measure::Seq(words)
            | Measure::Nps(words)
            | Measure::Csat(words) => words,
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
    /// A score on 0-100 (SUS, UMUX-Lite).
    Score {
        value: f64,
        n: usize,
    },
    /// An NPS, -100..100, written as NPS is everywhere: `+30`.
    Nps {
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
            Amount::Mean { value, n } => {
                format!("{}{}", format::number(value, 2), format::small_n(n))
            }
            Amount::Score { value, n } => {
                format!("{}{}", format::number(value, 1), format::small_n(n))
            }
            Amount::Nps { value, n } => format!("{}{}", format::nps(value), format::small_n(n)),
            Amount::None => format::MISSING.into(),
        }
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

    /// The test named, and its result: `N-1 z = 2.13, p = 0.033`, `Fisher–Irwin exact,
    /// p = 0.167`, `Welch t = …`, `adjusted-Wald z = …`.
    pub fn test_text(&self) -> String {
        format::test(self.test)
    }

    /// The difference with its interval, then the effect size: `+40 points (+2 points
    /// to +64 points); risk ratio 2.00× (0.88× to 4.54×)`, or [`format::MISSING`].
    pub fn difference_text(&self) -> String {
        let difference = format::or_missing(self.difference.map(|d| d.text()));
        match self.effect {
            Some(effect) => format!("{difference}; {}", effect.text()),
            None => difference,
        }
    }

    /// The p the verdict rests on: adjusted where adjusted.
    pub fn p(&self) -> Option<f64> {
        self.p_adjusted.or(self.test.map(|t| t.p_value))
    }

    /// The verdict in words, with the p it rests on and the interval of the difference.
    pub fn verdict_text(&self) -> String {
        let holm = self.p_adjusted.is_some();
        let p_words = |p: f64| match holm {
            true => format!("Holm-adjusted {}", p_value(p)),
            false => p_value(p),
        };
        let range = |somewhere| {
            self.difference
                .and_then(|d| d.between(somewhere, holm))
                .map(|b| format!("; {b}"))
                .unwrap_or_default()
        };
        let fragile = self.fragile().unwrap_or_default();
        let verdict = self.verdict_alone(p_words, range, fragile);
        match &self.note {
            Some(note) => format!("{note}; {verdict}"),
            None => verdict,
        }
    }

    fn verdict_alone(
        &self,
        p_words: impl Fn(f64) -> String,
        range: impl Fn(bool) -> String,
        fragile: &str,
    ) -> String {
        match &self.verdict {
            Said::Different { winner, measure, p } => {
                format!(
                    "{winner} {} ({}{}{fragile})",
                    measure.higher(),
                    p_words(*p),
                    range(false)
                )
            }
            Said::NoDifference { p } => {
                format!(
                    "no difference detected ({}{}{fragile})",
                    p_words(*p),
                    range(true)
                )
            }
            Said::Untestable(why) => format!("cannot be tested: {why}"),
        }
    }
}

impl ComparedFigure {
    /// `; fragile: one outcome changed would undo it` when changing a single outcome
    /// (a success on either side made a failure, or the other way) would flip the
    /// verdict: of two independent shares (fragility index 1, `stats::fragility`), or of
    /// a paired completion row (`stats::mcnemar_fragility`). Rows Holm adjusts are left
    /// alone: their verdict rests on the whole family.
    pub(crate) fn fragile(&self) -> Option<&'static str> {
        let kind = self.test?.kind;
        if self.p_adjusted.is_some() {
            return None;
        }
        let index = match (kind, self.baseline, self.variant, self.paired) {
            (TestKind::McNemarMidP, _, _, Some(c)) => {
                stats::mcnemar_fragility(c.only_baseline, c.only_variant, c.pairs, ALPHA)?
            }
            (
                TestKind::NMinusOne | TestKind::FisherIrwin,
                Amount::Share { count: x1, of: n1 },
                Amount::Share { count: x2, of: n2 },
                _,
            ) => {
                let counts = [x1, n1, x2, n2].map(|c| c as u64);
                stats::fragility(counts[0], counts[1], counts[2], counts[3], ALPHA)?
            }
            _ => return None,
        };
        if index != 1 {
            return None;
        }
        Some(match self.verdict {
            Said::Different { .. } => "; fragile: one outcome changed would undo it",
            _ => "; fragile: one outcome changed would make it a difference",
        })
    }
}

/// JSON keeps the figure as words, as a reader of the report sees it, and the numbers.
impl Serialize for ComparedFigure {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut row = serializer.serialize_struct("ComparedFigure", 10)?;
        row.serialize_field("figure", &self.name(|id| format!("`{id}`")))?;
        row.serialize_field("baseline", &self.baseline.text())?;
        row.serialize_field("variant", &self.variant.text())?;
        row.serialize_field("difference", &self.difference.map(Difference::text))?;
        row.serialize_field("difference_value", &self.difference.map(|d| d.value))?;
        row.serialize_field(
            "difference_interval",
            &self.difference.and_then(|d| d.interval),
        )?;
        row.serialize_field("effect", &self.effect)?;
        row.serialize_field("test", &self.test)?;
        row.serialize_field("p_adjusted", &self.p_adjusted)?;
        row.serialize_field("verdict", &self.verdict_text())?;
        row.end()
    }
}

/// The rows as a table: the same for a flow's variants and a study's, in every format.
pub fn table(rows: &[ComparedFigure]) -> Block {
    let name = |row: &ComparedFigure| match row.subject.is_empty() {
        true => Line::text(row.measure.words()),
        false => Line::default()
            .code(&row.subject)
            .and(format!(" {}", row.measure.words())),
    };
    Block::Table {
        columns: columns(&[
            "figure",
            "#baseline",
            "#variant",
            "#difference (variant − baseline, 95% CI)",
            "test",
            "verdict",
        ]),
        rows: rows
            .iter()
            .map(|row| {
                vec![
                    name(row),
                    Line::text(row.baseline.text()),
                    Line::text(row.variant.text()),
                    Line::text(row.difference_text()),
                    Line::text(row.test_text()),
                    Line::text(row.verdict_text()),
                ]
            })
            .collect(),
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
    let compared: Vec<(String, Vec<ComparedFigure>)> = firsts
        .iter()
        .filter(|v| v.variant != baseline.variant)
        .map(|other| {
            let mut rows = rows::compare(baseline, other);
            if baseline.within_study && other.within_study {
                paired::left_to_pairs(&mut rows);
            }
            (other.variant_name(), rows)
        })
        .collect();
    let others = firsts.iter().filter(|v| v.variant != baseline.variant);
    let judged = against_baseline(&baseline.variant_name(), compared);
    // Adjusted only where a row was tested: a within study's rows are left to its pairs.
    let holm = judged
        .iter()
        .any(|(_, rows)| rows.iter().any(|r| r.p_adjusted.is_some()));
    judged
        .into_iter()
        .zip(others)
        .map(|((_, rows), other)| Comparison {
            baseline: side(versions, baseline),
            variant: side(versions, other),
            holm,
            rows,
        })
        .collect()
}

/// The one way variants are judged against a baseline, for a flow's versions and a
/// study's participants alike: each variant's rows (variant − baseline), Holm-adjusted
/// within each figure when two or more variants face the baseline, then each row's
/// verdict.
pub(crate) fn against_baseline(
    baseline: &str,
    mut compared: Vec<(String, Vec<ComparedFigure>)>,
) -> Vec<(String, Vec<ComparedFigure>)> {
    if compared.len() > 1 {
        adjust(&mut compared);
    }
    for (variant, rows) in &mut compared {
        for row in rows.iter_mut() {
            row.verdict = rows::said(row, baseline, variant);
        }
    }
    compared
}

/// Holm's adjustment within each figure: the same figure compared across the variants
/// is one family of tests.
fn adjust(compared: &mut [(String, Vec<ComparedFigure>)]) {
    let keys: Vec<(String, Measure)> = compared
        .iter()
        .flat_map(|(_, rows)| rows.iter().map(|r| (r.subject.clone(), r.measure)))
        .collect();
    for (subject, measure) in keys {
        let mut family: Vec<&mut ComparedFigure> = compared
            .iter_mut()
            .flat_map(|(_, rows)| rows.iter_mut())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(a: (usize, usize), b: (usize, usize)) -> String {
        let rows = vec![shares_of("pay", a, b)];
        let judged = against_baseline("alpha", vec![("beta".into(), rows)]);
        judged[0].1[0].verdict_text()
    }

    /// 0/3 against 3/3 is a difference (N-1, p = 0.025) that 1/3 against 3/3 would not
    /// be (p = 0.114, SciPy): the verdict says one outcome would undo it. 2/10 against
    /// 8/10 needs two changes (SciPy search, `stats::fragility`), so it says nothing.
    #[test]
    fn a_verdict_one_outcome_would_flip_says_so() {
        let three = verdict((0, 3), (3, 3));
        assert!(three.starts_with("beta completed more often"), "{three}");
        assert!(
            three.ends_with("; fragile: one outcome changed would undo it)"),
            "{three}"
        );
        let close = verdict((1, 3), (3, 3));
        assert!(
            close.ends_with("; fragile: one outcome changed would make it a difference)"),
            "{close}"
        );
        let sturdier = verdict((2, 10), (8, 10));
        assert!(!sturdier.contains("fragile"), "{sturdier}");
    }

    /// A paired completion row is marked as an independent one is: 5 of 14 completed
    /// with the variant only and none with the baseline only is a difference (mid-p
    /// 0.031) that 4 would not be (0.0625); 10 against 2 needs two changes (SciPy
    /// search in `stats::mcnemar_fragility`).
    #[test]
    fn a_paired_verdict_one_outcome_would_flip_says_so() {
        let verdict = |only_variant, only_baseline| {
            let counts = PairedCounts {
                pairs: 14,
                both: 3,
                only_baseline,
                only_variant,
            };
            let rows = vec![paired_shares("", counts)];
            let judged = against_baseline("alpha", vec![("beta".into(), rows)]);
            judged[0].1[0].verdict_text()
        };
        let fragile = verdict(5, 0);
        assert!(
            fragile.starts_with("beta completed more often"),
            "{fragile}"
        );
        assert!(
            fragile.ends_with("; fragile: one outcome changed would undo it)"),
            "{fragile}"
        );
        let sturdier = verdict(10, 1);
        assert!(!sturdier.contains("fragile"), "{sturdier}");
    }

    /// Beside every test its effect size: 4/10 against 8/10 has a risk ratio of 2.00×
    /// (statsmodels `Table2x2.riskratio_confint`: 0.881 to 4.541); two scales' means
    /// carry Hedges' g (statsmodels `effectsize_smd`: 1.234, variance 0.3367).
    #[test]
    fn every_tested_difference_carries_its_effect_size() {
        let shares = shares_of("pay", (4, 10), (8, 10));
        assert!(
            shares
                .difference_text()
                .ends_with("; risk ratio 2.00× (0.88× to 4.54×)"),
            "{}",
            shares.difference_text()
        );
        let g = Effect::HedgesG {
            value: 1.2335722292933782,
            interval: Interval {
                low: 1.2335722292933782 - 1.959963984540054 * 0.33665011052820226f64.sqrt(),
                high: 1.2335722292933782 + 1.959963984540054 * 0.33665011052820226f64.sqrt(),
            },
        };
        assert_eq!(g.text(), "Hedges' g +1.23 (+0.10 to +2.37)");
    }
}
