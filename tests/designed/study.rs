//! The designed study: the flow, who played it how, and a recorder that drives the player
//! with explicit times and writes each session as `mvx play` would.

use std::path::Path;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use mvx::flow::{self, Flow};
use mvx::player::Player;
use mvx::player::input::{Action, Command, Input, Key};
use mvx::session::{FlowRef, Header, SessionWriter, Started, TerminalInfo};

const FLOW: &str = "
flow: study
title: Find an order
variant: VARIANT
steps:
  home:
    choices:
      - Orders -> orders
      - Help -> help
  help:
    choices:
      - Back -> home
  orders:
    choices:
      - Track -> done
      - Some -> halfway
  done:
    text: Found it.
    end: success
  halfway:
    text: Half way there.
    end: partial
questions:
  - { id: sus1, ask: q, scale: { from: 1, to: 5 } }
  - { id: sus2, ask: q, scale: { from: 1, to: 5 } }
  - { id: sus3, ask: q, scale: { from: 1, to: 5 } }
  - { id: sus4, ask: q, scale: { from: 1, to: 5 } }
  - { id: sus5, ask: q, scale: { from: 1, to: 5 } }
  - { id: sus6, ask: q, scale: { from: 1, to: 5 } }
  - { id: sus7, ask: q, scale: { from: 1, to: 5 } }
  - { id: sus8, ask: q, scale: { from: 1, to: 5 } }
  - { id: sus9, ask: q, scale: { from: 1, to: 5 } }
  - { id: sus10, ask: q, scale: { from: 1, to: 5 } }
  - { id: umux1, ask: q, scale: { from: 1, to: 7 } }
  - { id: umux2, ask: q, scale: { from: 1, to: 7 } }
  - { id: nps, ask: q, scale: { from: 0, to: 10 } }
";

/// How a designed session ends.
#[derive(Clone, Copy, PartialEq)]
enum End {
    /// Answers every question: ten SUS items, two UMUX-Lite items, NPS.
    Answers([i64; 10], [i64; 2], i64),
    /// The researcher ends it (Ctrl-C, then again to confirm).
    Abort,
    /// The recording stops, as a crash would leave it.
    Cut,
    /// The researcher records a give-up, then the answers follow.
    GiveUp([i64; 10], [i64; 2], i64),
}

struct Designed<'a> {
    who: &'a str,
    variant: &'a str,
    sha: &'a str,
    /// Minutes after 9:00 the session started: a participant's first is their earliest.
    minute: u32,
    /// Keys on the steps, each pressed this many ms after its screen was shown.
    moves: &'a [(char, u64)],
    end: End,
}

fn flow_of(variant: &str) -> Flow {
    flow::load(&FLOW.replace("VARIANT", variant)).expect("designed flow loads")
}

/// Each screen is shown 10 ms after the key that led to it.
struct Clock<'f> {
    player: Player<'f>,
    now: u64,
    writer: SessionWriter,
}

impl Clock<'_> {
    fn press(&mut self, key: Key, think: u64) {
        self.player.shown(Duration::from_millis(self.now));
        self.now += think;
        self.send(Action::Key(key));
        self.now += 10;
    }

    fn send(&mut self, action: Action) {
        self.player.handle(Input {
            at: Duration::from_millis(self.now),
            action,
        });
        for event in self.player.take_events() {
            self.writer.append(&event).expect("appended");
        }
    }

    fn answers(&mut self, sus: [i64; 10], umux: [i64; 2], nps: i64) {
        for point in sus.into_iter().chain(umux) {
            let digit = char::from_digit(point as u32, 10).expect("a digit");
            self.press(Key::Char(digit), 300);
        }
        // 0-10 has a two-digit point, so arrows: the first lands on 5.
        let (arrow, steps) = if nps >= 5 {
            (Key::Right, nps - 5)
        } else {
            (Key::Left, 5 - nps)
        };
        for _ in 0..=steps {
            self.press(arrow, 100);
        }
        self.press(Key::Enter, 100);
    }
}

fn record(dir: &Path, d: &Designed) {
    let flow = flow_of(d.variant);
    let header = Header::new(
        Started {
            session: format!("{}-{}-{}", d.who, d.variant, d.minute),
            at: format!("2026-11-26T09:{:02}:00.000+00:00", d.minute),
        },
        FlowRef::of(&flow, "flows/study.yaml", d.sha),
        d.who.into(),
        TerminalInfo::sized(80, 24),
    );
    let started = Utc
        .with_ymd_and_hms(2026, 11, 26, 9, d.minute, 0)
        .single()
        .expect("a time");
    let writer = SessionWriter::create(dir, &header, started).expect("session file");
    let mut clock = Clock {
        player: Player::new(&flow),
        now: 0,
        writer,
    };
    for (key, think) in d.moves {
        clock.press(Key::Char(*key), *think);
    }
    match d.end {
        End::Cut => {}
        End::Abort => {
            clock.send(Action::Command(Command::Quit));
            clock.send(Action::Command(Command::Quit));
        }
        End::Answers(sus, umux, nps) => {
            clock.press(Key::Enter, 500); // past the end step's screen
            clock.answers(sus, umux, nps);
        }
        End::GiveUp(sus, umux, nps) => {
            clock.send(Action::Command(Command::GiveUp));
            clock.press(Key::Enter, 500);
            clock.answers(sus, umux, nps);
        }
    }
}

