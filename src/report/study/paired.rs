//! A within study's paired rows: each variant against the baseline on the participants
//! who tried both, and what each row rests on. The pairs are never listed: they are
//! streamed from the sessions kept for them (`Units::each_pair`, in the order of the
//! participants' ids) twice, the first pass summing (counts, sums, each side's times),
//! the second summing the squared distances from the means the first found
//! (`stats::Spread`), so every figure is the one a list of pairs gave.

use super::units::{self, Paired, Units};
use super::{Basis, Period};
use crate::report::comparison::{self, Amount, ComparedFigure, Measure, PairedCounts};
use crate::stats::{self, Sample, Spread};

/// What the paired rows of a variant against the baseline rest on, folded from the
/// pairs of the participants who tried both.
#[derive(Debug, Clone)]
pub(super) struct Folded {
    counts: PairedCounts,
    /// Those who succeeded with both: each side's time, (baseline, variant).
    times: (Sample, Sample),
    /// Their log ratios, ln(variant) − ln(baseline); None once a time is not positive.
    log_ratios: Option<Spread>,
    /// Each paired questionnaire: the sums of each side's values (baseline, variant) and
    /// the differences variant − baseline, of those who answered it with both.
    scores: Vec<((f64, f64), Spread)>,
    /// The 2×2 crossover's order groups: ln(second) − ln(first) of those who met the
    /// baseline first, its negation of those who met the variant first; None once a
    /// time is not positive.
    period: Option<(Spread, Spread)>,
    /// The times themselves, listed only for the two one-sided tests of a study that
    /// declares a time margin: those take their mean and variance over the distinct log
    /// ratios sorted (`stats::tost_paired_log_times`), which a fold in the participants'
    /// order cannot give to the last digit.
    listed: Option<Vec<(f64, f64)>>,
}

impl Folded {
    /// The pairs of `baseline` and `variant` folded, the times listed if `list`.
    pub fn of(units: &Units, baseline: &str, variant: &str, list: bool) -> Folded {
        let mut folded = Folded {
            counts: PairedCounts::default(),
            times: Default::default(),
            log_ratios: Some(Spread::default()),
            scores: vec![((-0.0, -0.0), Spread::default()); units::paired_questionnaires().count()],
            period: Some(Default::default()),
            listed: list.then(Vec::new),
        };
        units.each_pair(baseline, variant, |b, v| folded.first(b, v));
        folded.settle();
        units.each_pair(baseline, variant, |b, v| folded.second(b, v));
        folded
    }

    /// Both times of a pair, when both are there: (baseline, variant).
    fn times_of(b: &Paired, v: &Paired) -> Option<(f64, f64)> {
        Some((b.time?, v.time?))
    }

    fn first(&mut self, b: &Paired, v: &Paired) {
        let c = &mut self.counts;
        c.pairs += 1;
        c.both += u64::from(b.completed && v.completed);
        c.only_baseline += u64::from(b.completed && !v.completed);
        c.only_variant += u64::from(!b.completed && v.completed);
        for (i, ((sb, sv), d)) in self.scores.iter_mut().enumerate() {
            if let (Some(x), Some(y)) = (b.score(i), v.score(i)) {
                *sb += x;
                *sv += y;
                d.add(y - x);
            }
        }
        let Some((tb, tv)) = Folded::times_of(b, v) else {
            return;
        };
        self.times.0.push(tb);
        self.times.1.push(tv);
        if let Some(list) = &mut self.listed {
            list.push((tb, tv));
        }
        if tb <= 0.0 || tv <= 0.0 {
            self.log_ratios = None;
        }
        if let Some(d) = &mut self.log_ratios {
            d.add(tv.ln() - tb.ln());
        }
        // As `stats::crossover_period`: a group's pairs are (first, second).
        let (group, first, second, sign) = crossover(b, v, tb, tv);
        if !(first > 0.0 && second > 0.0) {
            self.period = None;
        }
        if let Some(groups) = &mut self.period {
            let d = if group { &mut groups.0 } else { &mut groups.1 };
            d.add(sign * (second.ln() - first.ln()));
        }
    }

    fn settle(&mut self) {
        self.scores.iter_mut().for_each(|(_, d)| d.settle());
        self.log_ratios.iter_mut().for_each(Spread::settle);
        if let Some((ab, ba)) = &mut self.period {
            ab.settle();
            ba.settle();
        }
    }

    fn second(&mut self, b: &Paired, v: &Paired) {
        for (i, (_, d)) in self.scores.iter_mut().enumerate() {
            if let (Some(x), Some(y)) = (b.score(i), v.score(i)) {
                d.add_again(y - x);
            }
        }
        let Some((tb, tv)) = Folded::times_of(b, v) else {
            return;
        };
        if let Some(d) = &mut self.log_ratios {
            d.add_again(tv.ln() - tb.ln());
        }
        let (group, first, second, sign) = crossover(b, v, tb, tv);
        if let Some(groups) = &mut self.period {
            let d = if group { &mut groups.0 } else { &mut groups.1 };
            d.add_again(sign * (second.ln() - first.ln()));
        }
    }

    /// Of the participants who tried both, who completed with both and with one only.
    pub fn counts(&self) -> PairedCounts {
        self.counts
    }

    /// Each time of those who succeeded with both, (baseline, variant), if listed.
    pub fn listed(&self) -> Option<&[(f64, f64)]> {
        self.listed.as_deref()
    }
}

