//! `mvx play`: a participant plays a flow while every choice and hesitation is recorded.
#![allow(clippy::disallowed_methods)] // the shell: it stamps session start, keys and frames

pub mod view;

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use chrono::{Local, SecondsFormat, Utc};
use ratatui::crossterm::event::Event as TerminalEvent;

use crate::flow::{self, Flow};
use crate::player::Player;
use crate::player::input::{Action, Input};
use crate::session::{FlowRef, Header, SCHEMA, SessionOutcome, SessionWriter, TerminalInfo};
use crate::tui::events::{self, Incoming};
use crate::tui::keymap::{self, Mapped};
use crate::tui::terminal::FullScreen;
use view::PlayView;

/// How often time limits are checked when no key arrives. Drawing happens only on change.
const TICK: Duration = Duration::from_millis(100);

/// Crash tests set this to make a session panic after so many milliseconds, to prove
/// that a panic leaves a loadable session file and a working terminal.
const PANIC_AFTER_MS: &str = "MVX_TEST_PANIC_AFTER_MS";

#[derive(Debug, Clone)]
pub struct PlayOptions {
    pub flow: PathBuf,
    pub participant: Option<String>,
    pub researcher: Option<String>,
    pub sessions: PathBuf,
}

/// How a session ended, for the command's message and exit code.
#[derive(Debug)]
pub struct Played {
    pub path: PathBuf,
    pub outcome: SessionOutcome,
    /// The signal that ended the session, if one did.
    pub signal: Option<&'static str>,
}

/// Why a session could not start or go on.
#[derive(Debug)]
pub enum NotStarted {
    /// A message: bad arguments, an unreadable file, or a terminal or disk that failed
    /// (in which case the session file holds everything recorded until then).
    Usage(String),
    /// The flow has errors: already rendered, ready to print.
    Flow(String),
}

/// Loads and checks the flow, then plays it full-screen until the participant closes the
/// final screen, the researcher ends the session, or a signal arrives.
pub fn run(options: &PlayOptions) -> Result<Played, NotStarted> {
    let participant = match &options.participant {
        Some(id) => valid_id(id, "--participant")?,
        None => format!("P{}", random_suffix(4)),
    };
    let researcher = options
        .researcher
        .as_deref()
        .map(|r| valid_id(r, "--researcher"))
        .transpose()?;
    let (flow, sha256) = load_playable(&options.flow)?;
    // The terminal first: if it cannot be used, no session file is left behind.
    let mut screen = FullScreen::enter()
        .map_err(|e| NotStarted::Usage(format!("cannot open the terminal: {e}")))?;
    let incoming =
        events::start().map_err(|e| NotStarted::Usage(format!("cannot read the terminal: {e}")))?;
    let start = Instant::now();
    let header = header(&options.flow, &sha256, &flow, participant, researcher);
    // Leaving early drops `screen`, which restores the terminal before the error is shown.
    let mut writer =
        SessionWriter::create(&options.sessions, &header, Utc::now()).map_err(|e| {
            NotStarted::Usage(format!(
                "cannot create a session file in {}: {e}",
                options.sessions.display()
            ))
        })?;
    let panic_after = std::env::var(PANIC_AFTER_MS)
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_millis);
    let mut session = Session {
        player: Player::new(&flow),
        writer: &mut writer,
        start,
        scroll: 0,
        panic_after,
        too_small: false,
    };
    let result = session.run(&mut screen, &incoming);
    drop(screen);
    let path = writer.path().to_owned();
    result
        .map(|(outcome, signal)| Played {
            path,
            outcome,
            signal,
        })
        .map_err(NotStarted::Usage)
}

/// The flow and its sha256, if nothing found in it is an error; else every error, rendered.
fn load_playable(path: &Path) -> Result<(Flow, String), NotStarted> {
    let opened = flow::open(path).map_err(|e| NotStarted::Usage(e.to_string()))?;
    if !opened.has_errors()
        && let Some(flow) = opened.flow
    {
        return Ok((flow, opened.sha256));
    }
    Err(NotStarted::Flow(format!(
        "{}fix these first; `mvx check {}` lists them too",
        opened.rendered_errors().join("\n"),
        crate::text::printable(&opened.path)
    )))
}

fn header(
    path: &Path,
    sha256: &str,
    flow: &Flow,
    participant: String,
    researcher: Option<String>,
) -> Header {
    let started = Local::now();
    let (cols, rows) = ratatui::crossterm::terminal::size().unwrap_or((0, 0));
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    Header {
        schema: SCHEMA.into(),
        session: format!("{}-{}", started.format("%Y%m%d%H%M%S"), random_suffix(8)),
        flow: FlowRef {
            id: flow.id.clone(),
            title: flow.title.clone(),
            variant: flow.variant.clone(),
            path: path.display().to_string(),
            sha256: sha256.into(),
        },
        participant,
        researcher,
        started_at: started.to_rfc3339_opts(SecondsFormat::Millis, false),
        terminal: TerminalInfo {
            cols,
            rows,
            term: env("TERM"),
            program: env("TERM_PROGRAM"),
            tmux: env("TMUX").is_some(),
            ssh: env("SSH_CONNECTION").is_some() || env("SSH_TTY").is_some(),
        },
        mvx: env!("CARGO_PKG_VERSION").into(),
    }
}

