//! The runner driven by a scripted transport: stamped keys in, frames out at known
//! times, no terminal and no clock.

use std::collections::VecDeque;
use std::time::Duration;

use super::session::{PlayAction, PlaySession};
use super::{Drawn, Incoming, Stop, Transport, block_on, run};
use crate::flow::{self, Flow};
use crate::keys::{Key, Press};
use crate::session::{Event, EventKind, SessionOutcome, Timing};

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
    text: Descaling is due.
    go: done
  done:
    end: success
";

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn flow() -> Flow {
    flow::load(FLOW).expect("test flow loads")
}

/// Frames take `frame` to reach the display; inputs arrive as scripted. Each frame
/// notes how many events had been recorded when it was drawn.
struct Scripted {
    inputs: VecDeque<Incoming>,
    now: Duration,
    frame: Duration,
    /// Frames that come out too small to show the step, from the start.
    too_small: usize,
    frames: Vec<(Duration, usize)>,
    /// How long each suspend stays stopped.
    stopped: Duration,
    /// Frames after which the display is gone.
    lost_after: Option<usize>,
}

impl Scripted {
    fn new(inputs: Vec<Incoming>) -> Self {
        Scripted {
            inputs: inputs.into(),
            now: Duration::ZERO,
            frame: ms(10),
            too_small: 0,
            frames: Vec::new(),
            stopped: ms(5_000),
            lost_after: None,
        }
    }
}

impl Transport<PlaySession<'_, Vec<Event>>> for Scripted {
    async fn draw(&mut self, screen: &PlaySession<'_, Vec<Event>>) -> Result<Drawn, String> {
        if self.lost_after.is_some_and(|n| self.frames.len() >= n) {
            return Err("the terminal is gone".into());
        }
        self.now += self.frame;
        self.frames.push((self.now, screen.recorder.len()));
        let (cols, rows) = match self.frames.len() > self.too_small {
            true => (80, 24),
            false => (30, 24),
        };
        Ok(Drawn {
            at: self.now,
            cols,
            rows,
        })
    }

    async fn next(&mut self, _wait: Duration) -> Incoming {
        let incoming = self
            .inputs
            .pop_front()
            .unwrap_or(Incoming::Closed { at: self.now });
        if let Incoming::Key { at, .. }
        | Incoming::Idle { at }
        | Incoming::Signal { at, .. }
        | Incoming::Closed { at } = incoming
        {
            self.now = self.now.max(at);
        }
        incoming
    }

    async fn suspend(&mut self, at: Duration) -> Result<Duration, String> {
        self.now = at + self.stopped;
        Ok(self.now)
    }
}

fn key(at: u64, key: Key) -> Incoming {
    Incoming::Key {
        at: ms(at),
        press: Press::plain(key),
    }
}

fn play(transport: &mut Scripted) -> Vec<Event> {
    let flow = flow();
    let mut session = PlaySession::new(&flow, Vec::new(), "test".into());
    block_on(run(&mut session, transport)).expect("a scripted session runs");
    session.recorder
}

fn kinds(events: &[Event]) -> Vec<(u64, EventKind)> {
    events.iter().map(|e| (e.at_ms, e.kind.clone())).collect()
}

#[test]
fn hesitation_runs_from_the_frame_to_the_key() {
    let mut transport = Scripted::new(vec![
        key(1_200, Key::Char('1')),
        key(2_000, Key::Down),
        key(2_600, Key::Enter),
        key(4_000, Key::Enter),
    ]);
    let events = play(&mut transport);
    let choose = |step: &str, choice: &str, to: &str, h, d| EventKind::Choose {
        step: step.into(),
        choice: choice.into(),
        to: to.into(),
        timing: Timing {
            hesitation_ms: h,
            decision_ms: d,
            input: Default::default(),
        },
    };
    let recorded = kinds(&events);
    // The first frame is out at 10 ms; the next at 1,210 ms, 10 ms after the key.
    assert_eq!(
        recorded[1],
        (
            10,
            EventKind::Show {
                step: "home".into()
            }
        )
    );
    assert_eq!(
        recorded[2],
        (1_200, choose("home", "Drinks", "drinks", 1_190, 1_190))
    );
    assert_eq!(
        recorded[3],
        (
            1_210,
            EventKind::Show {
                step: "drinks".into()
            }
        )
    );
    assert_eq!(
        recorded[4],
        (2_600, choose("drinks", "Espresso", "done", 790, 1_390))
    );
    assert!(matches!(
        events.last().map(|e| &e.kind),
        Some(EventKind::SessionEnd {
            outcome: SessionOutcome::Complete
        })
    ));
}

