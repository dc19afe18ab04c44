//! A participant's session as a screen: the player, where its events go, and its keys.
//!
//! `mvx play` records to a session file, `mvx preview` records nothing, tests record
//! into a list; the session is the same in each.

use std::sync::LazyLock;
use std::time::Duration;

use super::{Drawn, Screen, Stop};
use crate::flow::Flow;
use crate::keys::{Binding, Key, Keymap, Press, Via, bind};
use crate::player::input::{Action, Command, Input};
use crate::player::{Mode, Player};
use crate::session::{Event, SessionOutcome, SessionWriter, Sink, is_full};
use crate::text::printable;

/// Below this a frame cannot show a step with its choices; the view says so instead,
/// and the step does not count as shown.
pub const MIN_COLS: u16 = 40;
pub const MIN_ROWS: u16 = 12;

/// Where a session's events go, each before the next input is handled.
pub trait Recorder {
    fn record(&mut self, event: &Event) -> Result<(), Unrecorded>;

    /// The participant's screen became too small to show the session (`Some`, its size)
    /// or large enough again (`None`): whoever runs the session may want to know.
    fn window(&mut self, _too_small: Option<(u16, u16)>) {}
}

/// An event that could not be recorded: the session ends, for this `reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unrecorded {
    /// The `abort` reason: `disk full`, or `write failed` for any other error.
    pub reason: &'static str,
    pub message: String,
}

impl<S: Sink> Recorder for SessionWriter<S> {
    fn record(&mut self, event: &Event) -> Result<(), Unrecorded> {
        self.append(event).map_err(|e| {
            let path = printable(&self.path().display().to_string());
            let (reason, what) = match is_full(&e) {
                true => ("disk full", format!("the disk is full ({e})")),
                false => ("write failed", format!("cannot write to {path} ({e})")),
            };
            Unrecorded {
                reason,
                message: format!(
                    "{what}: the session ended there; {path} keeps every event before it"
                ),
            }
        })
    }
}

impl Recorder for Vec<Event> {
    fn record(&mut self, event: &Event) -> Result<(), Unrecorded> {
        self.push(event.clone());
        Ok(())
    }
}

/// Records nothing: a designer's preview.
pub struct Discard;

impl Recorder for Discard {
    fn record(&mut self, _: &Event) -> Result<(), Unrecorded> {
        Ok(())
    }
}

/// What a key does while a participant plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlayAction {
    Player(Action),
    /// Scroll a long screen mockup by this many lines (negative: up).
    Scroll(i16),
    /// Suspend the whole session (Ctrl-Z); `fg` brings it back.
    Suspend,
}

fn participant(key: Key, help: &'static str) -> Binding<PlayAction> {
    bind(
        &[Press::plain(key)],
        PlayAction::Player(Action::Key(key)),
        help,
    )
}

fn researcher(c: char, command: Command, help: &'static str) -> Binding<PlayAction> {
    bind(
        &[Press::ctrl(c)],
        PlayAction::Player(Action::Command(command)),
        help,
    )
}

/// The keys of a session: the participant's plain keys, the researcher's Ctrl keys.
pub static KEYS: LazyLock<Keymap<PlayAction>> = LazyLock::new(|| {
    Keymap::new(vec![
        participant(Key::Enter, "choose, answer or continue"),
        participant(Key::Up, "highlight the choice above (also k)"),
        participant(Key::Down, "highlight the choice below (also j)"),
        participant(Key::Left, "a scale's lower point; in text, left"),
        participant(Key::Right, "a scale's higher point; in text, right"),
        participant(Key::Esc, "go back a step, where the step allows it"),
        participant(Key::Backspace, "delete the character before the cursor"),
        participant(Key::Delete, "delete the character under the cursor"),
        participant(Key::Home, "to the start of the typed text"),
        participant(Key::End, "to the end of the typed text"),
        participant(
            Key::Tab,
            "researcher, in a note: complete a #tag from the codebook",
        ),
        bind(
            &[Press::plain(Key::PageUp)],
            PlayAction::Scroll(-10),
            "scroll a long screen up",
        ),
        bind(
            &[Press::plain(Key::PageDown)],
            PlayAction::Scroll(10),
            "scroll a long screen down",
        ),
        researcher(
            'n',
            Command::Note,
            "researcher: write a note (the clock runs on)",
        ),
        researcher(
            'p',
            Command::Pause,
            "researcher: pause or resume (the clock stops)",
        ),
        researcher(
            'g',
            Command::GiveUp,
            "researcher: the participant gave up the task",
        ),
        researcher(
            'c',
            Command::Quit,
            "researcher: end the session (asks first)",
        ),
        bind(
            &[Press::ctrl('z')],
            PlayAction::Suspend,
            "researcher: suspend to the shell (the clock stops; `fg` resumes)",
        ),
    ])
    .with_typing(
        |key| PlayAction::Player(Action::Key(key)),
        "a choice's number or key, or an answer's text",
    )
});

