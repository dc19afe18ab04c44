use std::path::Path;
use std::sync::Barrier;

use super::*;
use crate::study::{Opened, OpenedStudy, open_any};

fn opened(path: &str) -> OpenedStudy {
    match open_any(Path::new(path)) {
        Ok(Opened::Study(opened)) => opened,
        _ => panic!("{path} opens as a study"),
    }
}

fn request(seed: u64) -> Request {
    Request {
        variant: None,
        seed,
        over_target: true,
    }
}

/// Eight participants assigned at the same moment, each by its own open of the folder
/// (`flock` locks an open file, so threads contend exactly as processes do): balanced
/// four and four, each variant's slots 1 to 4, none given twice. Without the lock
/// around reading, choosing and reserving, all eight read an empty folder and get the
/// same variant and slot 1.
#[test]
fn participants_assigned_at_once_are_balanced_with_distinct_slots() {
    let opened = opened("studies/espresso.yaml");
    let (study, variants) = opened.playable().expect("a playable study");
    let dir = tempfile::tempdir().expect("temp dir");
    let start = Barrier::new(8);
    let assigned: Vec<(Assignment, Reservation)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8u64)
            .map(|i| {
                let (start, dir) = (&start, dir.path());
                scope.spawn(move || {
                    start.wait();
                    next((study, variants), dir, &format!("P{i}"), &request(i), &[])
                        .expect("assigned")
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("joined"))
            .collect()
    });
    let mut slots: Vec<(String, u32)> = assigned
        .iter()
        .map(|(a, _)| (a.variants[0].clone(), a.slot))
        .collect();
    slots.sort();
    let want: Vec<(String, u32)> = ["one-menu", "three-menus"]
        .iter()
        .flat_map(|v| (1..=4).map(move |s| ((*v).to_owned(), s)))
        .collect();
    assert_eq!(slots, want);
}

/// A reservation holds a place while its participant plays and gives it back when
/// dropped; one left by a process that ended (nobody holds its lock) is removed and
/// counts for nothing.
#[test]
fn a_released_or_abandoned_reservation_frees_its_slot() {
    let opened = opened("studies/espresso.yaml");
    let (study, variants) = opened.playable().expect("a playable study");
    let dir = tempfile::tempdir().expect("temp dir");
    let first = next((study, variants), dir.path(), "P1", &request(1), &[]).expect("first");
    let second = next((study, variants), dir.path(), "P2", &request(2), &[]).expect("second");
    assert_ne!(
        first.0.variants, second.0.variants,
        "balanced while both play"
    );
    let reserved = dir.path().join(FOLDER);
    let files = || {
        std::fs::read_dir(&reserved)
            .expect("folder")
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "json"))
            })
            .count()
    };
    assert_eq!(files(), 2);
    let freed = second.0.variants[0].clone();
    drop(second);
    assert_eq!(files(), 1, "dropped: its file is gone");
    // A reservation a killed process left: its file stays, but nobody holds its lock.
    let stale = reserved.join(format!("{}-1-dead.json", study.id));
    std::fs::write(
        &stale,
        format!(
            r#"{{"study":"{}","participant":"P9","variants":["{freed}"],"slot":1,"order":[]}}"#,
            study.id
        ),
    )
    .expect("written");
    let third = next((study, variants), dir.path(), "P3", &request(3), &[]).expect("third");
    assert_eq!(
        (third.0.variants[0].as_str(), third.0.slot),
        (freed.as_str(), 1),
        "the freed slot is given again; the stale reservation counted for nothing"
    );
    assert!(!stale.exists(), "and was removed");
}
