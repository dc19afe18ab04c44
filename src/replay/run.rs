//! The replay screen: the participant's screens at the recorded pace, with a progress bar.

use std::path::Path;
use std::sync::LazyLock;
use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Gauge, Widget};

use super::Script;
use crate::flow::Flow;
use crate::format::minutes_seconds;
use crate::keys::{Key, Keymap, Press, bind};
use crate::runner;
use crate::session;
use crate::study::ask::Ask;
use crate::study::{arrange, part};
use crate::text::printable;
use crate::tui::play_view::{Chrome, PlayView};
use crate::tui::screen;

/// How often the picture moves on while playing.
const FRAME: Duration = Duration::from_millis(50);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Pause,
    Next,
    Previous,
    Quit,
}

pub static KEYS: LazyLock<Keymap<Action>> = LazyLock::new(|| {
    Keymap::new(vec![
        bind(&[Press::char(' ')], Action::Pause, "pause or go on"),
        bind(
            &[Press::plain(Key::Left)],
            Action::Previous,
            "jump to the previous event",
        ),
        bind(
            &[Press::plain(Key::Right)],
            Action::Next,
            "jump to the next event",
        ),
        bind(
            &[Press::char('q'), Press::plain(Key::Esc), Press::ctrl('c')],
            Action::Quit,
            "quit",
        ),
    ])
});

/// Replays the session at `path` at `speed` times the recorded pace.
pub fn run(path: &Path, speed: f64) -> Result<(), String> {
    let recorded = session::read(path).map_err(|e| e.to_string())?;
    let (flow, warning) = arrange::recorded_flow(&recorded.header)?;
    let title = format!(
        "Replay of {} · {} · ×{speed}{}",
        printable(&recorded.header.participant),
        printable(&recorded.header.session),
        warning
    );
    let mut replay = Replay::new(&flow, Script::new(&flow, &recorded.events), title, speed);
    replay.consent = part::recorded_consent(&recorded).map(|(ask, at_ms, _)| (ask, at_ms));
    screen::run(&mut replay)
}

/// Where the replay stands, and how it moves on.
pub struct Replay<'f> {
    flow: &'f Flow,
    script: Script,
    moments: Vec<u64>,
    title: String,
    pub at_ms: f64,
    speed: f64,
    pub paused: bool,
    /// The transport's time at the last move, so playing follows its clock.
    last: Duration,
    quit: bool,
    /// The consent screen the session opened with, and when it was answered: shown
    /// until then.
    pub consent: Option<(Ask, u64)>,
}

impl<'f> Replay<'f> {
    pub fn new(flow: &'f Flow, script: Script, title: String, speed: f64) -> Self {
        Replay {
            flow,
            moments: script.moments(),
            script,
            title,
            at_ms: 0.0,
            speed: speed.max(0.01),
            paused: false,
            last: Duration::ZERO,
            quit: false,
            consent: None,
        }
    }

    /// Moves on to `at` on the transport's clock, at the replay's speed.
    fn play_to(&mut self, at: Duration) {
        let passed = at.saturating_sub(self.last).as_secs_f64() * 1000.0;
        self.last = at;
        if !self.paused {
            self.at_ms = (self.at_ms + passed * self.speed).min(self.script.end_ms as f64);
        }
    }
}

impl runner::Screen for Replay<'_> {
    type Action = Action;

    fn keys(&self) -> &Keymap<Action> {
        &KEYS
    }

    fn update(&mut self, at: Duration, action: Action) -> Result<bool, String> {
        self.play_to(at);
        match action {
            Action::Pause => self.paused = !self.paused,
            Action::Next => self.at_ms = next(&self.moments, self.at_ms) as f64,
            Action::Previous => self.at_ms = previous(&self.moments, self.at_ms) as f64,
            Action::Quit => self.quit = true,
        }
        Ok(true)
    }

    fn tick(&mut self, at: Duration) -> Result<bool, String> {
        self.play_to(at);
        Ok(!self.paused)
    }

    fn wait(&self) -> Duration {
        FRAME
    }

    fn done(&self) -> bool {
        self.quit
    }
}

fn next(moments: &[u64], at: f64) -> u64 {
    moments
        .iter()
        .copied()
        .find(|m| *m as f64 > at + 0.5)
        .unwrap_or_else(|| moments.last().copied().unwrap_or(0))
}

