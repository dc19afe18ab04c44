//! `mvx preview`: play a flow as `mvx play` shows it, without recording, reloading it
//! whenever the file is saved.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::sync::mpsc::{Sender, channel};
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::Widget;

use crate::diagnostic::Diagnostic;
use crate::flow::{self, Flow};
use crate::keys::{Binding, Key, Keymap, Press, bind};
use crate::player::field::TextField;
use crate::player::input::{Action as PlayerAction, Command};
use crate::runner::session::{self, Discard, PlayAction, PlaySession};
use crate::runner::{self, Drawn, Screen, Stop};
use crate::text::printable;
use crate::tui::events::Incoming;
use crate::tui::play_view::{Chrome, PlayView};
use crate::tui::screen;

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

/// What the preview does once its screen ends.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Next {
    Quit,
    Restart,
    /// The file changed; go on from this step if it still exists.
    Reload(Option<String>),
}

/// What the designer's keys do in a preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Restart,
    StartJump,
    Quit,
    /// A key of the session being previewed.
    Play(PlayAction),
    /// Typing a step id to jump to.
    JumpEdit(Key),
    JumpGo,
    JumpCancel,
}

/// The designer's Ctrl keys first, then a session's keys but those they take.
pub static PREVIEWING: LazyLock<Keymap<Action>> = LazyLock::new(|| {
    let mut bindings = vec![
        bind(
            &[Press::ctrl('j')],
            Action::StartJump,
            "jump to a step by its id",
        ),
        bind(
            &[Press::ctrl('r')],
            Action::Restart,
            "restart from the beginning",
        ),
        bind(
            &[Press::ctrl('c'), Press::ctrl('q')],
            Action::Quit,
            "quit the preview",
        ),
    ];
    let taken: Vec<Press> = bindings.iter().flat_map(|b| b.keys.clone()).collect();
    bindings.extend(
        session::KEYS
            .bindings
            .iter()
            .filter(|b| !b.keys.iter().any(|k| taken.contains(k)))
            // A note in a preview would be saved nowhere.
            .filter(|b| b.action != PlayAction::Player(PlayerAction::Command(Command::Note)))
            .map(|b| Binding {
                keys: b.keys.clone(),
                action: Action::Play(b.action),
                help: b.help,
            }),
    );
    Keymap::new(bindings).with_typing(
        |key| Action::Play(PlayAction::Player(PlayerAction::Key(key))),
        "as in mvx play: a choice's number or key, or typed text",
    )
});

pub static JUMPING: LazyLock<Keymap<Action>> = LazyLock::new(|| {
    Keymap::new(vec![
        bind(
            &[Press::plain(Key::Enter)],
            Action::JumpGo,
            "go to the step typed",
        ),
        bind(
            &[Press::plain(Key::Esc)],
            Action::JumpCancel,
            "cancel the jump",
        ),
        bind(
            &[Press::ctrl('c'), Press::ctrl('q')],
            Action::Quit,
            "quit the preview",
        ),
    ])
    .with_text_field(Action::JumpEdit, "the step's id")
});

/// Previews `path`, starting on `step` if given, until Ctrl-C.
pub fn run(path: &Path, step: Option<String>) -> Result<(), String> {
    let mut version = load(path)?;
    screen::run_with(|terminal| {
        terminal.capture_mouse()?;
        let _watcher = watch(path, terminal.sender())?;
        let (mut at_step, mut problem) = (step, None::<String>);
        loop {
            let mut preview = Preview::new(&version, problem.as_deref());
            if let Some(id) = at_step.take() {
                preview.session.player.jump(&id, Duration::ZERO);
            }
            runner::block_on(runner::run(&mut preview, terminal))?;
            match preview.next.unwrap_or(Next::Restart) {
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
    })
}

/// Changes to the file, seen through its folder (editors often save by renaming), sent
/// on as one `Changed` once a burst of writes has settled.
fn watch(path: &Path, to: Sender<Incoming>) -> Result<notify::RecommendedWatcher, String> {
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
    std::thread::spawn(move || {
        while receiver.recv().is_ok() {
            // Editors write in bursts; let the save finish before it is read.
            std::thread::sleep(Duration::from_millis(50));
            while receiver.try_recv().is_ok() {}
            if to.send(Incoming::Changed).is_err() {
                break;
            }
        }
    });
    let folder: PathBuf = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| ".".into(), Path::to_owned);
    watcher
        .watch(&folder, RecursiveMode::NonRecursive)
        .map_err(|e| format!("cannot watch {}: {e}", folder.display()))?;
    Ok(watcher)
}

struct Preview<'f> {
    session: PlaySession<'f, Discard>,
    findings: &'f [Diagnostic],
    problem: Option<&'f str>,
    /// A step id being typed after Ctrl-J.
    jumping: Option<TextField>,
    /// Said in the status line until the next key: a jump to a step that is not there.
    notice: Option<String>,
    next: Option<Next>,
}

impl<'f> Preview<'f> {
    fn new(version: &'f Version, problem: Option<&'f str>) -> Self {
        Preview {
            session: PlaySession::new(
                &version.flow,
                Discard,
                "(preview: nothing is recorded)".into(),
            ),
            findings: &version.findings,
            problem,
            jumping: None,
            notice: None,
            next: None,
        }
    }

