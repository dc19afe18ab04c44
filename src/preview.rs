//! `mvx preview`: play a flow as `mvx play` shows it, without recording, reloading it
//! whenever the file is saved.
#![allow(clippy::disallowed_methods)] // the shell: stamps keys and frames like play does

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{Event as TerminalEvent, KeyCode};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::Widget;

use crate::diagnostic::Diagnostic;
use crate::flow::{self, Flow};
use crate::play::view::PlayView;
use crate::player::Player;
use crate::player::input::Input;
use crate::text::printable;
use crate::tui::events::{self, Incoming};
use crate::tui::keymap::{self, Mapped, PreviewCommand};
use crate::tui::terminal::FullScreen;

const TICK: Duration = Duration::from_millis(100);

/// The last version of the flow that loaded, with what `mvx check` says of it.
struct Version {
    flow: Flow,
    findings: Vec<Diagnostic>,
}

/// Loads the flow, or says where it first fails and how many problems there are.
fn load(path: &Path) -> Result<Version, String> {
    let opened = flow::open(path).map_err(|e| e.to_string())?;
    let Some(flow) = opened.flow else {
        let more = match opened.diagnostics.len() {
            0 | 1 => String::new(),
            n => format!(" (1 of {n}; `mvx check` lists them all)"),
        };
        let first = opened.diagnostics.first();
        return Err(first.map_or_else(
            || "the flow does not load".into(),
            |d| format!("{}:{}: {}{more}", d.at.line, d.at.col, d.message),
        ));
    };
    Ok(Version {
        flow,
        findings: opened.diagnostics,
    })
}

enum Next {
    Quit,
    Restart,
    /// The file changed; go on from this step if it still exists.
    Reload(Option<String>),
}

/// Previews `path`, starting on `step` if given, until Ctrl-C.
pub fn run(path: &Path, step: Option<String>) -> Result<(), String> {
    let mut version = load(path)?;
    let changes = watch(path)?;
    let incoming = events::start().map_err(|e| format!("cannot read the terminal: {e}"))?;
    let mut screen = FullScreen::enter().map_err(|e| format!("cannot open the terminal: {e}"))?;
    let start = Instant::now();
    let (mut at_step, mut problem) = (step, None::<String>);
    loop {
        let mut preview = Preview {
            player: Player::new(&version.flow),
            findings: &version.findings,
            problem: problem.as_deref(),
            jumping: None,
            start,
        };
        if let Some(id) = at_step.take() {
            preview.player.jump(&id, start.elapsed());
        }
        match preview.run(&mut screen, &incoming, &changes)? {
            Next::Quit => return Ok(()),
            Next::Restart => {}
            Next::Reload(current) => {
                at_step = current;
                match load(path) {
                    Ok(loaded) => (version, problem) = (loaded, None),
                    Err(e) => problem = Some(e),
                }
            }
        }
    }
}

/// Changes to the file, seen through its folder: editors often save by renaming.
fn watch(path: &Path) -> Result<(notify::RecommendedWatcher, Receiver<()>), String> {
    let (sender, receiver) = channel();
    let name = path.file_name().map(|n| n.to_owned());
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // Reading the file to reload it is an access too; only writes and renames count.
        let ours = event.is_ok_and(|e| {
            !matches!(e.kind, notify::EventKind::Access(_))
                && e.paths.iter().any(|p| p.file_name() == name.as_deref())
        });
        if ours {
            let _ = sender.send(());
        }
    })
    .map_err(|e| format!("cannot watch {}: {e}", path.display()))?;
    let folder: PathBuf = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| ".".into(), Path::to_owned);
    watcher
        .watch(&folder, RecursiveMode::NonRecursive)
        .map_err(|e| format!("cannot watch {}: {e}", folder.display()))?;
    Ok((watcher, receiver))
}

struct Preview<'f> {
    player: Player<'f>,
    findings: &'f [Diagnostic],
    problem: Option<&'f str>,
    /// A step id being typed after Ctrl-J.
    jumping: Option<String>,
    start: Instant,
}