fn previous(moments: &[u64], at: f64) -> u64 {
    moments
        .iter()
        .rev()
        .copied()
        .find(|m| (*m as f64) < at - 0.5)
        .unwrap_or(0)
}

/// Keys only: nothing here takes a click.
impl crate::tui::pointer::Pointable for Replay<'_> {}

impl Widget for &Replay<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [title, body, progress, keys] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        Line::from(self.title.as_str()).bold().render(title, buf);
        let at_ms = self.at_ms as u64;
        match &self.consent {
            Some((ask, answered)) if at_ms < *answered => ask.render(body, buf),
            _ => {
                let player = self.script.player_at(self.flow, at_ms);
                let view = PlayView {
                    player: &player,
                    scroll: 0,
                    chrome: Chrome::Replay,
                };
                (&view).render(body, buf);
            }
        }
        let end_ms = self.script.end_ms;
        let ratio = if end_ms == 0 {
            1.0
        } else {
            at_ms as f64 / end_ms as f64
        };
        let label = format!(
            "{} / {}{}",
            minutes_seconds(at_ms),
            minutes_seconds(end_ms),
            if self.paused { " · paused" } else { "" }
        );
        Gauge::default()
            .ratio(ratio.clamp(0.0, 1.0))
            .label(label)
            .render(progress, buf);
        let hint = KEYS.hint(&[
            (&[Action::Pause], "pause"),
            (&[Action::Previous, Action::Next], "previous / next event"),
            (&[Action::Quit], "quit"),
        ]);
        Line::from(hint).dim().render(keys, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::Screen;

    #[test]
    fn the_keys_are_a_sound_table() {
        assert!(KEYS.problems().is_empty(), "{:?}", KEYS.problems());
        for action in [Action::Pause, Action::Next, Action::Previous, Action::Quit] {
            assert!(KEYS.binds(action));
        }
    }

    /// A study's session opens with its consent: the replay shows that screen until it
    /// was answered, then the participant's first screen.
    #[test]
    fn the_consent_is_on_screen_until_it_was_answered() {
        let flow = crate::flow::load(
            "flow: f\ntitle: F\nsteps:\n  a:\n    text: The first step\n    end: success\n",
        )
        .expect("loads");
        let script = Script {
            ops: vec![(1_000, super::super::Op::Shown)],
            end_ms: 1_000,
        };
        let mut replay = Replay::new(&flow, script, String::new(), 1.0);
        let consent = Ask::consent("A study".into(), "Do you agree to take part?".into());
        replay.consent = Some((consent, 900));
        let drawn = |replay: &Replay| crate::tui::frame::drawn(replay, 60, 20);
        replay.at_ms = 500.0;
        assert!(
            drawn(&replay).contains("Do you agree"),
            "{}",
            drawn(&replay)
        );
        replay.at_ms = 1_000.0;
        let after = drawn(&replay);
        assert!(
            after.contains("The first step") && !after.contains("Do you agree"),
            "{after}"
        );
    }

    #[test]
    fn playing_follows_the_clock_at_its_speed_and_pausing_stops_it() {
        let flow = crate::flow::load("flow: f\ntitle: F\nsteps:\n  a:\n    end: success\n")
            .expect("loads");
        let script = Script {
            ops: vec![
                (0, super::super::Op::Shown),
                (4_000, super::super::Op::Shown),
            ],
            end_ms: 4_000,
        };
        let mut replay = Replay::new(&flow, script, String::new(), 2.0);
        replay.tick(Duration::from_millis(500)).expect("ticks");
        assert_eq!(replay.at_ms, 1_000.0);
        replay
            .update(Duration::from_millis(600), Action::Pause)
            .expect("pauses");
        assert_eq!(replay.at_ms, 1_200.0);
        replay.tick(Duration::from_millis(5_000)).expect("ticks");
        assert_eq!(replay.at_ms, 1_200.0);
        replay
            .update(Duration::from_millis(5_000), Action::Next)
            .expect("jumps");
        assert_eq!(replay.at_ms, 4_000.0);
        replay
            .update(Duration::from_millis(5_000), Action::Previous)
            .expect("jumps");
        assert_eq!(replay.at_ms, 0.0);
        replay
            .update(Duration::from_millis(5_000), Action::Quit)
            .expect("quits");
        assert!(replay.done());
    }
}
