use super::*;
use crate::flow::study::{Returns, Study};

const DAY: i64 = 86_400_000;
/// 2025-12-01T09:00:00Z
const T0: i64 = 1_764_579_600_000;

fn study(sessions: u32, schedule: &[u64], retention: Option<u64>) -> Study {
    let flow = crate::flow::load(
        "flow: f\ntitle: F\nvariant: a\nsteps:\n  s:\n    screen: x\n    end: success\n",
    )
    .expect("a flow");
    let mut study = Study::of_flow(&flow, "f.yaml");
    study.returns = Returns {
        sessions,
        schedule_ms: schedule.to_vec(),
        retention_ms: retention,
        ..Returns::default()
    };
    study
}

fn past(trial: u32, started_ms: i64) -> Past {
    Past {
        trial,
        started_ms,
        next_from_ms: None,
        assignment: Assignment {
            variants: vec!["a".into()],
            order: vec!["t1".into(), "t2".into()],
            slot: 4,
            seed: 99,
        },
    }
}

fn history(pasts: &[(u32, i64)]) -> History {
    History {
        sessions: pasts.iter().map(|(t, s)| past(*t, *s)).collect(),
    }
}

#[test]
fn a_new_participant_or_a_study_without_returns_is_assigned_as_always() {
    let three = study(3, &[0, DAY as u64, 7 * DAY as u64], None);
    assert_eq!(next(&three, "P1", &History::default(), T0, false), Ok(None));
    let one = study(1, &[0], None);
    assert_eq!(
        next(&one, "P1", &history(&[(1, T0)]), T0 + DAY, false),
        Ok(None)
    );
    assert_eq!(first_visit(&one, T0), None);
    let first = first_visit(&three, T0).expect("a visit");
    assert_eq!((first.trial, first.trials, first.retention), (1, 3, false));
    assert_eq!(first.since_first_ms, None);
    assert_eq!(first.next_from.as_deref(), Some("2025-12-02T09:00:00.000Z"));
}

#[test]
fn a_return_keeps_the_first_part_and_counts_from_the_first_start() {
    let three = study(3, &[0, DAY as u64, 7 * DAY as u64], Some(14 * DAY as u64));
    let now = T0 + DAY + 3_600_000;
    let r = next(&three, "P1", &history(&[(1, T0)]), now, false)
        .expect("due")
        .expect("a return");
    assert_eq!(r.assignment, past(1, T0).assignment);
    assert_eq!(r.visit.trial, 2);
    assert_eq!(r.visit.trials, 4);
    assert_eq!(r.visit.since_first_ms, Some((DAY + 3_600_000) as u64));
    assert_eq!(r.visit.since_previous_ms, Some((DAY + 3_600_000) as u64));
    assert!(!r.visit.early);
    // Session 3 opens 7 days after the first's start, not after this one's.
    assert_eq!(r.visit.next_from, Some(rfc3339(T0 + 7 * DAY)));
    // The retention trial opens 14 days after the last scheduled one's start.
    let third = T0 + 8 * DAY;
    let r = next(&three, "P1", &history(&[(1, T0), (2, now)]), third, false)
        .expect("due")
        .expect("a return");
    assert_eq!(r.visit.trial, 3);
    assert_eq!(r.visit.since_previous_ms, Some((third - now) as u64));
    assert_eq!(r.visit.next_from, Some(rfc3339(third + 14 * DAY)));
    let retention = third + 15 * DAY;
    let r = next(
        &three,
        "P1",
        &history(&[(1, T0), (2, now), (3, third)]),
        retention,
        false,
    )
    .expect("due")
    .expect("a return");
    assert!(r.visit.retention);
    assert_eq!(r.visit.trial, 4);
    assert_eq!(r.visit.next_from, None);
}