impl Preview<'_> {
    fn run(
        &mut self,
        screen: &mut FullScreen,
        incoming: &Receiver<Incoming>,
        changes: &(notify::RecommendedWatcher, Receiver<()>),
    ) -> Result<Next, String> {
        loop {
            screen
                .terminal
                .draw(|f| f.render_widget(&*self, f.area()))
                .map_err(|e| e.to_string())?;
            self.player.shown(self.start.elapsed());
            self.player.take_events();
            if self.player.is_finished() {
                return Ok(Next::Restart);
            }
            if changes.1.try_recv().is_ok() {
                // Editors write in bursts; let the save finish before reading it.
                std::thread::sleep(Duration::from_millis(50));
                while changes.1.try_recv().is_ok() {}
                return Ok(Next::Reload(self.player.current_step().map(str::to_owned)));
            }
            match incoming.recv_timeout(TICK) {
                Ok(Incoming::Terminal {
                    at,
                    event: TerminalEvent::Key(key),
                }) => {
                    if let Some(next) = self.key(key, at) {
                        return Ok(next);
                    }
                }
                Ok(Incoming::Signal { .. } | Incoming::Closed)
                | Err(RecvTimeoutError::Disconnected) => return Ok(Next::Quit),
                Ok(Incoming::Terminal { .. }) | Err(RecvTimeoutError::Timeout) => {}
            }
        }
    }

    fn key(&mut self, key: ratatui::crossterm::event::KeyEvent, at: Instant) -> Option<Next> {
        let at = at.saturating_duration_since(self.start);
        let command = keymap::preview(key);
        if command == Some(PreviewCommand::Quit) {
            return Some(Next::Quit);
        }
        if let Some(typed) = self.jumping.as_mut().filter(|_| command.is_none()) {
            match key.code {
                KeyCode::Enter => {
                    let id = self.jumping.take().unwrap_or_default();
                    self.player.jump(id.trim(), at);
                }
                KeyCode::Esc => self.jumping = None,
                KeyCode::Backspace => {
                    typed.pop();
                }
                KeyCode::Char(c) if !c.is_control() => typed.push(c),
                _ => {}
            }
            return None;
        }
        match command {
            Some(PreviewCommand::Quit) => return Some(Next::Quit),
            Some(PreviewCommand::Restart) => return Some(Next::Restart),
            Some(PreviewCommand::Jump) => self.jumping = Some(String::new()),
            None => {
                if let Mapped::Player(action) = keymap::map(key) {
                    self.player.handle(Input { at, action });
                }
            }
        }
        None
    }

    /// What `mvx check` says, or why the file does not load, in one line.
    fn status(&self) -> String {
        if let Some(problem) = self.problem {
            return format!(
                "Not loaded: {} (showing the last version that loaded)",
                printable(problem)
            );
        }
        let errors = self.findings.iter().filter(|d| d.is_error()).count();
        match self.findings.first() {
            None => "mvx check: no findings".into(),
            Some(d) => format!(
                "mvx check: {errors} error(s), {} warning(s) · {}:{}: {}",
                self.findings.len() - errors,
                d.at.line,
                d.at.col,
                printable(&d.message)
            ),
        }
    }
}

impl Widget for &Preview<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [body, status, keys] = Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        (&PlayView {
            player: &self.player,
            scroll: 0,
            saved_to: "(preview: nothing is recorded)",
        })
            .render(body, buf);
        let status_line = Line::from(self.status());
        if self.problem.is_some() || self.findings.iter().any(Diagnostic::is_error) {
            status_line.bold().render(status, buf);
        } else {
            status_line.dim().render(status, buf);
        }
        let hint = match &self.jumping {
            Some(typed) => format!(
                "Jump to step: {}▏ (Enter goes, Esc cancels)",
                printable(typed)
            ),
            None => {
                "Preview · saves reload it · Ctrl-J jump to a step · Ctrl-R restart · Ctrl-C quit"
                    .into()
            }
        };
        Line::from(hint).italic().render(keys, buf);
    }
}
