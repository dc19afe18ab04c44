//! No key acts on a screen before it was shown: keys stamped earlier are recorded as
//! `early_key` and dropped, and `at_ms` never goes back.

use std::time::Duration;

use super::Player;
use super::input::{Action, Command, Input, Key};
use crate::flow::{self, Flow};
use crate::session::{Event, EventKind};

const FLOW: &str = "
flow: coffee
title: Coffee
steps:
  home:
    choices:
      - Drinks -> drinks
      - Settings -> settings
  drinks:
    choices:
      - Espresso -> done
  settings:
    input: name
    go: done
  done:
    end: success
tasks:
  - id: brew
    brief: Brew a coffee.
    success: [done]
questions:
  - id: ease
    ask: How easy?
    scale: { from: 1, to: 7 }
";

fn load() -> Flow {
    flow::load(FLOW).expect("test flow loads")
}

fn key(player: &mut Player, at: u64, key: Key) {
    player.handle(Input {
        at: Duration::from_millis(at),
        action: Action::Key(key),
    });
}

fn shown(player: &mut Player, at: u64) {
    player.shown(Duration::from_millis(at));
}

fn early(step: Option<&str>, task: Option<&str>, key: &str, early_ms: u64) -> EventKind {
    EventKind::EarlyKey {
        step: step.map(Into::into),
        question: None,
        task: task.map(Into::into),
        screen: None,
        key: key.into(),
        early_ms,
    }
}

fn assert_never_decreasing(events: &[Event]) {
    for pair in events.windows(2) {
        assert!(pair[0].at_ms <= pair[1].at_ms, "{pair:?}");
    }
}

#[test]
fn a_key_typed_before_the_first_frame_acts_on_nothing() {
    let flow = load();
    let mut player = Player::new(&flow);
    shown(&mut player, 50); // the brief reaches the screen at 50 ms
    key(&mut player, 10, Key::Enter); // read at 10 ms, before it
    assert_eq!(player.mode(), &super::Mode::Brief, "the brief is still up");
    let events = player.take_events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, early(None, Some("brew"), "Enter", 40));
    assert_eq!(events[0].at_ms, 10);
}

#[test]
fn a_double_press_chooses_once_and_the_second_key_is_early_on_the_next_screen() {
    let flow = load();
    let mut player = Player::new(&flow);
    shown(&mut player, 0);
    key(&mut player, 1_000, Key::Enter); // the brief
    shown(&mut player, 1_020); // home
    // `2` then `1` in one write: both read before home's successor was drawn.
    key(&mut player, 2_000, Key::Char('2'));
    shown(&mut player, 2_030); // settings, an input step
    key(&mut player, 2_001, Key::Char('1'));
    let events = player.take_events();
    let choices = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Choose { .. }))
        .count();
    assert_eq!(choices, 1, "{events:?}");
    let last = events.last().expect("events");
    // Typed into a text field: the character itself is not recorded.
    assert_eq!(last.kind, early(Some("settings"), None, "character", 29));
    assert_eq!(last.at_ms, 2_030, "never before the show it follows");
    assert_never_decreasing(&events);
    // The first key that counts starts the hesitation, from the frame.
    key(&mut player, 2_500, Key::Char('x'));
    key(&mut player, 3_030, Key::Enter);
    let events = player.take_events();
    let Some(EventKind::Input { text, timing, .. }) = events.first().map(|e| &e.kind) else {
        panic!("an input: {events:?}")
    };
    assert_eq!((text.as_str(), timing.hesitation_ms), ("x", 470));
}

#[test]
fn questions_and_the_closing_screen_ignore_early_keys_and_researchers_keys_keep_order() {
    let flow = load();
    let mut player = Player::new(&flow);
    shown(&mut player, 0);
    key(&mut player, 100, Key::Enter);
    shown(&mut player, 110);
    key(&mut player, 200, Key::Char('1'));
    shown(&mut player, 210);
    key(&mut player, 300, Key::Char('1')); // done: no screen, straight to the question
    assert!(matches!(player.mode(), super::Mode::Question { .. }));
    shown(&mut player, 350);
    key(&mut player, 320, Key::Char('6'));
    assert!(matches!(player.mode(), super::Mode::Question { .. }));
    // A researcher's command read before the frame still acts, recorded after the show.
    player.handle(Input {
        at: Duration::from_millis(330),
        action: Action::Command(Command::Pause),
    });
    player.handle(Input {
        at: Duration::from_millis(400),
        action: Action::Command(Command::Pause),
    });
    key(&mut player, 900, Key::Char('6'));
    shown(&mut player, 950);
    key(&mut player, 940, Key::Char('q'));
    assert!(
        !player.is_finished(),
        "q before the closing screen was shown"
    );
    key(&mut player, 1_000, Key::Char('q'));
    assert!(player.is_finished());
    let events = player.take_events();
    assert_never_decreasing(&events);
    let early: Vec<&EventKind> = events
        .iter()
        .map(|e| &e.kind)
        .filter(|k| matches!(k, EventKind::EarlyKey { .. }))
        .collect();
    assert_eq!(early.len(), 2, "{events:?}");
    assert!(
        matches!(early[0], EventKind::EarlyKey { question: Some(q), early_ms: 30, .. } if q == "ease")
    );
    assert!(
        matches!(early[1], EventKind::EarlyKey { screen: Some(s), early_ms: 10, .. } if s == "closing")
    );
    let names: Vec<&str> = events.iter().map(|e| e.kind.name()).collect();
    assert!(names.contains(&"pause") && names.contains(&"answer"));
}
