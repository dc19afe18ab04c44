//! A session as a cast: frames at the recorded times, keys as input, a marker per step
//! and note, in asciicast v2 and v3 alike; what the cast draws is what the player shows.

use std::path::Path;
use std::time::Duration;

use super::*;
use crate::flow::{self, Flow};
use crate::player::input::{Action, Input};
use crate::session::{FlowRef, Header, Started, TerminalInfo};

fn example() -> Flow {
    let source =
        std::fs::read_to_string("flows/espresso-three-menus.yaml").expect("the example flow");
    flow::load(&source).expect("loads")
}

/// A session of `flow` played with `keys`, each screen shown 5 ms after it changed and
/// each key 700 ms after that.
fn played(flow: &Flow, keys: &[Key], cols: u16, rows: u16) -> Session {
    let mut player = Player::new(flow);
    let mut events = Vec::new();
    let mut at = 0;
    for key in keys {
        player.shown(Duration::from_millis(at + 5));
        at += 705;
        player.handle(Input {
            at: Duration::from_millis(at),
            action: Action::Key(*key),
        });
        events.extend(player.take_events());
    }
    player.shown(Duration::from_millis(at + 5));
    events.extend(player.take_events());
    let wall = chrono::DateTime::parse_from_rfc3339("2026-12-07T10:00:00+00:00")
        .expect("a time")
        .with_timezone(&chrono::Local);
    let header = Header::new(
        Started::played(&wall),
        FlowRef::of(flow, "flows/espresso-three-menus.yaml", "abc"),
        "P07".into(),
        TerminalInfo::sized(cols, rows),
    );
    Session {
        path: None,
        header,
        events,
        cut: false,
        problems: Vec::new(),
    }
}

/// The event lines of a cast: (seconds, code, data).
fn events(cast: &str) -> Vec<(f64, String, String)> {
    cast.lines()
        .skip(1)
        .map(|line| {
            let event: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            let time = event[0].as_f64().expect("a time");
            let code = event[1].as_str().expect("a code").to_owned();
            let data = event[2].as_str().expect("data").to_owned();
            (time, code, data)
        })
        .collect()
}

fn header(cast: &str) -> serde_json::Value {
    serde_json::from_str(cast.lines().next().expect("a header")).expect("JSON")
}

const KEYS: [Key; 3] = [Key::Char('1'), Key::Char('2'), Key::Char('1')];