#[test]
fn events_are_saved_after_the_frame_they_lead_to() {
    let mut transport = Scripted::new(vec![key(500, Key::Char('2')), key(900, Key::Enter)]);
    let events = play(&mut transport);
    let choice = events
        .iter()
        .position(|e| matches!(e.kind, EventKind::Choose { .. }))
        .expect("the choice is recorded");
    // The frame after the key was drawn with only the events before the choice saved.
    assert_eq!(transport.frames[1], (ms(510), choice));
}

#[test]
fn keys_wait_while_the_frame_is_too_small_to_show_the_step() {
    let mut transport = Scripted::new(vec![
        key(300, Key::Char('1')),
        // The researcher's keys wait too: nobody could see the dialog they open.
        Incoming::Key {
            at: ms(350),
            press: Press::ctrl('c'),
        },
        Incoming::Resize,
        key(900, Key::Char('1')),
    ]);
    transport.too_small = 1;
    let events = play(&mut transport);
    let recorded = kinds(&events);
    assert_eq!(
        transport.frames.len(),
        3,
        "the ignored keys drew nothing new"
    );
    // Shown only once it fitted, after the resize; the key before it never acted.
    assert_eq!(
        recorded[1],
        (
            360,
            EventKind::Show {
                step: "home".into()
            }
        )
    );
    assert!(matches!(
        &recorded[2],
        (900, EventKind::Choose { timing, .. }) if timing.hesitation_ms == 540
    ));
}

#[test]
fn a_signal_records_the_abort_and_draws_nothing_more() {
    let mut transport = Scripted::new(vec![Incoming::Signal {
        at: ms(700),
        name: "SIGTERM",
    }]);
    let flow = flow();
    let mut session = PlaySession::new(&flow, Vec::new(), "test".into());
    block_on(run(&mut session, &mut transport)).expect("runs");
    assert_eq!(transport.frames.len(), 1);
    assert_eq!(session.stopped, Some(Stop::Signal("SIGTERM")));
    assert_eq!(session.outcome(), SessionOutcome::Aborted);
    let abort = session
        .recorder
        .iter()
        .find(|e| matches!(e.kind, EventKind::Abort { .. }));
    assert!(matches!(
        abort,
        Some(Event { at_ms: 700, kind: EventKind::Abort { reason } }) if reason == "SIGTERM"
    ));
}

#[test]
fn a_closed_terminal_ends_the_session_as_such() {
    let mut transport = Scripted::new(vec![Incoming::Closed { at: ms(400) }]);
    let events = play(&mut transport);
    assert!(events.iter().any(|e| matches!(
        &e.kind,
        EventKind::Abort { reason } if reason == "terminal closed"
    )));
}

#[test]
fn researcher_keys_act_and_scrolling_is_not_recorded() {
    let flow = flow();
    let mut session = PlaySession::new(&flow, Vec::new(), "test".into());
    let mut transport = Scripted::new(vec![
        Incoming::Key {
            at: ms(100),
            press: Press::plain(Key::PageDown),
        },
        Incoming::Key {
            at: ms(200),
            press: Press::ctrl('p'),
        },
        Incoming::Key {
            at: ms(1_200),
            press: Press::ctrl('p'),
        },
        key(1_500, Key::Char('1')),
    ]);
    block_on(run(&mut session, &mut transport)).expect("runs");
    let recorded = kinds(&session.recorder);
    assert!(recorded.contains(&(200, EventKind::Pause { reason: None })));
    assert!(recorded.contains(&(1_200, EventKind::Resume { paused_ms: 1_000 })));
    // Shown at 10 ms, chosen at 1,500 ms, with 1,000 ms paused in between.
    assert!(recorded.iter().any(|(at, kind)| *at == 1_500
        && matches!(kind, EventKind::Choose { timing, .. } if timing.hesitation_ms == 490)));
    assert_eq!(
        session.keys().action(Press::plain(Key::PageUp)),
        Some(PlayAction::Scroll(-10))
    );
}

