//! The rows of a comparison of the same participants with both variants (a within
//! study): completion by McNemar's mid-p with Bonett & Price's interval, time by the
//! paired t on log times, scores by the paired t, each on the pairs it rests on; and
//! the per-flow rows of such variants, left to the study's paired comparison.

use super::rows::{row, share, times_of};
use super::{Amount, ComparedFigure, Difference, DifferenceKind, Measure, Said};
use crate::stats::{self, Sample, Spread};

const PAIRED: &str = "the same participants played both (a within study): compared pair by pair in the study's report";

/// Rows of variants the same participants played (a within study), kept as figures
/// only: tests of independent groups would be wrong, and the study's report compares
/// them pair by pair.
pub(super) fn left_to_pairs(rows: &mut [ComparedFigure]) {
    for row in rows {
        row.test = None;
        row.p_adjusted = None;
        row.difference = None;
        // Katz's and Hedges & Olkin's intervals assume independent sides too.
        row.effect = None;
        row.verdict = Said::Untestable(PAIRED);
    }
}

/// What a paired completion row rests on: of the participants who tried both, how many
/// completed with both, with the baseline only, with the variant only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct PairedCounts {
    pub pairs: u64,
    pub both: u64,
    pub only_baseline: u64,
    pub only_variant: u64,
}

/// Completion of the same participants with both (within designs), on those who tried
/// both: each side's share of them, the difference with Bonett & Price's paired interval,
/// McNemar's mid-p test on the participants who completed with one only.
pub(crate) fn paired_shares(subject: &str, c: PairedCounts) -> ComparedFigure {
    let n = c.pairs as usize;
    let (a, b) = (c.both + c.only_baseline, c.both + c.only_variant);
    let mut row = row(
        subject,
        Measure::Completion,
        share(a as usize, n),
        share(b as usize, n),
    );
    if c.pairs == 0 {
        row.verdict = Said::Untestable("no participant tried both");
        return row;
    }
    row.difference = Some(Difference {
        kind: DifferenceKind::Points,
        value: (c.only_variant as f64 - c.only_baseline as f64) / c.pairs as f64,
        interval: stats::bonett_price(c.only_variant, c.only_baseline, c.pairs),
    });
    row.test = stats::mcnemar_mid_p(c.only_variant, c.only_baseline);
    row.paired = Some(c);
    if row.test.is_none() {
        row.verdict = Said::Untestable("no participant completed with one of the two only");
    }
    row
}

/// Times of the same participants with both (within designs), of those who succeeded
/// with both: each side's times (`a` the baseline's), and the log ratios variant /
/// baseline of each one's two, folded (None if a time is not positive); each side's
/// geometric mean, the ratio variant/baseline and the paired t on log times. When every
/// pair has the same ratio, the ratio is kept without an interval.
pub(crate) fn paired_times(
    subject: &str,
    a: &Sample,
    b: &Sample,
    logs: Option<&Spread>,
) -> ComparedFigure {
    let mut row = times_of(subject, a, b);
    row.test = None;
    row.verdict = Said::Untestable("");
    if let Some((ratio, test, interval)) = logs.and_then(stats::paired_log_t_of) {
        row.test = Some(test);
        row.difference = Some(Difference {
            kind: DifferenceKind::Ratio,
            value: ratio,
            interval: Some(interval),
        });
        return row;
    }
    row.difference = logs
        .and_then(stats::constant_ratio_of)
        .map(|value| Difference {
            kind: DifferenceKind::Ratio,
            value,
            interval: None,
        });
    row.verdict = Said::Untestable(match row.difference {
        Some(_) => "no variation: every participant's ratio is the same",
        None => "fewer than two participants with a time on both",
    });
    row
}

/// A score or answer of the same participants with both (within designs): `sums` holds
/// the sums of each side's values (baseline, variant) and `d` the differences variant −
/// baseline, folded; each side's mean, the mean difference with its paired t interval,
/// and the paired t-test.
pub(crate) fn paired_means(measure: Measure, sums: (f64, f64), d: &Spread) -> ComparedFigure {
    let n = d.len();
    let mean = |sum: f64| match n {
        0 => Amount::None,
        _ => {
            let value = sum / n as f64;
            match measure {
                Measure::Score(_) => Amount::Score { value, n },
                _ => Amount::Mean { value, n },
            }
        }
    };
    let mut row = row("", measure, mean(sums.0), mean(sums.1));
    let decimals = match measure {
        Measure::Score(_) => 1,
        _ => 2,
    };
    match stats::paired_t_of(d) {
        Some((value, test, interval)) => {
            row.test = Some(test);
            row.difference = Some(Difference {
                kind: DifferenceKind::Mean(decimals),
                value,
                interval: Some(interval),
            });
        }
        None if n < 2 => {
            row.verdict = Said::Untestable("fewer than two participants answered both")
        }
        None => {
            row.difference = Some(Difference {
                kind: DifferenceKind::Mean(decimals),
                value: d.sum() / n as f64,
                interval: None,
            });
            row.verdict =
                Said::Untestable("no variation: every participant's difference is the same");
        }
    }
    row
}