/// Participant and researcher ids end up in file names and reports.
fn valid_id(id: &str, flag: &str) -> Result<String, NotStarted> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    match ok {
        true => Ok(id.to_owned()),
        false => Err(NotStarted::Usage(format!(
            "{flag} `{}` may use only letters, digits, `-` and `_` (1 to 64 of them)",
            crate::text::printable(id)
        ))),
    }
}

fn random_suffix(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    (0..len)
        .map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())]))
        .collect()
}

/// One running session: the player, its file and the clock it is measured on.
struct Session<'f, 'w> {
    player: Player<'f>,
    writer: &'w mut SessionWriter,
    start: Instant,
    scroll: u16,
    panic_after: Option<Duration>,
    /// The last frame said the terminal is too small; the participant cannot see the
    /// step, so their keys are not taken (the researcher's still are).
    too_small: bool,
}

impl Session<'_, '_> {
    fn run(
        &mut self,
        screen: &mut FullScreen,
        incoming: &Receiver<Incoming>,
    ) -> Result<(SessionOutcome, Option<&'static str>), String> {
        let mut dirty = true;
        loop {
            if dirty {
                self.draw(screen)?;
            }
            self.save()?;
            if self
                .panic_after
                .is_some_and(|after| self.start.elapsed() >= after)
            {
                panic!("{PANIC_AFTER_MS} was set: panicking on purpose");
            }
            if self.player.is_finished() {
                return Ok((self.outcome(), None));
            }
            match incoming.recv_timeout(TICK) {
                Ok(Incoming::Terminal { at, event }) => dirty = self.terminal_event(at, event),
                Ok(Incoming::Signal { at, name }) => {
                    self.player.abort(self.since_start(at), name);
                    self.save()?;
                    return Ok((SessionOutcome::Aborted, Some(name)));
                }
                Ok(Incoming::Closed) | Err(RecvTimeoutError::Disconnected) => {
                    self.player.abort(self.start.elapsed(), "terminal closed");
                    self.save()?;
                    return Ok((SessionOutcome::Aborted, None));
                }
                Err(RecvTimeoutError::Timeout) => {
                    self.player.handle(Input {
                        at: self.start.elapsed(),
                        action: Action::Tick,
                    });
                    dirty = self.player.awaiting_shown();
                }
            }
        }
    }

    /// Draws the frame, then stamps it as shown: `draw` returns once the frame is flushed.
    fn draw(&mut self, screen: &mut FullScreen) -> Result<(), String> {
        if self.player.awaiting_shown() {
            self.scroll = 0;
        }
        let saved_to = self.writer.path().display().to_string();
        let view = PlayView {
            player: &self.player,
            scroll: self.scroll,
            saved_to: &saved_to,
        };
        let mut too_small = false;
        screen
            .terminal
            .draw(|frame| {
                let area = frame.area();
                too_small = area.width < view::MIN_COLS || area.height < view::MIN_ROWS;
                frame.render_widget(&view, area);
            })
            .map_err(|e| format!("cannot draw: {e}"))?;
        self.too_small = too_small;
        // A step the terminal is too small to show has not been seen yet.
        if !too_small {
            self.player.shown(self.start.elapsed());
        }
        Ok(())
    }

    fn terminal_event(&mut self, at: Instant, event: TerminalEvent) -> bool {
        match event {
            TerminalEvent::Key(key) => match keymap::map(key) {
                Mapped::Player(Action::Key(_)) if self.too_small => false,
                Mapped::Player(action) => {
                    self.player.handle(Input {
                        at: self.since_start(at),
                        action,
                    });
                    true
                }
                Mapped::Scroll(lines) => {
                    self.scroll = self.scroll.saturating_add_signed(lines);
                    true
                }
                Mapped::Ignored => false,
            },
            TerminalEvent::Resize(..) => true,
            _ => false,
        }
    }

    /// Appends every new event to the file, each synced before the next.
    fn save(&mut self) -> Result<(), String> {
        for event in self.player.take_events() {
            self.writer
                .append(&event)
                .map_err(|e| format!("cannot write to {}: {e}", self.writer.path().display()))?;
        }
        Ok(())
    }

    fn since_start(&self, at: Instant) -> Duration {
        at.saturating_duration_since(self.start)
    }

    fn outcome(&self) -> SessionOutcome {
        match self.player.mode() {
            crate::player::Mode::Closing { outcome } => *outcome,
            _ => SessionOutcome::Aborted,
        }
    }
}
