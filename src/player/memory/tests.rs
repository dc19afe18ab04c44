//! A flow that remembers, played with explicit timestamps: what is offered, what is
//! shown, what is recorded.

use std::time::Duration;

use crate::flow::expr::Value;
use crate::flow::{self, Flow};
use crate::player::input::{Action, Input, Key};
use crate::player::{Mode, Player};
use crate::session::{EventKind, TaskOutcome};

fn basket() -> Flow {
    let source = std::fs::read_to_string("tests/fixtures/valid/basket.yaml").expect("fixture");
    flow::load(&source).expect("loads")
}

/// Presses `keys` one by one, each 500 ms after the screen before it was shown.
fn play<'f>(flow: &'f Flow, keys: &str) -> (Player<'f>, Vec<EventKind>) {
    let mut player = Player::new(flow);
    let mut events = Vec::new();
    let mut now = 0;
    player.shown(Duration::from_millis(now));
    for c in keys.chars() {
        now += 500;
        let key = match c {
            '\n' => Key::Enter,
            '<' => Key::Esc,
            c => Key::Char(c),
        };
        player.handle(Input {
            at: Duration::from_millis(now),
            action: Action::Key(key),
        });
        player.shown(Duration::from_millis(now + 5));
        events.extend(player.take_events().into_iter().map(|e| e.kind));
    }
    (player, events)
}

fn labels(player: &Player, step: usize) -> Vec<String> {
    player
        .choices(step)
        .iter()
        .map(|c| c.label.clone())
        .collect()
}

fn sets(events: &[EventKind]) -> Vec<(String, Value)> {
    events
        .iter()
        .filter_map(|e| match e {
            EventKind::Set { name, value } => Some((name.clone(), value.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn conditions_hide_choices_until_they_hold() {
    let flow = basket();
    let (player, _) = play(&flow, "");
    assert_eq!(
        labels(&player, 0),
        [
            "Add a double",
            "Add a single",
            "Try the new blend",
            "Read the FAQ"
        ]
    );
    // A double, then the blend (once), then the FAQ and on: checkout appears, the rest go.
    let (player, events) = play(&flow, "133\n");
    assert_eq!(
        labels(&player, 0),
        ["Add a double", "Add a single", "Check out"]
    );
    assert_eq!(
        sets(&events),
        [
            ("size".into(), Value::Text("double".into())),
            ("cups".into(), Value::Number(1.0)),
            ("blend".into(), Value::Bool(true)),
        ]
    );
}

#[test]
fn text_and_screen_show_the_values_remembered() {
    let flow = basket();
    let (player, _) = play(&flow, "11");
    let home = &flow.steps[0];
    assert_eq!(
        player.text(home).as_deref(),
        Some("You have 2 drinks in the basket.")
    );
    assert!(
        player
            .screen(home)
            .expect("a screen")
            .contains("Basket: 2 (double)")
    );
}

#[test]
fn a_conditional_go_picks_the_first_way_that_holds_after_the_set() {
    let flow = basket();
    // Two singles, check out, an empty name loops back to the name step, then a name.
    let (player, events) = play(&flow, "225\nAna\n");
    let tos: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            EventKind::Input { to, .. } => Some(to.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(tos, ["name", "done"]);
    assert!(matches!(
        player.mode(),
        Mode::StepDone {
            outcome: TaskOutcome::Success,
            ..
        }
    ));
    assert_eq!(
        player.text(&flow.steps[4]).as_deref(),
        Some("Thanks Ana: 2 drinks, the last one single.")
    );
    // Four drinks take the first way of checkout's `go`.
    let (player, _) = play(&flow, "11115");
    assert!(matches!(
        player.mode(),
        Mode::StepDone {
            outcome: TaskOutcome::Failure,
            ..
        }
    ));
}

#[test]
fn going_back_restores_the_values_and_records_it() {
    let flow = basket();
    let (_, events) = play(&flow, "15<");
    // Esc from checkout's name step back to home: cups stays 1, it was set before home.
    assert_eq!(sets(&events).len(), 2);
    let (_, events) = play(&flow, "4<");
    assert!(sets(&events).is_empty(), "the FAQ sets nothing");
    let (player2, events) = play(&flow, "3<");
    // The blend was taken from home to home; going back undoes it and offers it again.
    assert_eq!(
        sets(&events),
        [
            ("blend".into(), Value::Bool(true)),
            ("blend".into(), Value::Bool(false))
        ]
    );
    assert!(labels(&player2, 0).contains(&"Try the new blend".to_owned()));
}

#[test]
fn a_set_event_is_one_json_line_and_reads_back() {
    use crate::session::Event;
    for value in [
        Value::Number(2.0),
        Value::Text("double".into()),
        Value::Bool(false),
        Value::Number(0.5),
    ] {
        let event = Event {
            at_ms: 7,
            kind: EventKind::Set {
                name: "cups".into(),
                value,
            },
        };
        let line = serde_json::to_string(&event).expect("json");
        assert!(
            line.starts_with(r#"{"at_ms":7,"kind":"set","name":"cups","value":"#),
            "{line}"
        );
        let back: Event = serde_json::from_str(&line).expect("reads back");
        assert_eq!(back, event);
    }
}

/// A text that doubles at every key stops at the longest a variable holds: the session
/// goes on, and every value recorded is one a session file holds.
#[test]
fn a_text_that_doubles_is_cut_at_the_limit_and_the_session_goes_on() {
    let source = "flow: d\ntitle: D\nvars:\n  t: ab\nsteps:\n  home:\n    text: \"{t}\"\n    choices:\n      - label: Double\n        set: { t: \"{t} + {t}\" }\n        go: home\n      - label: Leave\n        go: done\n  done:\n    end: success\n";
    let flow = flow::load(source).expect("loads");
    let (player, events) = play(&flow, &"1".repeat(40));
    let recorded = sets(&events);
    assert_eq!(recorded.len(), 13, "no set once the text stops growing");
    let (_, last) = recorded.last().expect("a set");
    assert_eq!(last.shown().chars().count(), crate::flow::expr::MAX_TEXT);
    let json = serde_json::to_string(last).expect("json");
    let back: Value = serde_json::from_str(&json).expect("reads back");
    assert_eq!(&back, last);
    assert_eq!(labels(&player, 0), ["Double", "Leave"], "still offered");
}