/// The researcher's line under every step.
pub fn researcher_hint() -> String {
    let command = |c| PlayAction::Player(Action::Command(c));
    let hint = KEYS.hint(&[
        (&[command(Command::Note)], "note"),
        (&[command(Command::Pause)], "pause"),
        (&[command(Command::GiveUp)], "gave up"),
        (&[command(Command::Quit)], "end"),
    ]);
    format!("Researcher: {hint}")
}

/// What the paused screen says to the researcher.
pub fn paused_hint() -> String {
    let command = |c| PlayAction::Player(Action::Command(c));
    KEYS.hint(&[
        (&[command(Command::Pause)], "to resume"),
        (&[command(Command::Quit)], "to end the session"),
    ])
}

/// What the paused screen says where the session cannot be ended from it (a preview).
pub fn resume_hint() -> String {
    KEYS.hint(&[(
        &[PlayAction::Player(Action::Command(Command::Pause))],
        "to resume",
    )])
}

/// The name of a participant's key, as hints under a step name it.
pub fn key_name(keys: &[Key]) -> String {
    keys.iter()
        .map(|k| KEYS.key_of(PlayAction::Player(Action::Key(*k))))
        .collect()
}

/// One participant's session.
pub struct PlaySession<'f, R> {
    pub player: Player<'f>,
    pub recorder: R,
    /// Lines the screen mockup is scrolled down by.
    pub scroll: u16,
    /// Where the session is saved, for the closing screen.
    pub saved_to: String,
    /// The last frame could not show the step; nobody can see what a key would do, so
    /// no key is taken until it fits again.
    pub too_small: bool,
    /// The recorder was last told the window is too small.
    told_too_small: bool,
    /// Crash tests make a session panic on purpose after this much time.
    pub panic_after: Option<Duration>,
    /// What ended the session at once (a signal, a closed terminal), if anything did.
    pub stopped: Option<Stop>,
    /// The researcher's Ctrl keys reach this session (not so in a participant's browser),
    /// so the screen names them.
    pub researcher_keys: bool,
}

impl<'f, R: Recorder> PlaySession<'f, R> {
    pub fn new(flow: &'f Flow, recorder: R, saved_to: String) -> Self {
        PlaySession {
            player: Player::new(flow),
            recorder,
            scroll: 0,
            saved_to,
            too_small: false,
            told_too_small: false,
            panic_after: None,
            stopped: None,
            researcher_keys: true,
        }
    }

    /// How the session ended (aborted while it is still running).
    pub fn outcome(&self) -> SessionOutcome {
        match self.player.mode() {
            Mode::Closing { outcome } => *outcome,
            _ => SessionOutcome::Aborted,
        }
    }

    /// Hands every new event to the recorder, each before the next. An event that
    /// cannot be recorded ends the session: what came before it is kept, and its end
    /// is recorded if there is still room for it.
    fn save(&mut self, at: Duration) -> Result<(), String> {
        for event in self.player.take_events() {
            if let Err(unrecorded) = self.recorder.record(&event) {
                self.player.abort(at, unrecorded.reason);
                for event in self.player.take_events() {
                    if self.recorder.record(&event).is_err() {
                        break;
                    }
                }
                return Err(unrecorded.message);
            }
        }
        Ok(())
    }

    fn panic_if_asked(&self, at: Duration) {
        if self.panic_after.is_some_and(|after| at >= after) {
            panic!("MVX_TEST_PANIC_AFTER_MS was set: panicking on purpose");
        }
    }

