use std::time::{Duration, Instant};

use super::alerts::{self, Alert, Kind, Raised, Thresholds};
use super::*;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// A seat on `step` of `variant` since `since` seconds after `t0`.
fn on_step(variant: &str, step: &str, t0: Instant, since: u64) -> Whereabouts {
    Whereabouts {
        step: Some((step.into(), t0 + secs(since))),
        variant: Some(variant.into()),
        ..Whereabouts::default()
    }
}

fn seat<'a>(participant: &'a str, w: &'a Whereabouts) -> SeatView<'a> {
    SeatView {
        participant,
        variant: None,
        assigned: &[],
        connected: true,
        started: true,
        ended: None,
        trial: None,
        whereabouts: w,
    }
}

fn stuck(participant: &str, step: &str, held: u64, median: Option<u64>) -> Alert {
    Alert {
        participant: participant.into(),
        kind: Kind::Stuck { step: step.into() },
        held: Some(secs(held)),
        median: median.map(secs),
    }
}

#[test]
fn each_seat_has_one_state_in_the_researchers_words() {
    let t0 = Instant::now();
    let w = Whereabouts::default();
    let mut s = seat("P01", &w);
    let state = |s: &SeatView<'_>| s.row(t0).state;
    s.started = false;
    s.connected = false;
    assert_eq!(state(&s), State::Waiting);
    s.started = true;
    assert_eq!(state(&s), State::Disconnected);
    s.connected = true;
    assert_eq!(state(&s), State::Playing);
    let consenting = Whereabouts {
        consenting: true,
        ..Whereabouts::default()
    };
    assert_eq!(state(&seat("P01", &consenting)), State::Consenting);
    let away = Whereabouts {
        away: Some(t0),
        ..Whereabouts::default()
    };
    assert_eq!(state(&seat("P01", &away)), State::Paused);
    // Too small wins over away: it is what the participant must fix.
    let small = Whereabouts {
        too_small: Some(t0),
        ..away.clone()
    };
    assert_eq!(state(&seat("P01", &small)), State::TooSmall);
    s.ended = Some("complete");
    assert_eq!(state(&s), State::Finished("complete".into()));
    assert_eq!(state(&s).words(), "finished: complete");
}

#[test]
fn a_row_has_the_step_and_the_time_on_it_and_counts_go_per_variant() {
    let t0 = Instant::now();
    let a = on_step("one-menu", "checkout", t0, 10);
    let b = Whereabouts::default();
    let assigned = ["one-menu".to_owned()];
    let mut first = seat("P01", &a);
    first.assigned = &assigned;
    let mut done = seat("P02", &b);
    (done.assigned, done.ended) = (&assigned, Some("complete"));
    let mut waiting = seat("P03", &b);
    (waiting.started, waiting.connected) = (false, false);
    let variants = ["one-menu".to_owned(), "three-menus".to_owned()];
    let dashboard = snapshot(
        &[first, done, waiting],
        &variants,
        Some(6),
        &StepTimes::default(),
        t0 + secs(70),
    );
    let row = &dashboard.participants[0];
    assert_eq!(row.step.as_deref(), Some("checkout"));
    assert_eq!(row.on_step, Some(secs(60)));
    assert_eq!(row.variant.as_deref(), Some("one-menu"));
    // A finished participant has no step on screen.
    assert_eq!(dashboard.participants[1].step, None);
    let count = |complete, playing, v: &str| Count {
        variant: Some(v.into()),
        complete,
        playing,
        target: Some(6),
    };
    assert_eq!(
        dashboard.counts,
        [count(1, 1, "one-menu"), count(0, 0, "three-menus")]
    );
    let json = serde_json::to_value(&dashboard).expect("serialises");
    assert_eq!(json["participants"][0]["state"], "playing");
    assert_eq!(json["participants"][0]["on_step_ms"], 60_000);
    assert_eq!(json["participants"][1]["state"], "finished");
    assert_eq!(json["participants"][1]["how"], "complete");
    assert_eq!(json["counts"][0]["target"], 6);
}

#[test]
fn a_session_over_with_its_thanks_still_up_is_finished_and_counted() {
    let t0 = Instant::now();
    let thanking = Whereabouts {
        ended: Some("complete".into()),
        variant: Some("one-menu".into()),
        ..Whereabouts::default()
    };
    let assigned = ["one-menu".to_owned()];
    let mut s = seat("P01", &thanking);
    s.assigned = &assigned;
    assert_eq!(s.row(t0).state, State::Finished("complete".into()));
    let dashboard = snapshot(&[s], &assigned, None, &StepTimes::default(), t0 + secs(600));
    assert_eq!(dashboard.counts[0].complete, 1);
    assert_eq!(dashboard.counts[0].playing, 0);
    // Nothing to be stuck on, however long the thanks stay up.
    let alerts = alerts::alerts(&dashboard, &Thresholds::default());
    assert!(alerts.is_empty(), "{alerts:?}");
}

