//! The player driven with explicit timestamps: no terminal, no sleeping.

use std::time::Duration;

use super::input::{Action, Command, Input, Key};
use super::{Mode, Overlay, Player};
use crate::flow::{self, Flow};
use crate::session::{AnswerValue, EventKind, SessionOutcome, TaskOutcome, Timing};

const FLOW: &str = "
flow: coffee
title: Coffee
steps:
  home:
    choices:
      - Drinks -> drinks
      - { label: Settings, go: settings, key: s }
  drinks:
    choices:
      - Espresso -> grams
      - Back home -> home
  grams:
    input: grams
    go: done
  settings:
    text: Descaling is due.
    back: false
    go: home
  done:
    end: success
questions:
  - id: solved
    ask: Solved?
    options: [Yes, Partly, No]
  - id: ease
    ask: How easy?
    scale: { from: 1, to: 7 }
  - id: why
    ask: Why?
    text: true
";

fn load(source: &str) -> Flow {
    flow::load(source).expect("test flow loads")
}

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Feeds inputs and stamps every new screen as shown `display_ms` after it was produced,
/// as the shell does after drawing.
struct Session<'f> {
    player: Player<'f>,
    events: Vec<(u64, EventKind)>,
    now: u64,
}

impl<'f> Session<'f> {
    fn start(flow: &'f Flow, shown_at: u64) -> Self {
        let mut s = Session {
            player: Player::new(flow),
            events: Vec::new(),
            now: shown_at,
        };
        s.player.shown(ms(shown_at));
        s.collect();
        s
    }

    fn collect(&mut self) {
        self.events.extend(
            self.player
                .take_events()
                .into_iter()
                .map(|e| (e.at_ms, e.kind)),
        );
    }

    fn send(&mut self, at: u64, action: Action) -> &mut Self {
        self.now = at;
        self.player.handle(Input { at: ms(at), action });
        self.player.shown(ms(at + 5));
        self.collect();
        self
    }

    fn key(&mut self, at: u64, key: Key) -> &mut Self {
        self.send(at, Action::Key(key))
    }

    fn keys(&mut self, at: u64, keys: &[Key]) -> &mut Self {
        for (i, key) in keys.iter().enumerate() {
            self.key(at + i as u64, *key);
        }
        self
    }

    fn command(&mut self, at: u64, command: Command) -> &mut Self {
        self.send(at, Action::Command(command))
    }

    fn kinds(&self) -> Vec<&str> {
        self.events.iter().map(|(_, k)| kind_name(k)).collect()
    }
}

fn kind_name(kind: &EventKind) -> &'static str {
    kind.name()
}

#[test]
fn hesitation_runs_from_the_frame_to_the_first_key_and_decision_to_the_choice() {
    let flow = load(FLOW);
    let mut s = Session::start(&flow, 100);
    s.key(1_300, Key::Down).key(2_500, Key::Enter);
    assert_eq!(
        s.events[0],
        (
            100,
            EventKind::TaskStart {
                task: "coffee".into()
            }
        )
    );
    assert_eq!(
        s.events[1],
        (
            100,
            EventKind::Show {
                step: "home".into()
            }
        )
    );
    assert_eq!(
        s.events[2],
        (
            2_500,
            EventKind::Choose {
                step: "home".into(),
                choice: "Settings".into(),
                to: "settings".into(),
                timing: Timing {
                    hesitation_ms: 1_200,
                    decision_ms: 2_400,
                    input: Default::default(),
                },
            }
        )
    );
    assert_eq!(
        s.events[3],
        (
            2_505,
            EventKind::Show {
                step: "settings".into()
            }
        )
    );
}

#[test]
fn paused_time_is_left_out_of_every_duration() {
    let flow = load(FLOW);
    let mut s = Session::start(&flow, 0);
    s.command(1_000, Command::Pause);
    assert_eq!(s.player.overlay(), &Overlay::Paused);
    s.key(3_000, Key::Char('1')); // ignored while paused: the screen is hidden
    s.command(6_000, Command::Pause).key(7_000, Key::Char('1'));
    assert_eq!(
        s.kinds(),
        ["task_start", "show", "pause", "resume", "choose", "show"]
    );
    assert_eq!(s.events[3].1, EventKind::Resume { paused_ms: 5_000 });
    let EventKind::Choose { timing, .. } = &s.events[4].1 else {
        panic!("a choice")
    };
    assert_eq!(
        *timing,
        Timing {
            hesitation_ms: 2_000,
            decision_ms: 2_000,
            input: Default::default(),
        }
    );
}