    /// Lines of the mockup on screen, the most it can scroll by.
    fn mockup_lines(&self) -> u16 {
        let lines = (self.player.current())
            .and_then(|s| s.screen.as_ref())
            .map_or(0, |screen| screen.text.lines().count());
        u16::try_from(lines).unwrap_or(u16::MAX)
    }

    /// A new screen starts at its top.
    fn changed_screen(&mut self) {
        if self.player.awaiting_shown() {
            self.scroll = 0;
        }
    }
}

impl<R: Recorder> Screen for PlaySession<'_, R> {
    type Action = PlayAction;

    fn keys(&self) -> &Keymap<PlayAction> {
        &KEYS
    }

    /// Events are saved once the next frame is out: the participant sees the next
    /// screen before the disk is touched, and the file is synced before the next key.
    fn update(&mut self, at: Duration, action: PlayAction) -> Result<bool, String> {
        self.update_via(at, action, Via::Key)
    }

    fn update_via(&mut self, at: Duration, action: PlayAction, via: Via) -> Result<bool, String> {
        match action {
            // Nothing a key does could be seen: every key waits, the researcher's too.
            _ if self.too_small => Ok(false),
            PlayAction::Player(action) => {
                self.player.handle_via(Input { at, action }, via);
                self.changed_screen();
                Ok(true)
            }
            PlayAction::Scroll(lines) => {
                let last = self.mockup_lines().saturating_sub(1);
                self.scroll = self.scroll.saturating_add_signed(lines).min(last);
                Ok(true)
            }
            // The loop suspends through the transport (`is_suspend`); never here.
            PlayAction::Suspend => Ok(false),
        }
    }

    fn is_suspend(&self, action: PlayAction) -> bool {
        action == PlayAction::Suspend
    }

    /// The pause is on disk before the process stops: it may never be continued.
    fn suspend(&mut self, at: Duration) -> Result<(), String> {
        self.player.suspend(at);
        self.save(at)
    }

    fn resume(&mut self, at: Duration) -> Result<(), String> {
        self.player.resume_suspended(at);
        self.save(at)
    }

    /// A page out of sight or focus stops the clock, as a suspend does.
    fn away(&mut self, at: Duration, why: &'static str) -> Result<bool, String> {
        self.player.suspend_for(at, why);
        self.save(at)?;
        Ok(false)
    }

    fn back(&mut self, at: Duration) -> Result<bool, String> {
        self.player.resume_suspended(at);
        self.save(at)?;
        Ok(true)
    }

    fn tick(&mut self, at: Duration) -> Result<bool, String> {
        self.panic_if_asked(at);
        self.player.handle(Input {
            at,
            action: Action::Tick,
        });
        self.changed_screen();
        let redraw = self.player.awaiting_shown();
        if !redraw {
            self.save(at)?;
        }
        Ok(redraw)
    }

    fn shown(&mut self, drawn: Drawn) -> Result<(), String> {
        self.too_small = drawn.cols < MIN_COLS || drawn.rows < MIN_ROWS;
        // A frame no one saw (0x0: no page connected) says nothing about a window.
        let seen = drawn.cols > 0 || drawn.rows > 0;
        if seen && self.too_small != self.told_too_small {
            self.told_too_small = self.too_small;
            let size = self.too_small.then_some((drawn.cols, drawn.rows));
            self.recorder.window(size);
        }
        // A step the terminal is too small to show has not been seen yet.
        if !self.too_small {
            self.player.shown(drawn.at);
        }
        self.save(drawn.at)?;
        self.panic_if_asked(drawn.at);
        Ok(())
    }

    fn disconnected(&mut self, at: Duration) -> Result<bool, String> {
        self.player.disconnect(at);
        self.save(at)?;
        Ok(false)
    }

    fn reconnected(&mut self, at: Duration) -> Result<bool, String> {
        self.player.reconnect(at);
        self.save(at)?;
        Ok(true)
    }

    fn stop(&mut self, at: Duration, why: Stop) -> Result<(), String> {
        self.stopped = Some(why);
        let reason = match why {
            Stop::Signal(name) => name,
            // A participant who never came back after their connection dropped.
            Stop::Closed if self.player.is_stopped() && !self.researcher_keys => "connection lost",
            Stop::Closed => "terminal closed",
        };
        self.player.abort(at, reason);
        self.save(at)
    }

    fn done(&self) -> bool {
        self.player.is_finished()
    }
}
