//! The returns figures on designed visits, each checked against its count or against
//! the fit of `stats::learning` on the same points (itself checked against SciPy).

use super::*;
use crate::flow::study::{Criterion, Returns, Study};
use crate::study::returns::{TaskDone, Visited};

const DAY: i64 = 86_400_000;
const T0: i64 = 1_764_579_600_000;

fn study() -> Study {
    let flow = crate::flow::load(
        "flow: f\ntitle: F\nvariant: a\nsteps:\n  s:\n    screen: x\n    end: success\n",
    )
    .expect("a flow");
    let mut study = Study::of_flow(&flow, "f.yaml");
    study.returns = Returns {
        sessions: 3,
        schedule_ms: vec![0, DAY as u64, 7 * DAY as u64],
        retention_ms: Some(14 * DAY as u64),
        criterion: Some(Criterion::Within { ms: 30_000 }),
        intention: None,
    };
    study
}

/// Participant `p` of `variant` at `trial`, started `day` days after T0, the task ending
/// in `time` seconds (a failure when None).
fn visit(p: &str, variant: &str, trial: u32, day: i64, time: Option<f64>) -> Visited {
    let schedule = [0, 1, 7];
    let next = match trial {
        1 | 2 => Some(T0 + schedule[trial as usize] * DAY),
        3 => Some(T0 + (day + 14) * DAY),
        _ => None,
    };
    Visited {
        study: "s".into(),
        participant: p.into(),
        variant: variant.into(),
        trial,
        retention: trial == 4,
        started_ms: T0 + day * DAY,
        since_first_ms: Some((day * DAY) as u64),
        since_previous_ms: None,
        next_from_ms: next,
        early: false,
        simulated: false,
        tasks: vec![TaskDone {
            task: "order".into(),
            outcome: if time.is_some() { "success" } else { "failure" }.into(),
            success: time.is_some(),
            time_s: Some(time.unwrap_or(50.0)),
        }],
        answers: vec![("sus4".into(), "2".into()), ("sus10".into(), "1".into())],
    }
}

#[test]
fn return_rates_count_the_invited_who_were_due_and_came() {
    let mut visits = Vec::new();
    for (i, p) in ["P1", "P2", "P3", "P4", "P5"].iter().enumerate() {
        visits.push(visit(p, "a", 1, 0, Some(40.0 + i as f64)));
    }
    // P1-P3 came back on day 1 or 2; P4 never did.
    visits.push(visit("P1", "a", 2, 1, Some(30.0)));
    visits.push(visit("P2", "a", 2, 2, Some(31.0)));
    visits.push(visit("P3", "a", 2, 1, None));
    // P5 started ten days later, so their second session had not opened by the newest.
    visits.retain(|v| v.participant != "P5");
    let mut late = visit("P5", "a", 1, 10, Some(44.0));
    late.next_from_ms = Some(T0 + 11 * DAY);
    visits.push(late);
    for v in visits.iter_mut().filter(|v| v.trial == 2) {
        v.since_previous_ms = Some((v.started_ms - T0) as u64);
    }
    let report = build(&study(), &["a".into()], &visits).expect("returns");
    let back = &report.variants[0].returns[0];
    assert_eq!(
        (
            back.trial,
            back.invited,
            back.not_due,
            back.due,
            back.returned
        ),
        (2, 5, 1, 4, 3)
    );
    assert_eq!(back.rate, Some(0.75));
    assert_eq!(back.interval, crate::stats::adjusted_wald(3, 4));
    assert_eq!(
        (back.days_median, back.days_min, back.days_max),
        (Some(1.0), Some(1.0), Some(2.0))
    );
    // Trial 3: P1-P3 were invited (their second session counted); none came back yet.
    let third = &report.variants[0].returns[1];
    assert_eq!((third.invited, third.returned), (3, 0));
    assert_eq!(
        report.as_of,
        Some(crate::study::returns::rfc3339(T0 + 10 * DAY))
    );
    assert_eq!(report.variants[0].participants, 5);
}