#[test]
fn digits_keys_and_arrows_pick_choices() {
    let flow = load(FLOW);
    let mut s = Session::start(&flow, 0);
    s.key(10, Key::Char('s'));
    assert!(
        matches!(s.player.mode(), Mode::Step { step: 3, .. }),
        "`s` picks Settings"
    );
    s.key(20, Key::Enter)
        .key(30, Key::Char('9'))
        .key(40, Key::Char('j'))
        .key(50, Key::Char('k'));
    assert!(
        matches!(
            s.player.mode(),
            Mode::Step {
                step: 0,
                highlight: 0,
                ..
            }
        ),
        "9 is no choice"
    );
    s.key(60, Key::Up).key(70, Key::Enter);
    assert!(
        matches!(s.player.mode(), Mode::Step { step: 3, .. }),
        "Up wraps to the last"
    );
}

#[test]
fn esc_goes_back_and_is_recorded_unless_the_step_forbids_it() {
    let flow = load(FLOW);
    let mut s = Session::start(&flow, 0);
    s.key(1_000, Key::Char('1')).key(2_000, Key::Esc);
    assert!(matches!(s.player.mode(), Mode::Step { step: 0, .. }));
    let back = s
        .events
        .iter()
        .find(|(_, k)| kind_name(k) == "back")
        .expect("a back event");
    assert_eq!(
        back.1,
        EventKind::Back {
            step: "drinks".into(),
            to: "home".into(),
            timing: Timing {
                hesitation_ms: 995,
                decision_ms: 995,
                input: Default::default(),
            }
        }
    );
    s.key(3_000, Key::Char('2')).key(4_000, Key::Esc);
    assert!(
        matches!(s.player.mode(), Mode::Step { step: 3, .. }),
        "settings has back: false"
    );
    assert!(!s.player.can_go_back());
    s.key(5_000, Key::Esc);
    assert_eq!(s.kinds().iter().filter(|k| **k == "back").count(), 1);
}

