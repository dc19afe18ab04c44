//! The counts read from the index are those of every session held, in memory and past
//! the budget alike.

use std::collections::{BTreeMap, BTreeSet};

use super::*;

/// Session `i` of a mix: participant, variant, standing.
fn seen(i: usize) -> (String, String, Standing) {
    let participant = format!("P{}", i * 13 % 17);
    let variant = ["one-menu", "three-menus", "two-menus"][i * 7 % 5 % 3].to_owned();
    let standing = match i % 7 {
        0 => Standing::Declined,
        3 => Standing::TechnicalAbort,
        _ => Standing::Counted,
    };
    (participant, variant, standing)
}

/// The counts as they were made when every session was held.
struct Held(Vec<(String, String, Standing)>);

impl Held {
    fn counted(&self) -> impl Iterator<Item = &(String, String, Standing)> {
        self.0.iter().filter(|s| s.2 == Standing::Counted)
    }

    fn counted_in(&self, variant: &str) -> usize {
        let who = self.counted().filter(|s| s.1 == variant).map(|s| &s.0);
        who.collect::<BTreeSet<_>>().len()
    }

    fn seen_twice(&self, within: bool) -> Vec<String> {
        let mut seen: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for s in self.counted() {
            seen.entry(&s.0).or_default().push(&s.1);
        }
        (seen.into_iter())
            .filter(|(_, variants)| {
                let distinct: BTreeSet<&&str> = variants.iter().collect();
                distinct.len() < variants.len() || (!within && distinct.len() > 1)
            })
            .map(|(p, _)| p.to_owned())
            .collect()
    }
}

#[test]
fn counts_from_the_index_are_those_of_every_session_held_in_memory_or_on_disk() {
    let sessions: Vec<_> = (0..200).map(seen).collect();
    let held = Held(sessions.clone());
    // Five records and 40 bytes of names in memory: runs and a log on disk.
    for mut progress in [Progress::default(), Progress::with_budget(5, 40)] {
        for (i, (who, variant, standing)) in sessions.iter().enumerate() {
            assert_eq!(progress.see(who, variant, *standing), i as u64);
        }
        for variant in ["one-menu", "three-menus", "two-menus", "none"] {
            assert_eq!(
                progress.counted(variant),
                held.counted_in(variant),
                "{variant}"
            );
            let of = |standing| {
                (held.0.iter())
                    .filter(|s| s.1 == variant && s.2 == standing)
                    .count()
            };
            assert_eq!(progress.declined(variant), of(Standing::Declined));
            assert_eq!(
                progress.technical_aborts(variant),
                of(Standing::TechnicalAbort)
            );
            assert_eq!(progress.counted_sessions(variant), of(Standing::Counted));
        }
        let everyone: BTreeSet<&String> = held.0.iter().map(|s| &s.0).collect();
        assert_eq!(progress.people(), everyone.len());
        let counted: BTreeSet<&String> = held.counted().map(|s| &s.0).collect();
        assert_eq!(progress.participants(), counted.len());
        for within in [false, true] {
            assert!(!held.seen_twice(within).is_empty());
            assert_eq!(progress.seen_twice(within), held.seen_twice(within));
        }
        assert_eq!(progress.problem(), None);
    }
}

#[test]
fn the_counted_places_are_each_participant_s_first_at_all_and_of_each_variant() {
    let sessions: Vec<_> = (0..200).map(seen).collect();
    let mut progress = Progress::with_budget(7, 64);
    for (who, variant, standing) in &sessions {
        progress.see(who, variant, *standing);
    }
    let (mut between, mut within) = (BTreeSet::new(), BTreeSet::new());
    let (mut first, mut first_of) = (Vec::new(), Vec::new());
    for (i, (who, variant, standing)) in sessions.iter().enumerate() {
        if *standing != Standing::Counted {
            continue;
        }
        if between.insert(who) {
            first.push(i as u64);
        }
        if within.insert((who, variant)) {
            first_of.push(i as u64);
        }
    }
    let places = |within| -> Vec<u64> {
        let firsts = progress.firsts(within);
        (0..200).filter(|p| firsts.contains(*p)).collect()
    };
    assert_eq!(places(false), first);
    assert_eq!(places(true), first_of);
}

#[test]
fn a_participant_playing_now_takes_a_place_once_and_a_clone_sees_the_sessions() {
    let mut progress = Progress::with_budget(2, 16);
    progress.see("P1", "one-menu", Standing::Counted);
    progress.see("P2", "three-menus", Standing::Declined);
    assert_eq!(progress.counted("one-menu"), 1);
    let mut playing = progress.clone();
    playing.playing_now("P1", &["one-menu".to_owned()]);
    playing.playing_now("P3", &["one-menu".to_owned(), "three-menus".to_owned()]);
    assert_eq!(playing.counted("one-menu"), 2, "P1 already counted, and P3");
    assert_eq!(playing.counted("three-menus"), 1);
    assert_eq!(playing.participants(), 2);
    assert_eq!(
        progress.counted("one-menu"),
        1,
        "the players are the clone's only"
    );
    progress.see("P4", "three-menus", Standing::Counted);
    assert_eq!(playing.counted("three-menus"), 2, "the sessions are shared");
}
