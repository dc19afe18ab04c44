//! A within study's paired rows: each variant against the baseline on the participants
//! who tried both, and what each row rests on.

use super::units::{self, Units};
use super::{Basis, Period};
use crate::report::comparison::{self, Amount, ComparedFigure, Measure, PairedCounts};
use crate::stats;

/// The paired rows of a within study, on the participants who tried both: completion,
/// time, and each questionnaire answered with either.
pub(super) fn rows(baseline: &str, variant: &str, units: &Units) -> Vec<ComparedFigure> {
    let pairs = units.pairs(baseline, variant);
    let times: Vec<(f64, f64)> = pairs
        .iter()
        .filter_map(|(b, v)| Some((b.time?, v.time?)))
        .collect();
    let mut rows = vec![
        comparison::paired_shares("", counts(units, baseline, variant)),
        comparison::paired_times("", &times),
    ];
    for (i, q) in units::paired_questionnaires().enumerate() {
        let answered = |v: &str| units.of(v).answered(i);
        if !answered(baseline) && !answered(variant) {
            continue;
        }
        let values: Vec<(f64, f64)> = pairs
            .iter()
            .filter_map(|(b, v)| Some((b.score(i)?, v.score(i)?)))
            .collect();
        let measure = match q.scoring {
            stats::Scoring::Seq => Measure::Seq(q.compared_as),
            _ => Measure::Score(q.compared_as),
        };
        rows.push(comparison::paired_means(measure, &values));
    }
    rows
}

/// Of the participants who tried both, who completed with both and with one only.
pub(super) fn counts(units: &Units, baseline: &str, variant: &str) -> PairedCounts {
    let pairs = units.pairs(baseline, variant);
    let count = |f: fn(bool, bool) -> bool| {
        pairs
            .iter()
            .filter(|(b, v)| f(b.completed, v.completed))
            .count() as u64
    };
    PairedCounts {
        pairs: pairs.len() as u64,
        both: count(|b, v| b && v),
        only_baseline: count(|b, v| b && !v),
        only_variant: count(|b, v| !b && v),
    }
}

/// What each paired row rests on: how many pairs of those who tried both.
pub(super) fn basis(
    units: &Units,
    baseline: &str,
    variant: &str,
    rows: &[ComparedFigure],
) -> Vec<Basis> {
    let of = units.pairs(baseline, variant).len();
    rows.iter()
        .map(|row| {
            let pairs = match (row.measure, row.baseline) {
                (Measure::Completion, _) => of,
                (
                    _,
                    Amount::Seconds { n, .. } | Amount::Mean { n, .. } | Amount::Score { n, .. },
                ) => n,
                _ => 0,
            };
            Basis {
                figure: row.name(|id| id.to_owned()),
                pairs,
                of,
            }
        })
        .collect()
}

/// The period effect of the 2×2 crossover on time: each participant who succeeded with
/// both, in the order group they played in. None unless both groups have someone.
pub(super) fn period(units: &Units, baseline: &str, variant: &str) -> Option<Period> {
    let (mut ab, mut ba) = (Vec::new(), Vec::new());
    for (b, v) in units.pairs(baseline, variant) {
        let (Some(tb), Some(tv)) = (b.time, v.time) else {
            continue;
        };
        match b.position < v.position {
            true => ab.push((tb, tv)),
            false => ba.push((tv, tb)),
        }
    }
    let (ratio, test, interval) = stats::crossover_period(&ab, &ba)?;
    Some(Period {
        groups: (ab.len(), ba.len()),
        ratio,
        interval,
        test,
    })
}