#[test]
fn a_long_mockup_scrolls_no_further_than_its_last_line() {
    let flow = flow::load(
        "flow: f\ntitle: F\nsteps:\n  a:\n    screen: |\n      1\n      2\n      3\n    go: b\n  b:\n    end: success\n",
    )
    .expect("loads");
    let mut session = PlaySession::new(&flow, Vec::new(), "test".into());
    let down = PlayAction::Scroll(10);
    for at in [10, 20, 30] {
        Screen::update(&mut session, ms(at), down).expect("scrolls");
    }
    assert_eq!(
        session.scroll, 2,
        "the last of three lines at the top, no further"
    );
    Screen::update(&mut session, ms(40), PlayAction::Scroll(-10)).expect("scrolls");
    assert_eq!(session.scroll, 0);
}

#[test]
fn a_suspend_by_key_or_signal_stops_the_clock_and_redraws() {
    let mut transport = Scripted::new(vec![
        Incoming::Key {
            at: ms(300),
            press: Press::ctrl('z'),
        },
        Incoming::Suspend { at: ms(5_500) },
        key(10_800, Key::Char('1')),
    ]);
    let frames_before = 1;
    let events = play(&mut transport);
    let recorded = kinds(&events);
    let suspend = EventKind::Pause {
        reason: Some("suspend".into()),
    };
    assert!(recorded.contains(&(300, suspend.clone())), "{recorded:?}");
    assert!(recorded.contains(&(5_300, EventKind::Resume { paused_ms: 5_000 })));
    assert!(recorded.contains(&(5_500, suspend)));
    assert!(recorded.contains(&(10_500, EventKind::Resume { paused_ms: 5_000 })));
    // Shown at 10 ms, chosen at 10,800 ms, with 10,000 ms stopped in between.
    assert!(recorded.iter().any(|(at, kind)| *at == 10_800
        && matches!(kind, EventKind::Choose { timing, .. } if timing.hesitation_ms == 790)));
    assert!(
        transport.frames.len() >= frames_before + 3,
        "drawn again after each resume"
    );
}

#[test]
fn a_researchers_pause_outlasts_a_suspend() {
    let mut transport = Scripted::new(vec![
        Incoming::Key {
            at: ms(300),
            press: Press::ctrl('p'),
        },
        Incoming::Suspend { at: ms(500) },
    ]);
    let recorded = kinds(&play(&mut transport));
    let pauses = recorded
        .iter()
        .filter(|(_, k)| matches!(k, EventKind::Pause { .. }))
        .count();
    assert_eq!(pauses, 1, "already paused: {recorded:?}");
    // Still paused after the suspend: the only resume is the one the end brings.
    let resume = recorded
        .iter()
        .position(|(_, k)| matches!(k, EventKind::Resume { .. }));
    let abort = recorded
        .iter()
        .position(|(_, k)| matches!(k, EventKind::Abort { .. }));
    assert_eq!(resume.map(|i| i + 1), abort, "{recorded:?}");
}

#[test]
fn a_frame_that_cannot_be_drawn_ends_the_session_as_a_closed_terminal() {
    let mut transport = Scripted::new(vec![key(400, Key::Down)]);
    transport.lost_after = Some(1);
    let recorded = kinds(&play(&mut transport));
    assert!(
        recorded.contains(&(
            400,
            EventKind::Abort {
                reason: "terminal closed".into()
            }
        )),
        "{recorded:?}"
    );
    assert_eq!(
        recorded.last().map(|(_, k)| k),
        Some(&EventKind::SessionEnd {
            outcome: SessionOutcome::Aborted
        })
    );
}

#[test]
fn the_play_keys_are_a_sound_table() {
    let problems = super::session::KEYS.problems();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        super::session::researcher_hint(),
        "Researcher: Ctrl-N note · Ctrl-P pause · Ctrl-G gave up · Ctrl-C end"
    );
}

use super::Screen;