#[test]
fn a_full_session_records_input_end_task_and_every_answer() {
    let flow = load(FLOW);
    let mut s = Session::start(&flow, 0);
    s.key(1_000, Key::Char('1')).key(2_000, Key::Char('1'));
    s.keys(
        3_000,
        &[
            Key::Char('1'),
            Key::Char('8'),
            Key::Char('g'),
            Key::Backspace,
            Key::Enter,
        ],
    );
    // `done` has neither screen nor text: the questions come straight after it.
    assert!(matches!(s.player.mode(), Mode::Question { index: 0, .. }));
    assert!(s.events.iter().any(|(_, k)| matches!(
        k,
        EventKind::TaskEnd {
            outcome: TaskOutcome::Success,
            ..
        }
    )));
    s.key(5_000, Key::Char('2')); // Partly
    s.key(6_000, Key::Right)
        .key(6_100, Key::Right)
        .key(6_200, Key::Enter); // middle 4, then 5
    s.keys(
        7_000,
        &[
            Key::Char('f'),
            Key::Char('a'),
            Key::Char('s'),
            Key::Char('t'),
            Key::Enter,
        ],
    );
    s.key(8_000, Key::Char('q'));
    assert!(s.player.is_finished());
    let input = s
        .events
        .iter()
        .find(|(_, k)| kind_name(k) == "input")
        .expect("input");
    assert!(
        matches!(&input.1, EventKind::Input { name, text, .. } if name == "grams" && text == "18")
    );
    let answers: Vec<_> = s
        .events
        .iter()
        .filter_map(|(_, k)| match k {
            EventKind::Answer {
                question, value, ..
            } => Some((question.as_str(), value.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        answers,
        [
            ("solved", AnswerValue::Text("Partly".into())),
            ("ease", AnswerValue::Number(5)),
            ("why", AnswerValue::Text("fast".into())),
        ]
    );
    let task_end = s
        .events
        .iter()
        .find(|(_, k)| kind_name(k) == "task_end")
        .expect("task_end");
    assert_eq!(
        task_end,
        &(
            3_004,
            EventKind::TaskEnd {
                task: "coffee".into(),
                outcome: TaskOutcome::Success,
                duration_ms: 3_004
            }
        )
    );
    assert_eq!(
        s.events.last().map(|e| &e.1),
        Some(&EventKind::SessionEnd {
            outcome: SessionOutcome::Complete
        })
    );
    assert!(s.kinds().contains(&"end"));
}

#[test]
fn notes_do_not_count_as_the_participants_first_key() {
    let flow = load(FLOW);
    let mut s = Session::start(&flow, 0);
    s.command(500, Command::Note);
    s.keys(600, &[Key::Char('1'), Key::Char('j'), Key::Enter]);
    assert_eq!(s.player.overlay(), &Overlay::None);
    s.key(3_000, Key::Char('1'));
    assert!(
        s.events
            .iter()
            .any(|(at, k)| *at == 602 && *k == EventKind::Note { text: "1j".into() })
    );
    let EventKind::Choose { timing, .. } = &s
        .events
        .iter()
        .find(|(_, k)| kind_name(k) == "choose")
        .expect("choose")
        .1
    else {
        unreachable!()
    };
    assert_eq!(timing.hesitation_ms, 3_000);
}

/// A researcher's `#` completes from the codebook with Tab; a tag the codebook lacks
/// keeps the note open with the closest one; the note is recorded with its tags as typed.
#[test]
fn a_researchers_note_tags_complete_and_unknown_tags_keep_it_open() {
    let flow = load(FLOW);
    let mut s = Session::start(&flow, 0);
    s.player
        .set_tags(vec!["lost".into(), "slow".into(), "slow-load".into()]);
    s.command(500, Command::Note);
    s.keys(600, &[Key::Char('#'), Key::Char('l'), Key::Tab]);
    s.keys(700, &[Key::Char('#'), Key::Char('s'), Key::Tab]);
    let Overlay::Note { field, hint } = s.player.overlay() else {
        panic!("the note is open");
    };
    assert_eq!(field.text(), "#lost #slow");
    assert_eq!(hint.as_deref(), Some("#slow  #slow-load"));
    s.keys(800, &[Key::Char('x'), Key::Enter]);
    let Overlay::Note { hint, .. } = s.player.overlay() else {
        panic!("an unknown tag keeps the note open");
    };
    assert_eq!(
        hint.as_deref(),
        Some("#slowx is not in the codebook; did you mean #slow?")
    );
    s.keys(900, &[Key::Backspace, Key::Enter]);
    assert_eq!(s.player.overlay(), &Overlay::None);
    assert!(s.events.iter().any(|(at, k)| *at == 901
        && *k
            == EventKind::Note {
                text: "#lost #slow".into()
            }));
}

#[test]
fn ending_early_needs_confirmation_and_is_recorded_as_aborted() {
    let flow = load(FLOW);
    let mut s = Session::start(&flow, 0);
    s.command(1_000, Command::Quit).key(1_100, Key::Char('n'));
    assert_eq!(s.player.overlay(), &Overlay::None);
    s.command(2_000, Command::Quit).key(2_100, Key::Char('y'));
    assert_eq!(&s.kinds()[2..], ["abort", "task_end", "session_end"]);
    assert!(matches!(
        s.events[3].1,
        EventKind::TaskEnd {
            outcome: TaskOutcome::Aborted,
            duration_ms: 2_100,
            ..
        }
    ));
    assert_eq!(
        s.player.mode(),
        &Mode::Closing {
            outcome: SessionOutcome::Aborted
        }
    );
}

const TASKS: &str = "
flow: shop
title: Shop
steps:
  home:
    choices:
      - Orders -> orders
      - Help -> home
  orders:
    text: Order 42 is on its way.
    go: home
tasks:
  - id: find-order
    brief: Find out where order 42 is.
    success: [orders]
  - id: slow
    brief: Take your time.
    success: [orders]
    time_limit: 2s
  - id: hard
    brief: Try this one.
    success: [orders]
";

#[test]
fn tasks_start_when_their_brief_is_confirmed_and_end_as_success_timeout_or_abandoned() {
    let flow = load(TASKS);
    let mut s = Session::start(&flow, 0);
    assert_eq!(s.player.mode(), &Mode::Brief);
    s.key(4_000, Key::Enter).key(5_000, Key::Char('1'));
    assert!(matches!(
        s.player.mode(),
        Mode::StepDone {
            outcome: TaskOutcome::Success,
            ..
        }
    ));
    s.key(6_000, Key::Enter)
        .key(7_000, Key::Enter)
        .send(8_000, Action::Tick)
        .send(9_100, Action::Tick);
    assert_eq!(
        s.player.mode(),
        &Mode::Interlude {
            outcome: TaskOutcome::Timeout
        }
    );
    s.key(10_000, Key::Enter)
        .key(11_000, Key::Enter)
        .command(12_000, Command::GiveUp);
    assert_eq!(
        s.player.mode(),
        &Mode::Interlude {
            outcome: TaskOutcome::Abandoned
        }
    );
    let ends: Vec<_> = s
        .events
        .iter()
        .filter_map(|(_, k)| match k {
            EventKind::TaskEnd {
                task,
                outcome,
                duration_ms,
            } => Some((task.as_str(), *outcome, *duration_ms)),
            _ => None,
        })
        .collect();
    assert_eq!(
        ends,
        [
            ("find-order", TaskOutcome::Success, 1_000),
            ("slow", TaskOutcome::Timeout, 2_000),
            ("hard", TaskOutcome::Abandoned, 1_000),
        ]
    );
    s.key(13_000, Key::Enter);
    assert_eq!(
        s.player.mode(),
        &Mode::Closing {
            outcome: SessionOutcome::Complete
        }
    );
}

#[test]
fn a_signal_aborts_at_once_even_while_paused() {
    let flow = load(FLOW);
    let mut s = Session::start(&flow, 0);
    s.command(1_000, Command::Pause);
    s.player.abort(ms(3_000), "SIGHUP");
    s.collect();
    assert_eq!(
        &s.kinds()[2..],
        ["pause", "resume", "abort", "task_end", "session_end"]
    );
    assert!(matches!(
        s.events[5].1,
        EventKind::TaskEnd {
            duration_ms: 1_000,
            ..
        }
    ));
}
