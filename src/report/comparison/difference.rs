//! A compared figure's difference, variant minus baseline, with its interval, in words.

use crate::format::{self, points};
use crate::stats::Interval;

/// Variant minus baseline, with its 95% interval when a test could run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    pub kind: DifferenceKind,
    pub value: f64,
    pub interval: Option<Interval>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DifferenceKind {
    /// Between two shares, as a fraction (Agresti-Caffo interval).
    Points,
    /// The variant's geometric mean time over the baseline's.
    Ratio,
    /// Between two means (Welch interval), with this many decimals.
    Mean(usize),
    /// Between two adjusted NPS (Rocks 2016), in points: the centre of its interval.
    NpsPoints,
}

impl Difference {
    fn end(self, x: f64) -> String {
        match self.kind {
            DifferenceKind::Points => points(x),
            DifferenceKind::Ratio => format::multiple(x, 2),
            DifferenceKind::Mean(decimals) => format::signed(x, decimals),
            DifferenceKind::NpsPoints => format!("{} points", format::nps(x)),
        }
    }

    /// An end of the interval: as [`Self::end`], with the places that keep it on its side
    /// of no difference (`format::signed_end`).
    fn interval_end(self, x: f64) -> String {
        match self.kind {
            DifferenceKind::Points => format::points_end(x),
            DifferenceKind::Ratio => format::multiple_end(x, 2),
            DifferenceKind::Mean(decimals) => format::signed_end(x, 0.0, decimals),
            DifferenceKind::NpsPoints => format!("{} points", format::signed_end(x, 0.0, 0)),
        }
    }

    /// `+12 points (-5 points to +30 points)`; an NPS difference says it is adjusted:
    /// `+143 points, adjusted (+61 points to +189 points)`; without an interval, the
    /// value alone.
    pub fn text(self) -> String {
        let adjusted = match self.kind {
            DifferenceKind::NpsPoints => ", adjusted",
            _ => "",
        };
        match self.interval {
            Some(i) => format!(
                "{}{adjusted} ({} to {})",
                self.end(self.value),
                self.interval_end(i.low),
                self.interval_end(i.high)
            ),
            None => format!("{}{adjusted}", self.end(self.value)),
        }
    }

    /// `the difference is somewhere between -40 points and +15 points`; for times, `the
    /// variant took somewhere between 1.26× and 2.53× the baseline's time`. Beside a
    /// Holm-adjusted p the interval is not adjusted, and says so. Beside a difference
    /// (`somewhere` false) whose interval still holds none (a test and an interval of
    /// different methods, as Campbell's N-1 test and the Agresti-Caffo interval, can
    /// disagree near the threshold) it says that too, rather than leave a reader to
    /// square "more often" with an interval from below zero.
    pub fn between(self, somewhere: bool, holm: bool) -> Option<String> {
        let i = self.interval?;
        let (low, high) = (self.interval_end(i.low), self.interval_end(i.high));
        let none = match self.kind {
            DifferenceKind::Ratio => 1.0,
            _ => 0.0,
        };
        let holds_none = i.low <= none && none <= i.high;
        let by = match (holm, !somewhere && holds_none) {
            (true, true) => {
                "though its unadjusted 95% interval, of another method than the test, still holds no difference, "
            }
            (true, false) => "by its unadjusted 95% interval, ",
            (false, true) => {
                "though its 95% interval, of another method than the test, still holds no difference: "
            }
            (false, false) => "",
        };
        let somewhere = if somewhere { "somewhere " } else { "" };
        Some(match self.kind {
            DifferenceKind::Ratio => format!(
                "{by}the variant took {somewhere}between {low} and {high} the baseline's time"
            ),
            _ => format!("{by}the difference is {somewhere}between {low} and {high}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(low: f64, high: f64) -> Difference {
        Difference {
            kind: DifferenceKind::Points,
            value: (low + high) / 2.0,
            interval: Some(Interval { low, high }),
        }
    }

    /// 5/8 against 9/9: Campbell's N-1 test gives p = 0.0495, the Agresti-Caffo interval
    /// −3.9 to +65.7 points (both checked with SciPy in `stats`); beside "completed more
    /// often" the interval is said to still hold no difference.
    #[test]
    fn a_difference_whose_interval_holds_none_says_so() {
        let crossing = points(-0.0388, 0.6570).between(false, false);
        assert_eq!(
            crossing.as_deref(),
            Some(
                "though its 95% interval, of another method than the test, still holds no difference: the difference is between -4 points and +66 points"
            )
        );
        let clear = points(0.02, 0.6570).between(false, false);
        assert_eq!(
            clear.as_deref(),
            Some("the difference is between +2 points and +66 points")
        );
        let none = points(-0.0388, 0.6570).between(true, false);
        assert_eq!(
            none.as_deref(),
            Some("the difference is somewhere between -4 points and +66 points")
        );
    }
}