#[test]
fn a_marker_and_a_frame_at_each_step_shown_at_its_recorded_time() {
    let flow = example();
    let session = played(&flow, &KEYS, 80, 24);
    let cast = cast(&session, Path::new("s.yaml"), &flow, &[], Version::Two).expect("a cast");
    let head = header(&cast);
    assert_eq!(
        (head["version"].as_u64(), head["width"].as_u64()),
        (Some(2), Some(80))
    );
    assert_eq!(head["height"].as_u64(), Some(24));
    assert_eq!(head["timestamp"].as_i64(), Some(1_796_637_600));
    assert!(
        head.get("idle_time_limit").is_none(),
        "hesitation is the data"
    );
    let lines = events(&cast);
    let shows: Vec<(u64, &str)> = (session.events.iter())
        .filter_map(|e| match &e.kind {
            EventKind::Show { step } => Some((e.at_ms, step.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(shows.len(), 4, "{shows:?}");
    for (at_ms, step) in shows {
        let at = at_ms as f64 / 1000.0;
        let marked = lines
            .iter()
            .any(|(t, c, d)| *t == at && c == "m" && d.starts_with(step));
        assert!(marked, "a marker for {step} at {at}: {lines:?}");
        let drawn = lines.iter().any(|(t, c, _)| *t == at && c == "o");
        assert!(drawn, "a frame for {step} at {at}");
    }
    // The keys that make each event, as a terminal sends them, when they were pressed:
    // a session records the choice, not the key, so a choice is the highlight moved at
    // the first key and Enter at the decision (here both at once).
    let typed: Vec<(f64, &str)> = (lines.iter())
        .filter(|(_, c, _)| c == "i")
        .map(|(t, _, d)| (*t, d.as_str()))
        .collect();
    let typed_keys = [(0.705, "\r"), (1.41, "\x1b[B"), (1.41, "\r"), (2.115, "\r")];
    assert_eq!(typed, typed_keys);
    // Times never go back, and the last is the session's last event: nothing squeezed.
    assert!(lines.windows(2).all(|w| w[0].0 <= w[1].0));
    let last = session.events.last().map(|e| e.at_ms).unwrap_or(0);
    assert_eq!(lines.last().map(|l| l.0), Some(last as f64 / 1000.0));
}

#[test]
fn the_cast_draws_what_the_player_showed_last() {
    let flow = example();
    let session = played(&flow, &KEYS, 100, 30);
    let cast = cast(&session, Path::new("s.yaml"), &flow, &[], Version::Two).expect("a cast");
    let size = |n| std::num::NonZeroU16::new(n).expect("a size");
    let mut screen = vt100::Parser::new(size(30), size(100), 0);
    for (_, code, data) in events(&cast) {
        if code == "o" {
            screen.process(data.as_bytes());
        }
    }
    // The same player, brought to the end, drawn by the same view at the same size.
    let script = Script::new(&flow, &session.events);
    let player = script.player_at(&flow, u64::MAX);
    let area = Rect::new(0, 0, 100, 30);
    let mut expected = Buffer::empty(area);
    let chrome = Chrome::Session { saved_to: "s.yaml" };
    let view = PlayView {
        player: &player,
        scroll: 0,
        chrome,
    };
    (&view).render(area, &mut expected);
    for row in 0..30u16 {
        let want: String = (0..100u16)
            .map(|col| expected[(col, row)].symbol().to_owned())
            .collect();
        let got = screen.screen().contents_between(row, 0, row, 100);
        assert_eq!(got.trim_end(), want.trim_end(), "row {row}");
    }
}

#[test]
fn v3_counts_from_the_event_before_and_holds_the_same_events() {
    let flow = example();
    let session = played(&flow, &KEYS, 80, 24);
    let two = cast(&session, Path::new("s.yaml"), &flow, &[], Version::Two).expect("v2");
    let three = cast(&session, Path::new("s.yaml"), &flow, &[], Version::Three).expect("v3");
    let head = header(&three);
    assert_eq!(head["version"].as_u64(), Some(3));
    assert_eq!(head["term"]["cols"].as_u64(), Some(80));
    assert_eq!(head["term"]["rows"].as_u64(), Some(24));
    let mut at_ms = 0;
    let summed: Vec<(u64, String, String)> = events(&three)
        .into_iter()
        .map(|(interval, code, data)| {
            at_ms += (interval * 1000.0).round() as u64;
            (at_ms, code, data)
        })
        .collect();
    let absolute: Vec<(u64, String, String)> = events(&two)
        .into_iter()
        .map(|(t, code, data)| ((t * 1000.0).round() as u64, code, data))
        .collect();
    assert_eq!(summed, absolute);
}

#[test]
fn notes_are_markers_and_nothing_foreign_reaches_a_player_raw() {
    let flow = example();
    let mut session = played(&flow, &KEYS, 65_535, 65_535);
    session.header.participant = "P\u{1b}]0;x\u{7}07".into();
    let notes = [ObserverNote {
        at_ms: 1_000,
        text: "hesitates \u{1b}[31mhere".into(),
        ..ObserverNote::default()
    }];
    let cast = cast(&session, Path::new("s.yaml"), &flow, &notes, Version::Two).expect("a cast");
    let head = header(&cast);
    assert_eq!(
        (head["width"].as_u64(), head["height"].as_u64()),
        (Some(500), Some(200))
    );
    let title = head["title"].as_str().expect("a title");
    assert!(!title.contains('\u{1b}'), "{title:?}");
    let lines = events(&cast);
    let note = lines
        .iter()
        .find(|(_, c, d)| c == "m" && d.starts_with("note:"));
    let Some((at, _, label)) = note else {
        panic!("the note's marker: {lines:?}")
    };
    assert_eq!(*at, 1.0);
    assert!(
        label.contains("hesitates") && !label.contains('\u{1b}'),
        "{label:?}"
    );
}
