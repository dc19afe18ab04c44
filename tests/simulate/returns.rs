//! `mvx simulate` on a study with returns: synthetic participants who come back on the
//! schedule with the part of their first visit, some of whom drop out, and whose times
//! follow the power law of practice at the rate asked for.

use std::collections::BTreeMap;

use mvx::session::{EventKind, Session, Visit};

use predicates::str::contains;

use super::{consents, mvx};

const STUDY: &str = "studies/espresso-returns.yaml";
const HOUR_MS: u64 = 60 * 60 * 1000;
const DAY_MS: u64 = 24 * HOUR_MS;
/// `schedule: [0, 1d, 7d]`, `retention: 14d`.
const SCHEDULE_MS: [u64; 3] = [0, DAY_MS, 7 * DAY_MS];
const RETENTION_MS: u64 = 14 * DAY_MS;
/// The most a synthetic participant waits after a trial opens (`MOST_DELAY_MS`).
const MOST_DELAY_MS: u64 = 6 * HOUR_MS;

/// The synthetic sessions of `STUDY` written into a fresh folder with `more` arguments:
/// each participant's sessions, by trial.
fn simulated(more: &[&str]) -> BTreeMap<String, Vec<Session>> {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions");
    let sessions = sessions.to_str().expect("utf-8 path");
    mvx()
        .args(["simulate", STUDY, "--walks", "5", "--sessions", sessions])
        .args(more)
        .assert()
        .code(0);
    let (files, _) = mvx::session::discover(&[sessions.into()]);
    let mut by_participant: BTreeMap<String, Vec<Session>> = BTreeMap::new();
    for file in &files {
        let session = mvx::session::read(file).expect("a session file");
        (by_participant.entry(session.header.participant.clone()))
            .or_default()
            .push(session);
    }
    for sessions in by_participant.values_mut() {
        sessions.sort_by_key(|s| visit(s).trial);
    }
    by_participant
}

fn visit(session: &Session) -> &Visit {
    let block = session.header.study.as_ref().expect("a study block");
    block.visit.as_ref().expect("a visit block")
}

/// The session's task time in seconds: its successful attempts' durations, pauses left
/// out, as the returns figures take them; None when no attempt succeeded.
fn task_time_s(session: &Session) -> Option<f64> {
    let succeeded: Vec<u64> = mvx::session::attempts(session)
        .iter()
        .filter(|a| a.ending.is_success())
        .filter_map(|a| a.duration_ms)
        .collect();
    (!succeeded.is_empty()).then(|| succeeded.iter().sum::<u64>() as f64 / 1000.0)
}

/// The least-squares slope of `y` on `x`, each point weighing the same.
fn slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    let (mx, my) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x / n, b + y / n));
    let sxy: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = points.iter().map(|(x, _)| (x - mx).powi(2)).sum();
    sxy / sxx
}

/// Each participant's points less their own means: the slope of these is the one slope
/// shared by participants who each have their own first time (a fixed-effects fit).
fn within(participants: &[Vec<(f64, f64)>]) -> Vec<(f64, f64)> {
    let mut centred = Vec::new();
    for points in participants.iter().filter(|p| p.len() > 1) {
        let n = points.len() as f64;
        let mx = points.iter().map(|(x, _)| x / n).sum::<f64>();
        let my = points.iter().map(|(_, y)| y / n).sum::<f64>();
        centred.extend(points.iter().map(|(x, y)| (x - mx, y - my)));
    }
    centred
}

#[test]
fn synthetic_participants_come_back_on_schedule_with_their_first_part() {
    let participants = simulated(&["--participants", "40", "--seed", "11"]);
    assert_eq!(participants.len(), 40);
    // How many played each trial: 40 first visits, then about 80% of those invited.
    let mut played = [0usize; 4];
    for (who, sessions) in &participants {
        let first = &sessions[0];
        let first_block = first.header.study.as_ref().expect("a study block");
        assert_eq!(visit(first).trial, 1, "{who} played trial 1");
        assert!(
            !consents(first).is_empty(),
            "{who}: consent at the first visit"
        );
        for (k, s) in sessions.iter().enumerate() {
            let (block, visit) = (s.header.study.as_ref().expect("study"), visit(s));
            let trial = u32::try_from(k).expect("few") + 1;
            played[k] += 1;
            assert!(s.header.simulated && s.ended(), "{who} trial {trial}");
            assert_eq!((visit.trial, visit.trials), (trial, 4), "{who}");
            assert_eq!(visit.retention, trial == 4, "{who} trial {trial}");
            assert!(!visit.early);
            assert_eq!(visit.next_from.is_some(), trial < 4, "{who} trial {trial}");
            let part = (&block.variant, &block.order, block.slot, block.seed);
            let first_part = (
                &first_block.variant,
                &first_block.order,
                first_block.slot,
                first_block.seed,
            );
            assert_eq!(part, first_part, "{who} trial {trial}: the design holds");
            if trial == 1 {
                continue;
            }
            assert!(
                consents(s).is_empty(),
                "{who} trial {trial}: no consent again"
            );
            let since_first = visit.since_first_ms.expect("since the first");
            let since_previous = visit.since_previous_ms.expect("since the previous");
            let (opened, after) = match SCHEDULE_MS.get(k) {
                Some(entry) => (*entry, since_first),
                None => (RETENTION_MS, since_previous),
            };
            assert!(
                (opened..=opened + MOST_DELAY_MS).contains(&after),
                "{who} trial {trial}: {after} ms, opens at {opened} ms"
            );
            let started_gap = s.header.started_ms() - sessions[k - 1].header.started_ms();
            assert_eq!(u64::try_from(started_gap).ok(), Some(since_previous));
        }
    }
    // 20% drop out before each return: of 40, about 32 come back for trial 2 (30 for
    // this seed), about 26 for trial 3 (24), about 20 for the retention trial (19).
    assert_eq!(played, [40, 30, 24, 19], "participants per trial");
    let invited: usize = played[..3].iter().sum();
    let dropped = invited - played[1..].iter().sum::<usize>();
    let share = dropped as f64 / invited as f64;
    assert!((0.15..=0.25).contains(&share), "dropout share {share}");
}