#[test]
fn too_early_is_refused_with_when_and_early_plays_it_and_says_so() {
    let three = study(3, &[0, DAY as u64, 7 * DAY as u64], None);
    let now = T0 + DAY - 5 * 60_000;
    let refused = next(&three, "P07", &history(&[(1, T0)]), now, false);
    let Err(e) = refused else {
        panic!("{refused:?}")
    };
    assert_eq!(
        e,
        NotYet::TooEarly {
            participant: "P07".into(),
            trial: 2,
            trials: 3,
            opens_ms: T0 + DAY,
            now_ms: now
        }
    );
    let said = e.to_string();
    assert!(said.starts_with("P07's session 2 of 3 opens at "), "{said}");
    assert!(
        said.ends_with(", in 5 min; come back then, or add --early to play it now"),
        "{said}"
    );
    let early = next(&three, "P07", &history(&[(1, T0)]), now, true)
        .expect("early")
        .expect("a return");
    assert!(early.visit.early);
    let done = next(
        &three,
        "P07",
        &history(&[(1, T0), (2, T0 + DAY), (3, T0 + 7 * DAY)]),
        T0 + 9 * DAY,
        false,
    );
    assert_eq!(
        done.map_err(|e| e.to_string()),
        Err("P07 has played all 3 sessions of this study; nothing is left to play".into())
    );
}

#[test]
fn a_within_trial_starts_with_its_first_session() {
    let two = study(2, &[0, DAY as u64], None);
    // Trial 1 of a within study: two sessions, minutes apart.
    let h = history(&[(1, T0 + 600_000), (1, T0)]);
    let r = next(&two, "P1", &h, T0 + DAY, false)
        .expect("due")
        .expect("a return");
    assert_eq!(r.visit.since_first_ms, Some(DAY as u64));
}

#[test]
fn waits_are_said_in_the_largest_units_that_matter() {
    assert_eq!(wait(12_000), "12 s");
    assert_eq!(wait(4 * 60_000), "4 min");
    assert_eq!(wait(23 * 3_600_000 + 10 * 60_000), "23 h 10 min");
    assert_eq!(wait(3 * DAY), "3 d");
    assert_eq!(wait(-5), "0 s");
    assert_eq!(millis(&rfc3339(T0)), Some(T0));
}

#[test]
fn the_invitation_given_decides_when_the_next_session_opens() {
    // The closing screen said "from T0 + 2 days"; the schedule now says 1 day.
    let three = study(3, &[0, DAY as u64, 7 * DAY as u64], None);
    let mut h = history(&[(1, T0)]);
    h.sessions[0].next_from_ms = Some(T0 + 2 * DAY);
    let refused = next(&three, "P1", &h, T0 + DAY + 60_000, false);
    assert!(
        matches!(refused, Err(NotYet::TooEarly { opens_ms, .. }) if opens_ms == T0 + 2 * DAY),
        "{refused:?}"
    );
    // And the other way: invited from a moment before the schedule now allows.
    h.sessions[0].next_from_ms = Some(T0 + 3_600_000);
    let back = next(&three, "P1", &h, T0 + 2 * 3_600_000, false).expect("due");
    assert_eq!(back.map(|b| b.visit.trial), Some(2));
}

/// Only an invitation that counts from its own trial's start moves with the start the
/// trial records: the first trial's, and the one before the retention trial; the others
/// count from the first trial's start, already recorded.
#[test]
fn an_invitation_counting_from_its_own_trial_follows_the_recorded_start() {
    let three = study(3, &[0, DAY as u64, 7 * DAY as u64], Some(14 * DAY as u64));
    let mut first = first_visit(&three, T0).expect("a visit");
    assert_eq!(first.next_after_start_ms, Some(DAY as u64));
    from_start(&mut first, T0 + 90_000);
    assert_eq!(first.next_from, Some(rfc3339(T0 + DAY + 90_000)));
    assert_eq!(first.next_after_start_ms, None, "not recorded");

    let second = next(&three, "P1", &history(&[(1, T0)]), T0 + DAY, false)
        .expect("due")
        .expect("a return")
        .visit;
    assert_eq!(second.next_after_start_ms, None);
    let mut moved = second.clone();
    from_start(&mut moved, T0 + DAY + 90_000);
    assert_eq!(moved, second, "session 3 counts from the first's start");

    let third = next(
        &three,
        "P1",
        &history(&[(1, T0), (2, T0 + DAY)]),
        T0 + 7 * DAY,
        false,
    )
    .expect("due")
    .expect("a return")
    .visit;
    assert_eq!(third.next_after_start_ms, Some(14 * DAY as u64));
    let mut third = third;
    from_start(&mut third, T0 + 7 * DAY + 90_000);
    assert_eq!(third.next_from, Some(rfc3339(T0 + 21 * DAY + 90_000)));
}
