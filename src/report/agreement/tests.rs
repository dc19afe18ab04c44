//! Agreement on small designed sessions: who has values where, spans, researchers' notes.

use super::*;

/// A session with screens shown at `shows` (step, ms), a researcher's notes at `notes`
/// (ms, text), and its last event at `last`.
fn session(id: &str, researcher: &str, shows: &[(&str, u64)], notes: &[(u64, &str)]) -> Session {
    let mut events: Vec<(u64, String)> = shows
        .iter()
        .map(|(step, at)| {
            (
                *at,
                format!(r#"{{"at_ms":{at},"kind":"show","step":"{step}"}}"#),
            )
        })
        .collect();
    for (at, text) in notes {
        events.push((
            *at,
            format!(r#"{{"at_ms":{at},"kind":"note","text":"{text}"}}"#),
        ));
    }
    events.sort_by_key(|(at, _)| *at);
    let lines: Vec<String> = events
        .into_iter()
        .map(|(_, e)| format!("- {e}\n"))
        .collect();
    let text = format!(
        "schema: mvx-session/1\nsession: {id}\nflow:\n  id: shop\n  title: Shop\n  \
         variant: null\n  path: flows/shop.yaml\n  sha256: abc\nparticipant: P-{id}\n\
         researcher: {researcher}\nstarted_at: \"2026-11-26T14:02:11.123+01:00\"\n\
         terminal: {{ cols: 80, rows: 24, term: xterm, program: null, tmux: false, \
         ssh: false }}\nmvx: \"0.1.0\"\nevents:\n{}",
        lines.concat()
    );
    session::parse(&text).expect("a designed session")
}

fn note(author: &str, at_ms: u64, end_ms: Option<u64>, text: &str) -> ObserverNote {
    ObserverNote {
        at_ms,
        end_ms,
        author: Some(author.into()),
        text: text.into(),
        ..ObserverNote::default()
    }
}

const SHOWS: [(&str, u64); 4] = [
    ("home", 0),
    ("orders", 1000),
    ("detail", 2000),
    ("end", 3000),
];

fn names(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

#[test]
fn two_coders_are_compared_on_every_visit_of_the_sessions_both_noted() {
    let one = session("s1", "cy", &SHOWS, &[]);
    let notes = vec![
        note("ana", 1500, None, "#lost"),
        note("ben", 1200, None, "frowns #lost"),
        // A span from home reaching into orders: home and orders.
        note("ana", 500, Some(1000), "#slow"),
        note("ben", 2500, None, "#slow"),
    ];
    let sessions = vec![(one, notes)];
    assert_eq!(coders_found(&sessions), ["ana", "ben"]);
    let agreement = agreement(&sessions, &names(&["ana", "ben"]), None);
    assert_eq!(agreement.units, 4);
    assert_eq!(agreement.sessions_coded, [1, 1]);
    let tags: Vec<&str> = agreement.tags.iter().map(|t| t.tag.as_str()).collect();
    assert_eq!(tags, ["lost", "slow"]);
    let lost = &agreement.tags[0];
    assert_eq!((lost.units, lost.agreed), (4, 4));
    // Both tagged orders only: no variation between coders, but the values vary.
    assert_eq!(lost.kappa, Some(1.0));
    assert_eq!(lost.alpha, Some(1.0));
    assert_eq!(lost.reading, Reading::Reliable);
    let slow = &agreement.tags[1];
    assert_eq!((slow.units, slow.agreed), (4, 1));
    let disagreed: Vec<(&str, &[String])> = slow
        .disagreements
        .iter()
        .map(|d| (d.step.as_str(), d.tagged.as_slice()))
        .collect();
    assert_eq!(
        disagreed,
        [
            ("home", &names(&["ana"])[..]),
            ("orders", &names(&["ana"])[..]),
            ("detail", &names(&["ben"])[..])
        ]
    );
    assert_eq!(slow.disagreements[0].not_tagged, ["ben"]);
}

#[test]
fn a_coder_without_a_note_on_a_session_is_missing_there_and_researchers_notes_count() {
    let first = session("s1", "cy", &SHOWS, &[(1100, "#lost here")]);
    let second = session("s2", "cy", &SHOWS, &[]);
    let sessions = vec![
        (first, vec![note("ana", 1200, None, "#lost")]),
        (second, vec![note("ana", 2200, None, "#lost")]),
    ];
    // cy wrote notes only during a session: not a default coder, but may be named.
    assert_eq!(coders_found(&sessions), ["ana"]);
    assert_eq!(authors_found(&sessions), ["ana", "cy"]);
    let agreement = agreement(&sessions, &names(&["ana", "cy"]), None);
    assert_eq!(agreement.sessions_coded, [2, 1]);
    let lost = &agreement.tags[0];
    // Only s1's four visits have two values.
    assert_eq!((lost.units, lost.agreed), (4, 4));
    assert!(lost.disagreements.is_empty());
}

#[test]
fn a_codebook_lists_tags_nobody_used_and_their_alpha_is_undefined() {
    let one = session("s1", "cy", &SHOWS, &[]);
    let sessions = vec![(
        one,
        vec![note("ana", 100, None, "#zzz"), note("ben", 100, None, "hm")],
    )];
    let codebook = Codebook {
        tags: ["slow", "lost"]
            .iter()
            .map(|name| crate::codebook::Tag {
                name: (*name).into(),
                description: String::new(),
                group: None,
                colour: None,
            })
            .collect(),
        ..Codebook::default()
    };
    let agreement = agreement(&sessions, &names(&["ana", "ben"]), Some(&codebook));
    let tags: Vec<(&str, Option<bool>)> = agreement
        .tags
        .iter()
        .map(|t| (t.tag.as_str(), t.in_codebook))
        .collect();
    assert_eq!(
        tags,
        [
            ("slow", Some(true)),
            ("lost", Some(true)),
            ("zzz", Some(false))
        ]
    );
    let slow = &agreement.tags[0];
    assert_eq!((slow.units, slow.agreed), (4, 4));
    assert_eq!((slow.kappa, slow.alpha), (None, None));
    assert_eq!(slow.reading, Reading::NoVariation);
    assert!(slow.used_by.is_empty());
}