#[test]
fn medians_are_per_variant_and_step() {
    let mut times = StepTimes::default();
    for s in [10, 20, 30, 400] {
        times.left(Some("a"), "home", secs(s));
    }
    times.left(Some("b"), "home", secs(5));
    assert_eq!(times.median(Some("a"), "home"), (4, Some(secs(25))));
    assert_eq!(times.median(Some("b"), "home"), (1, Some(secs(5))));
    assert_eq!(times.median(None, "home"), (0, None));
}

fn alerts_at(w: &Whereabouts, times: &StepTimes, now: Instant, t: &Thresholds) -> Vec<Alert> {
    let dashboard = snapshot(&[seat("P01", w)], &[], None, times, now);
    alerts::alerts(&dashboard, t)
}

#[test]
fn stuck_is_the_fixed_limit_until_three_have_left_the_step_then_times_the_median() {
    let t0 = Instant::now();
    let t = Thresholds::default();
    let w = on_step("a", "checkout", t0, 0);
    let mut times = StepTimes::default();
    times.left(Some("a"), "checkout", secs(10));
    times.left(Some("a"), "checkout", secs(20));
    // Two medians are not enough: 120 s is the limit.
    assert!(alerts_at(&w, &times, t0 + secs(120), &t).is_empty());
    assert_eq!(
        alerts_at(&w, &times, t0 + secs(121), &t),
        [stuck("P01", "checkout", 121, None)]
    );
    // Three: the median is 20 s, so 3 x 20 = 60 s.
    times.left(Some("a"), "checkout", secs(40));
    assert!(alerts_at(&w, &times, t0 + secs(60), &t).is_empty());
    let alert = alerts_at(&w, &times, t0 + secs(61), &t);
    assert_eq!(alert, [stuck("P01", "checkout", 61, Some(20))]);
    assert_eq!(
        alert[0].words(),
        "stuck on checkout for 1m 01s (median 20s)"
    );
    // Another variant's times say nothing about this one.
    let other = on_step("b", "checkout", t0, 0);
    assert!(alerts_at(&other, &times, t0 + secs(61), &t).is_empty());
    // A paused participant is away, not stuck.
    let away = Whereabouts {
        away: Some(t0),
        ..w.clone()
    };
    assert!(alerts_at(&away, &times, t0 + secs(600), &t).is_empty());
}

#[test]
fn too_small_waits_two_seconds_and_a_lost_connection_is_told_at_once() {
    let t0 = Instant::now();
    let t = Thresholds::default();
    let w = Whereabouts {
        too_small: Some(t0),
        ..Whereabouts::default()
    };
    let times = StepTimes::default();
    assert!(alerts_at(&w, &times, t0 + Duration::from_millis(1_999), &t).is_empty());
    let alert = alerts_at(&w, &times, t0 + secs(2), &t);
    assert_eq!(alert[0].kind, Kind::TooSmall);
    assert_eq!(alert[0].words(), "window too small for 2s");
    let none = Whereabouts::default();
    let mut lost = seat("P01", &none);
    lost.connected = false;
    let dashboard = snapshot(&[lost], &[], None, &times, t0);
    let alert = alerts::alerts(&dashboard, &t);
    assert_eq!(alert[0].kind, Kind::Disconnected);
    assert_eq!(alert[0].words(), "connection lost");
}

#[test]
fn an_alert_is_raised_once_while_it_holds_and_cleared_once() {
    let mut raised = Raised::default();
    let a = stuck("P01", "home", 130, None);
    let changes = raised.look(std::slice::from_ref(&a));
    assert_eq!(changes.raised, std::slice::from_ref(&a));
    assert!(raised.has("P01") && !raised.has("P02"));
    // Still stuck, longer: nothing new.
    let later = stuck("P01", "home", 140, None);
    assert_eq!(raised.look(&[later]), alerts::Changes::default());
    // On another step and stuck there: the first clears, the second is raised.
    let next = stuck("P01", "drinks", 125, None);
    let changes = raised.look(std::slice::from_ref(&next));
    assert_eq!(changes.cleared, [("P01".into(), a.kind.clone())]);
    assert_eq!(changes.raised, std::slice::from_ref(&next));
    let changes = raised.look(&[]);
    assert_eq!(changes.cleared, [("P01".into(), next.kind)]);
    // Stuck again on the first step: a new occurrence, raised again.
    assert_eq!(raised.look(std::slice::from_ref(&a)).raised, [a]);
}