/// A pair's order group in the 2×2 crossover (true: the baseline met first), its
/// (first, second) times there and the sign its log ratio takes.
fn crossover(b: &Paired, v: &Paired, tb: f64, tv: f64) -> (bool, f64, f64, f64) {
    match b.position < v.position {
        true => (true, tb, tv, 1.0),
        false => (false, tv, tb, -1.0),
    }
}

/// The paired rows of a within study, on the participants who tried both: completion,
/// time, and each questionnaire answered with either.
pub(super) fn rows(
    baseline: &str,
    variant: &str,
    units: &Units,
    f: &Folded,
) -> Vec<ComparedFigure> {
    let mut rows = vec![
        comparison::paired_shares("", f.counts),
        comparison::paired_times("", &f.times.0, &f.times.1, f.log_ratios.as_ref()),
    ];
    for (i, q) in units::paired_questionnaires().enumerate() {
        let answered = |v: &str| units.of(v).answered(i);
        if !answered(baseline) && !answered(variant) {
            continue;
        }
        let Some((sums, d)) = f.scores.get(i) else {
            continue;
        };
        let measure = match q.scoring {
            stats::Scoring::Seq => Measure::Seq(q.compared_as),
            _ => Measure::Score(q.compared_as),
        };
        rows.push(comparison::paired_means(measure, *sums, d));
    }
    rows
}

/// What each paired row rests on: how many pairs of those who tried both.
pub(super) fn basis(f: &Folded, rows: &[ComparedFigure]) -> Vec<Basis> {
    let of = f.counts.pairs as usize;
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
pub(super) fn period(f: &Folded) -> Option<Period> {
    let (ab, ba) = f.period.as_ref()?;
    let (ratio, test, interval) = stats::crossover_period_of(ab, ba)?;
    Some(Period {
        groups: (ab.len(), ba.len()),
        ratio,
        interval,
        test,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::study::units::Unit;

    /// A participant: id, baseline first, baseline time and score, variant's.
    type Person = (
        &'static str,
        bool,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
    );

    /// Folded from runs on disk, the figures are those of the pairs listed in the order
    /// of the participants' ids, to the last bit.
    #[test]
    fn pairs_folded_from_runs_give_the_figures_of_the_pairs_listed() {
        // (participant, baseline first, baseline time and score, variant time and score)
        let people = [
            ("P07", true, Some(41.2), Some(70.0), Some(33.5), Some(72.5)),
            ("P02", false, Some(55.0), None, Some(49.8), Some(80.0)),
            ("P11", true, Some(38.7), Some(65.0), Some(35.0), Some(60.0)),
            ("P01", false, Some(62.3), Some(90.0), None, Some(85.0)),
            ("P05", true, Some(47.9), Some(55.0), Some(44.1), Some(57.5)),
            ("P09", false, Some(51.1), Some(75.0), Some(39.9), Some(77.5)),
            ("P03", true, Some(44.4), Some(62.5), Some(40.1), Some(70.0)),
        ];
        let mut units = Units::with_budget(2);
        for (who, baseline_first, tb, sb, tv, sv) in people {
            let sessions = [
                ("A", tb, sb, baseline_first),
                ("B", tv, sv, !baseline_first),
            ];
            for (variant, time, score, first) in sessions {
                let scores = [score, None, None];
                let unit = Unit {
                    participant: who,
                    variant,
                    position: if first { 1 } else { 2 },
                    completed: time.is_some(),
                    time,
                    scores: &scores,
                };
                units.add(&unit, true);
            }
        }
        assert!(units.on_disk(), "seven runs of two");
        let f = Folded::of(&units, "A", "B", true);
        assert_eq!(units.problem(), None);
        let mut listed = people.to_vec();
        listed.sort_by_key(|p| p.0);
        let both = |p: &Person| p.2.zip(p.4);
        let times: Vec<(f64, f64)> = listed.iter().filter_map(both).collect();
        assert_eq!(f.listed(), Some(times.as_slice()));
        let (tb, tv): (Vec<f64>, Vec<f64>) = times.iter().copied().unzip();
        let folded = f.log_ratios.as_ref().and_then(stats::paired_log_t_of);
        assert_eq!(
            format!("{folded:?}"),
            format!("{:?}", stats::paired_log_t(&tv, &tb))
        );
        assert!(folded.is_some());
        let scores: Vec<(f64, f64)> = listed.iter().filter_map(|p| p.3.zip(p.5)).collect();
        let (sb, sv): (Vec<f64>, Vec<f64>) = scores.iter().copied().unzip();
        assert_eq!(
            format!("{:?}", stats::paired_t_of(&f.scores[0].1)),
            format!("{:?}", stats::paired_t(&sb, &sv))
        );
        assert_eq!(f.scores[0].1.len(), scores.len());
        let (ab, ba): (Vec<_>, Vec<_>) = listed.iter().partition(|p| p.1);
        let group = |g: &[&Person], first_is_b: bool| -> Vec<(f64, f64)> {
            g.iter()
                .filter_map(|p| both(p))
                .map(|(b, v)| if first_is_b { (b, v) } else { (v, b) })
                .collect()
        };
        let expected = stats::crossover_period(&group(&ab, true), &group(&ba, false));
        let got = period(&f).map(|p| (p.ratio, p.test, p.interval));
        assert_eq!(format!("{got:?}"), format!("{expected:?}"));
        assert!(got.is_some());
        let c = f.counts();
        assert_eq!(
            (c.pairs, c.both, c.only_baseline, c.only_variant),
            (7, 6, 1, 0)
        );
    }
}