const ALL_THREES: [i64; 10] = [3; 10];

/// The designed study. Times of successful attempts (ms) are the thinks plus 10 ms per
/// screen between them: a: 3010, 4030, 4010; b: 6010, 6510, 7030.
pub fn study(dir: &Path) {
    use End::*;
    let sessions = [
        Designed {
            who: "P01",
            variant: "a",
            sha: "a-v1",
            minute: 1,
            moves: &[('1', 2000), ('1', 1000)],
            end: Answers([4, 2, 4, 2, 4, 2, 4, 2, 4, 2], [6, 6], 9),
        },
        // A loop by a "Back" choice: home → help → home is a backtrack.
        Designed {
            who: "P02",
            variant: "a",
            sha: "a-v1",
            minute: 2,
            moves: &[('2', 1500), ('1', 500), ('1', 1000), ('1', 1000)],
            end: Answers([5, 1, 5, 1, 5, 1, 5, 1, 5, 1], [7, 7], 10),
        },
        Designed {
            who: "P03",
            variant: "a",
            sha: "a-v1",
            minute: 3,
            moves: &[('1', 1000), ('2', 2000)],
            end: Answers(ALL_THREES, [4, 5], 6),
        },
        Designed {
            who: "P04",
            variant: "a",
            sha: "a-v1",
            minute: 4,
            moves: &[('1', 2500), ('1', 1500)],
            end: Answers([4, 1, 4, 2, 5, 2, 4, 1, 4, 2], [6, 5], 8),
        },
        Designed {
            who: "P05",
            variant: "a",
            sha: "a-v1",
            minute: 5,
            moves: &[('1', 1000)],
            end: Abort,
        },
        Designed {
            who: "P06",
            variant: "a",
            sha: "a-v1",
            minute: 6,
            moves: &[('1', 1000)],
            end: Cut,
        },
        // P01 again, later: left out unless every attempt counts.
        Designed {
            who: "P01",
            variant: "a",
            sha: "a-v1",
            minute: 30,
            moves: &[('1', 800), ('2', 800)],
            end: Answers([1, 5, 1, 5, 1, 5, 1, 5, 1, 5], [1, 1], 0),
        },
        Designed {
            who: "P11",
            variant: "b",
            sha: "b-v1",
            minute: 11,
            moves: &[('1', 3000), ('1', 3000)],
            end: Answers([2, 4, 2, 4, 2, 4, 2, 4, 2, 4], [3, 4], 3),
        },
        Designed {
            who: "P12",
            variant: "b",
            sha: "b-v1",
            minute: 12,
            moves: &[('1', 4000), ('1', 2500)],
            end: Answers(ALL_THREES, [4, 4], 7),
        },
        Designed {
            who: "P13",
            variant: "b",
            sha: "b-v1",
            minute: 13,
            moves: &[('2', 2000), ('1', 1000), ('1', 2000), ('1', 2000)],
            end: Answers([2, 3, 3, 3, 2, 3, 2, 3, 3, 3], [5, 3], 9),
        },
        Designed {
            who: "P14",
            variant: "b",
            sha: "b-v1",
            minute: 14,
            moves: &[('1', 1000), ('2', 1000)],
            end: Answers([4, 2, 3, 3, 3, 2, 3, 3, 3, 3], [2, 3], 5),
        },
        Designed {
            who: "P15",
            variant: "b",
            sha: "b-v1",
            minute: 15,
            moves: &[('2', 1000)],
            end: GiveUp([1, 5, 1, 5, 1, 5, 1, 5, 1, 5], [1, 2], 0),
        },
        Designed {
            who: "P16",
            variant: "b",
            sha: "b-v1",
            minute: 16,
            moves: &[('1', 1000)],
            end: Cut,
        },
        // Another version of b's flow file: reported apart, left out of the comparison.
        Designed {
            who: "P17",
            variant: "b",
            sha: "b-v2",
            minute: 17,
            moves: &[('1', 1000), ('1', 1000)],
            end: Answers(ALL_THREES, [4, 4], 7),
        },
        Designed {
            who: "P18",
            variant: "b",
            sha: "b-v2",
            minute: 18,
            moves: &[('1', 1000), ('1', 1000)],
            end: Answers(ALL_THREES, [4, 4], 7),
        },
    ];
    for designed in &sessions {
        record(dir, designed);
    }
}