    /// What `mvx check` says, or why the file does not load, in one line.
    fn status(&self) -> String {
        if let Some(notice) = &self.notice {
            return notice.clone();
        }
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

impl Screen for Preview<'_> {
    type Action = Action;

    fn keys(&self) -> &Keymap<Action> {
        match self.jumping {
            Some(_) => &JUMPING,
            None => &PREVIEWING,
        }
    }

    fn update(&mut self, at: Duration, action: Action) -> Result<bool, String> {
        self.notice = None;
        match (action, &mut self.jumping) {
            (Action::Quit, _) => self.next = Some(Next::Quit),
            (Action::Restart, _) => self.next = Some(Next::Restart),
            (Action::StartJump, _) => self.jumping = Some(TextField::default()),
            (Action::JumpEdit(key), Some(field)) => {
                field.edit(key);
            }
            (Action::JumpGo, Some(field)) => {
                let id = field.text().trim().to_owned();
                self.jumping = None;
                if !self.session.player.jump(&id, at) {
                    self.notice = Some(format!(
                        "No step `{}` in this flow; {} to try another id",
                        printable(&id),
                        PREVIEWING.key_of(Action::StartJump)
                    ));
                }
            }
            (Action::JumpCancel, _) => self.jumping = None,
            (Action::Play(action), _) => return self.session.update(at, action),
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn tick(&mut self, at: Duration) -> Result<bool, String> {
        self.session.tick(at)
    }

    fn shown(&mut self, drawn: Drawn) -> Result<(), String> {
        self.session.shown(drawn)
    }

    fn changed(&mut self) -> bool {
        let current = self.session.player.current_step().map(str::to_owned);
        self.next = Some(Next::Reload(current));
        true
    }

    fn stop(&mut self, _at: Duration, _why: Stop) -> Result<(), String> {
        self.next = Some(Next::Quit);
        Ok(())
    }

    fn done(&self) -> bool {
        self.next.is_some() || self.session.done()
    }
}

/// The participant's screen above the preview's own two lines.
fn preview_regions(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area)
}

impl Preview<'_> {
    fn view(&self) -> PlayView<'_> {
        PlayView {
            player: &self.session.player,
            scroll: self.session.scroll,
            chrome: Chrome::Preview,
        }
    }
}

/// A click picks on the previewed screen as it would for a participant (not while a
/// step id is being typed).
impl crate::tui::pointer::Pointable for Preview<'_> {
    fn targets(&self, area: Rect) -> Vec<crate::tui::pointer::Target> {
        match self.jumping {
            Some(_) => Vec::new(),
            None => self.view().targets(preview_regions(area)[0]),
        }
    }
}

impl Widget for &Preview<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [body, status, keys] = preview_regions(area);
        (&self.view()).render(body, buf);
        let status_line = Line::from(self.status());
        if self.problem.is_some() || self.findings.iter().any(Diagnostic::is_error) {
            status_line.bold().render(status, buf);
        } else {
            status_line.dim().render(status, buf);
        }
        let hint = match &self.jumping {
            Some(field) => format!(
                "Jump to step: {} ({} goes, {} cancels)",
                field.marked('▏'),
                JUMPING.key_of(Action::JumpGo),
                JUMPING.key_of(Action::JumpCancel),
            ),
            None => format!(
                "Preview · saves reload it · {}",
                PREVIEWING.hint(&[
                    (&[Action::StartJump], "jump to a step"),
                    (&[Action::Restart], "restart"),
                    (&[Action::Quit], "quit"),
                ])
            ),
        };
        Line::from(hint).italic().render(keys, buf);
    }
}

/// The keys, for `mvx preview --help`.
pub fn help() -> String {
    let heading = format!(
        "While typing a step id after {}:",
        PREVIEWING.key_of(Action::StartJump)
    );
    PREVIEWING.help_with(&heading, &JUMPING)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLOW: &str = "flow: f\ntitle: F\nsteps:\n  a:\n    choices:\n      - B -> b\n  b:\n    text: Done.\n    end: success\n";

    fn version() -> Version {
        let flow = flow::load(FLOW).expect("loads");
        Version {
            findings: flow::check::check(&flow),
            flow,
        }
    }

    #[test]
    fn the_tables_are_sound_and_ctrl_c_quits_the_preview() {
        for table in [&*PREVIEWING, &*JUMPING] {
            assert!(table.problems().is_empty(), "{:?}", table.problems());
        }
        assert_eq!(PREVIEWING.action(Press::ctrl('c')), Some(Action::Quit));
        for action in [Action::Restart, Action::StartJump, Action::Quit] {
            assert!(PREVIEWING.binds(action));
        }
        for action in [
            Action::JumpGo,
            Action::JumpCancel,
            Action::JumpEdit(Key::End),
        ] {
            assert!(JUMPING.binds(action));
        }
    }

    #[test]
    fn ctrl_j_jumps_to_the_step_typed_and_a_save_reloads_there() {
        let version = version();
        let mut preview = Preview::new(&version, None);
        let at = Duration::from_millis(5);
        let press = |preview: &mut Preview, press| {
            let action = preview.keys().action(press).expect("a bound key");
            preview.update(at, action).expect("updates");
        };
        press(&mut preview, Press::ctrl('j'));
        for c in " b".chars() {
            press(&mut preview, Press::char(c));
        }
        press(&mut preview, Press::plain(Key::Enter));
        assert_eq!(preview.session.player.current_step(), Some("b"));
        assert!(preview.jumping.is_none() && !preview.done());
        press(&mut preview, Press::ctrl('j'));
        press(&mut preview, Press::char('x'));
        press(&mut preview, Press::plain(Key::Enter));
        assert_eq!(
            preview.status(),
            "No step `x` in this flow; Ctrl-J to try another id"
        );
        assert_eq!(preview.session.player.current_step(), Some("b"));
        assert!(preview.changed());
        assert_eq!(preview.next, Some(Next::Reload(Some("b".into()))));
    }
}