/// What the synthetic sessions show of learning: over the scheduled trials, the slope of
/// log task time on log trial pooled over every point, and the one within participants;
/// the points; and the geometric mean of retention time over last scheduled time.
struct Learning {
    pooled: f64,
    within: f64,
    points: usize,
    retention: f64,
}

fn learning(participants: &BTreeMap<String, Vec<Session>>) -> Learning {
    let mut curves: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut forgetting = Vec::new();
    for sessions in participants.values() {
        let mut curve = Vec::new();
        for s in sessions {
            let trial = visit(s).trial;
            match (trial, task_time_s(s)) {
                (1..=3, Some(t)) => curve.push((f64::from(trial).ln(), t.ln())),
                (4, Some(t)) => {
                    let last = task_time_s(&sessions[2]).expect("trial 3 ended as well");
                    forgetting.push((t / last).ln());
                }
                _ => {}
            }
        }
        curves.push(curve);
    }
    let all: Vec<(f64, f64)> = curves.iter().flatten().copied().collect();
    Learning {
        pooled: slope(&all),
        within: slope(&within(&curves)),
        points: all.len(),
        retention: (forgetting.iter().sum::<f64>() / forgetting.len() as f64).exp(),
    }
}

#[test]
fn synthetic_times_follow_the_power_law_at_the_rate_asked_for() {
    // With dropouts, and with everyone back (where a pooled fit is not skewed by who
    // stayed: participants differ in their first time).
    for (rate, seed, dropout) in [("0.3", "11", "0.2"), ("0.6", "4", "0")] {
        let participants = simulated(&[
            "--participants",
            "40",
            "--seed",
            seed,
            "--learning-rate",
            rate,
            "--dropout",
            dropout,
        ]);
        let b: f64 = rate.parse().expect("a number");
        let fit = learning(&participants);
        eprintln!(
            "rate {b}, dropout {dropout}, seed {seed}: slope of log time on log trial over {} \
             times: pooled {:.4}, within participants {:.4}; retention / last scheduled {:.4}",
            fit.points, fit.pooled, fit.within, fit.retention
        );
        assert!(
            (fit.within + b).abs() < 0.01,
            "slope {}, rate {b}",
            fit.within
        );
        if dropout == "0" {
            assert!(
                (fit.pooled + b).abs() < 0.01,
                "slope {}, rate {b}",
                fit.pooled
            );
        }
        assert!(
            (fit.retention - 1.15).abs() < 0.01,
            "ratio {}",
            fit.retention
        );
    }
}

#[test]
fn a_seed_writes_the_same_returns_and_dropout_one_writes_first_visits_only() {
    let events = |participants: BTreeMap<String, Vec<Session>>| -> Vec<_> {
        (participants.into_values().flatten())
            .map(|s| {
                let v = visit(&s).clone();
                (
                    s.header.participant.clone(),
                    (v.trial, v.since_first_ms, v.since_previous_ms),
                    s.events,
                )
            })
            .collect()
    };
    let args = ["--participants", "6", "--seed", "5", "--dropout", "0.5"];
    let first = events(simulated(&args));
    assert_eq!(first, events(simulated(&args)));
    assert!(first.len() > 6, "some came back: {}", first.len());
    let none_back = simulated(&["--participants", "6", "--dropout", "1"]);
    assert!(none_back.values().all(|s| s.len() == 1));
    assert!(
        (none_back.values().flatten())
            .all(|s| !s.events.is_empty() && matches!(s.events[0].kind, EventKind::Consent { .. }))
    );
}