#[test]
fn learning_figures_are_the_fits_of_the_successful_scheduled_times() {
    let mut visits = Vec::new();
    let people = [("P1", 60.0, 0.5), ("P2", 45.0, 0.3), ("P3", 80.0, 0.4)];
    for (p, t1, b) in people {
        for trial in 1..=3u32 {
            let t = t1 * f64::from(trial).powf(-b);
            visits.push(visit(p, "a", trial, [0, 1, 7][trial as usize - 1], Some(t)));
        }
        visits.push(visit(p, "a", 4, 21, Some(t1 * 3f64.powf(-b) * 1.2)));
    }
    let report = build(&study(), &["a".into()], &visits).expect("returns");
    let task = &report.variants[0].tasks[0];
    let points: Vec<(f64, f64)> = (visits.iter())
        .filter(|v| !v.retention)
        .map(|v| (f64::from(v.trial), v.tasks[0].time_s.unwrap_or(0.0)))
        .collect();
    let pooled = crate::stats::power_fit(&points).expect("a fit");
    let fit = task.power.fit().expect("pooled fit");
    assert!((fit.b - pooled.b).abs() < 1e-12 && (fit.a - pooled.a).abs() < 1e-9);
    // Each participant's own curve recovers their rate exactly.
    for (p, _, b) in people {
        let own = task
            .participants
            .iter()
            .find(|f| f.participant == p)
            .expect(p);
        let got = own.power.fit().expect("own fit").b;
        assert!((got - b).abs() < 1e-6, "{p}: {got} against {b}");
    }
    assert!((task.median_rate.unwrap_or(0.0) - 0.4).abs() < 1e-6);
    // Trials to 30 s: each participant's first session at or under it, from their curve.
    let c = task.criterion.as_ref().expect("a criterion");
    let met: Vec<Option<u32>> = task
        .participants
        .iter()
        .map(|p| p.trials_to_criterion)
        .collect();
    let expected: Vec<Option<u32>> = people
        .iter()
        .map(|(_, t1, b)| (1..=3u32).find(|n| t1 * f64::from(*n).powf(-b) <= 30.0))
        .collect();
    assert_eq!(met, expected);
    assert_eq!(c.reached + c.never, 3);
    // Retention: every one 1.2 times as long after the delay.
    let r = task.retention.as_ref().expect("retention");
    assert_eq!((r.pairs, r.both_succeeded, r.completed_after), (3, 3, 3));
    assert!((r.ratio.unwrap_or(0.0) - 1.2).abs() < 1e-9);
    // A retention session played before its delay was over measures no retention.
    let mut early = visits.clone();
    for v in early
        .iter_mut()
        .filter(|v| v.retention && v.participant == "P1")
    {
        v.early = true;
    }
    let report = build(&study(), &["a".into()], &early).expect("returns");
    let r = report.variants[0].tasks[0]
        .retention
        .as_ref()
        .expect("retention");
    assert_eq!((r.pairs, r.early, r.both_succeeded), (2, 1, 2));
    let task = &build(&study(), &["a".into()], &visits)
        .expect("returns")
        .variants[0]
        .tasks[0];
    // Per trial: three participants, all completed, the geometric mean time.
    let first = &task.trials[0];
    assert_eq!((first.participants, first.completed), (3, 3));
    let gm = (60.0f64 * 45.0 * 80.0).powf(1.0 / 3.0);
    assert!((first.time_s.unwrap_or(0.0) - gm).abs() < 1e-9);
    // SUS learnability: (5-2) + (5-1) = 7, times 12.5.
    assert_eq!(report.variants[0].sus_learnability[0].mean, 87.5);
}

#[test]
fn two_variants_compare_their_participants_rates() {
    let mut visits = Vec::new();
    for (variant, rates) in [("a", [0.2, 0.25, 0.3]), ("b", [0.5, 0.55, 0.65])] {
        for (i, b) in rates.iter().enumerate() {
            let p = format!("{variant}{i}");
            for trial in 1..=3u32 {
                let t = 50.0 * f64::from(trial).powf(-b);
                visits.push(visit(
                    &p,
                    variant,
                    trial,
                    [0, 1, 7][trial as usize - 1],
                    Some(t),
                ));
            }
        }
    }
    let report = build(&study(), &["a".into(), "b".into()], &visits).expect("returns");
    let c = &report.rate_comparisons[0];
    assert_eq!(
        (c.baseline.as_str(), c.variant.as_str(), c.n),
        ("a", "b", (3, 3))
    );
    assert!(
        (c.difference - (0.5667 - 0.25)).abs() < 1e-3,
        "{}",
        c.difference
    );
    assert!(c.interval.low > 0.0 && !c.paired);
}

#[test]
fn a_study_without_returns_has_no_section() {
    let mut plain = study();
    plain.returns = Returns::default();
    assert!(build(&plain, &["a".into()], &[]).is_none());
}