#[test]
fn a_dropout_outside_0_to_1_or_a_wild_learning_rate_exits_2_saying_what_it_takes() {
    let refused = |flag: &str, value: &str, says: &str| {
        let run = mvx()
            .args(["simulate", STUDY, "--sessions", "never-written"])
            .arg(format!("{flag}={value}"))
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
        assert!(stderr.contains(says), "{stderr}");
    };
    refused("--dropout", "1.5", "not a share from 0 to 1");
    refused("--dropout", "-0.1", "not a share from 0 to 1");
    refused(
        "--learning-rate",
        "-1.5",
        "not a learning rate from -1 to 2",
    );
    refused("--learning-rate", "3", "not a learning rate from -1 to 2");
    refused("--learning-rate", "NaN", "not a learning rate from -1 to 2");
    assert!(!std::path::Path::new("never-written").exists());
}

#[test]
fn a_within_participant_comes_back_for_both_variants_in_their_order_each_trial() {
    let dir = tempfile::tempdir().expect("temp dir");
    let study = dir.path().join("within.yaml");
    let flows = std::env::current_dir()
        .expect("the repository")
        .join("flows");
    let text = format!(
        "study: within-returns\ntitle: Both designs, twice and once more\ndesign: within\n\
         variants:\n  - {}\n  - {}\nsessions: 2\nschedule: [0, 2d]\nretention: 1w\n\
         consent: Three visits. Do you agree?\n",
        flows.join("espresso-one-menu.yaml").display(),
        flows.join("espresso-three-menus.yaml").display()
    );
    std::fs::write(&study, text).expect("a study file");
    let sessions = dir.path().join("sessions");
    mvx()
        .args([
            "simulate",
            "--walks",
            "2",
            "--participants",
            "3",
            "--dropout",
            "0",
        ])
        .arg(&study)
        .arg("--sessions")
        .arg(&sessions)
        .assert()
        .code(0)
        .stderr(contains("wrote 18 simulated sessions of within-returns"));
    let mut read: Vec<Session> = mvx::session::discover(&[sessions])
        .0
        .iter()
        .map(|f| mvx::session::read(f).expect("a session file"))
        .collect();
    read.sort_by_key(|s| (s.header.participant.clone(), s.header.started_ms()));
    for sessions in read.chunks(6) {
        let order = &sessions[0].header.study.as_ref().expect("study").order;
        for (k, pair) in sessions.chunks(2).enumerate() {
            let trial = u32::try_from(k).expect("few") + 1;
            let blocks: Vec<_> = pair.iter().map(|s| s.header.study.clone()).collect();
            let blocks: Vec<_> = blocks.into_iter().map(|b| b.expect("study")).collect();
            let variants: Vec<&str> = blocks.iter().map(|b| b.variant.as_str()).collect();
            assert_eq!(variants, *order, "trial {trial} in the first order");
            let (first, second) = (visit(&pair[0]), visit(&pair[1]));
            assert_eq!(first.trial, trial);
            assert_eq!(first.retention, trial == 3);
            // One trial, one visit block; the invitation is its last session's to give.
            assert_eq!(first.since_first_ms, second.since_first_ms);
            assert!(first.next_from.is_none());
            assert_eq!(second.next_from.is_some(), trial < 3);
            assert_eq!(consents(&pair[0]).len(), usize::from(trial == 1));
        }
    }
}

/// A schedule of seconds, for a try-out: no participant's return comes before the one
/// before it (the delay after each opening is kept under a quarter of the shortest gap).
#[test]
fn a_schedule_of_seconds_keeps_each_participant_s_sessions_in_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let flows = std::env::current_dir()
        .expect("the repository")
        .join("flows");
    let study = dir.path().join("quick.yaml");
    std::fs::write(
        &study,
        format!(
            "study: quick\ntitle: Quick\nvariants:\n  - {0}/espresso-one-menu.yaml\n  - {0}/espresso-three-menus.yaml\n\
             sessions: 3\nschedule: [0, 20s, 40s]\nretention: 20s\n",
            flows.display()
        ),
    )
    .expect("a study file");
    let sessions = dir.path().join("sessions");
    let sessions = sessions.to_str().expect("utf-8 path");
    let study = study.to_str().expect("utf-8 path");
    mvx()
        .args(["simulate", study, "--walks", "5", "--sessions", sessions])
        .args(["--participants", "20", "--seed", "3", "--dropout", "0"])
        .assert()
        .code(0);
    let (files, _) = mvx::session::discover(&[sessions.into()]);
    let mut starts: BTreeMap<String, Vec<(u32, i64)>> = BTreeMap::new();
    for file in &files {
        let session = mvx::session::read(file).expect("a session file");
        (starts.entry(session.header.participant.clone()))
            .or_default()
            .push((visit(&session).trial, session.header.started_ms()));
    }
    assert_eq!(starts.len(), 20);
    for (who, mut trials) in starts {
        trials.sort_unstable();
        assert_eq!(trials.len(), 4, "{who}: {trials:?}");
        assert!(
            trials.windows(2).all(|pair| pair[0].1 < pair[1].1),
            "{who}'s sessions out of order: {trials:?}"
        );
    }
}
