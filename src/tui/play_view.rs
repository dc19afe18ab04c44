//! What the participant sees: one frame of the player's state.

mod parts;
mod targets;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Text};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use crate::flow::{Answer, Step, StepKind};
use crate::keys::Key;
use crate::player::{Mode, Overlay, Player};
use crate::runner::session::{
    MIN_COLS, MIN_ROWS, PlaySession, key_name, paused_hint, researcher_hint, resume_hint,
};
use crate::session::{SessionOutcome, TaskOutcome};
use crate::text::printable;

pub struct PlayView<'a> {
    pub player: &'a Player<'a>,
    /// Lines a long screen mockup is scrolled down by.
    pub scroll: u16,
    pub chrome: Chrome<'a>,
}

/// What surrounds the participant's screen: it depends on who is looking and which
/// keys work there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chrome<'a> {
    /// A recorded session: the participant's hints, the researcher's keys, and where
    /// the session is saved on the closing screen.
    Session { saved_to: &'a str },
    /// A designer's preview: the participant's hints; nothing is recorded.
    Preview,
    /// A participant in a browser (`mvx serve`): the participant's hints; the
    /// researcher's keys and the server's paths are not theirs to see.
    Remote,
    /// A replay: the participant's screens alone; the keys are the replay's.
    Replay,
}

impl Widget for &PlayView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width < MIN_COLS || area.height < MIN_ROWS {
            too_small(area, self.chrome, buf);
            return;
        }
        if *self.player.overlay() == Overlay::Paused {
            self.paused(area, buf);
            return;
        }
        let [header, body, hint, help] = regions(area);
        self.header(header, buf);
        self.body(body, buf);
        if self.chrome != Chrome::Replay {
            Line::from(self.hint()).dim().render(hint, buf);
        }
        if let Chrome::Session { .. } = self.chrome {
            Line::from(researcher_hint())
                .dim()
                .italic()
                .right_aligned()
                .render(help, buf);
        }
        match self.player.overlay() {
            Overlay::Note { field, hint } => parts::note(field, hint.as_deref(), area, buf),
            Overlay::ConfirmQuit => parts::confirm_quit(area, buf),
            Overlay::None | Overlay::Paused => {}
        }
    }
}

/// A session draws as the participant's screen.
impl<R> Widget for &PlaySession<'_, R> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        (&view(self)).render(area, buf);
    }
}

/// The participant's screen of a session.
fn view<'a, R>(session: &'a PlaySession<'_, R>) -> PlayView<'a> {
    PlayView {
        player: &session.player,
        scroll: session.scroll,
        chrome: match session.researcher_keys {
            true => Chrome::Session {
                saved_to: &session.saved_to,
            },
            false => Chrome::Remote,
        },
    }
}

impl PlayView<'_> {
    fn header(&self, area: Rect, buf: &mut Buffer) {
        let flow = self.player.flow();
        Line::from(printable(&flow.title)).bold().render(area, buf);
        if let Some((_, number, count)) = self.player.task() {
            Line::from(format!("Task {number} of {count}"))
                .dim()
                .right_aligned()
                .render(area, buf);
        }
    }

    fn body(&self, area: Rect, buf: &mut Buffer) {
        match self.player.mode() {
            Mode::Brief => self.brief(area, buf),
            Mode::Step { step, .. } | Mode::StepDone { step, .. } => {
                if let Some(step) = self.player.step(*step) {
                    self.step(step, area, buf);
                }
            }
            Mode::Interlude { outcome } => interlude(*outcome, area, buf),
            Mode::Question {
                index,
                choice,
                field,
            } => {
                parts::question(self.player, *index, *choice, field, area, buf);
            }
            Mode::Closing { outcome } => self.closing(*outcome, area, buf),
        }
    }

    fn brief(&self, area: Rect, buf: &mut Buffer) {
        let Some((task, _, _)) = self.player.task() else {
            return;
        };
        let mut lines = vec![Line::from("Your task").bold(), Line::from("")];
        lines.extend(
            printable(&task.brief)
                .lines()
                .map(|l| Line::from(l.to_owned())),
        );
        lines.push(Line::from(""));
        lines.push(Line::from("Press Enter when you are ready to start.").dim());
        let text = Text::from(lines);
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .render(area.inner(ratatui::layout::Margin::new(1, 1)), buf);
    }

    /// The mockup in a box, the prompt under it, then whatever the step asks for. The
    /// mockup gives up rows first (and scrolls) when the terminal is short.
    fn step(&self, step: &Step, area: Rect, buf: &mut Buffer) {
        let [screen_area, prompt_area, action_area] = self.step_areas(step, area);
        if let Some(screen) = &self.player.screen(step) {
            parts::mockup(screen, self.scroll, screen_area, buf);
        }
        if let Some(prompt) = self.prompt(step) {
            prompt.bold().render(prompt_area, buf);
        }
        parts::action(self.player, step, action_area, buf);
    }

    fn prompt(&self, step: &Step) -> Option<Paragraph<'static>> {
        self.player
            .text(step)
            .map(|t| Paragraph::new(printable(&t)).wrap(Wrap { trim: false }))
    }

    /// Where a step's mockup, prompt and choices (or field) go in `area`.
    fn step_areas(&self, step: &Step, area: Rect) -> [Rect; 3] {
        let screen = self.player.screen(step);
        let prompt_height = self
            .prompt(step)
            .map_or(0, |p| p.line_count(area.width) as u16 + 1);
        let action_height = parts::action_height(self.player, step);
        let mockup_height = screen.as_ref().map_or(0, |s| s.lines().count() as u16 + 3);
        let room = area.height.saturating_sub(prompt_height + action_height);
        let [screen_area, prompt_area, action_area] = Layout::vertical([
            Constraint::Length(mockup_height.min(room)),
            Constraint::Length(prompt_height),
            Constraint::Length(action_height),
        ])
        .areas(area);
        let screen_area = Rect {
            height: screen_area.height.saturating_sub(1),
            ..screen_area
        };
        [screen_area, prompt_area, action_area]
    }

    fn hint(&self) -> String {
        let (enter, esc, arrows) = (
            key_name(&[Key::Enter]),
            key_name(&[Key::Esc]),
            key_name(&[Key::Up, Key::Down]),
        );
        let back = match self.player.can_go_back() {
            true => format!(" · {esc} to go back"),
            false => String::new(),
        };
        match self.player.mode() {
            Mode::Brief | Mode::StepDone { .. } | Mode::Interlude { .. } => {
                format!("{enter} to continue")
            }
            Mode::Step { step, .. } => match self.player.step(*step).map(|s| &s.kind) {
                Some(StepKind::Choices(_)) => {
                    format!("Number or {arrows} and {enter} to choose{back}")
                }
                Some(StepKind::Input { .. }) => format!("Type your answer, then {enter}{back}"),
                _ => format!("{enter} to continue{back}"),
            },
            Mode::Question { index, .. } => {
                match self.player.flow().questions.get(*index).map(|q| &q.answer) {
                    Some(Answer::Scale(_)) => format!(
                        "{} and {enter} to answer",
                        key_name(&[Key::Left, Key::Right])
                    ),
                    Some(Answer::Text) => format!("Type your answer, then {enter}"),
                    _ => format!("Number or {arrows} and {enter} to answer"),
                }
            }
            Mode::Closing { .. } if self.chrome == Chrome::Preview => {
                format!("{enter} or q to start again")
            }
            Mode::Closing { .. } => format!("{enter} or q to close"),
        }
    }

    fn closing(&self, outcome: SessionOutcome, area: Rect, buf: &mut Buffer) {
        let headline = match outcome {
            SessionOutcome::Complete => "Thank you for taking part!",
            SessionOutcome::Aborted => "The session was ended early.",
        };
        let saved = match self.chrome {
            Chrome::Session { saved_to } => format!("Session saved to {}", printable(saved_to)),
            Chrome::Preview => "A preview: nothing was recorded.".into(),
            Chrome::Remote => "Your answers are saved.".into(),
            Chrome::Replay => String::new(),
        };
        let mut lines = vec![Line::from(headline).bold(), Line::from("")];
        if let Some(farewell) = self
            .player
            .farewell()
            .filter(|_| outcome == SessionOutcome::Complete)
        {
            lines.push(Line::from(printable(farewell)));
            lines.push(Line::from(""));
        }
        lines.push(Line::from(saved).dim());
        let text = Text::from(lines);
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .render(area.inner(ratatui::layout::Margin::new(1, 1)), buf);
    }
}

/// A frame's header, body (inside its margin), hint line and researcher's line.
fn regions(area: Rect) -> [Rect; 4] {
    let [header, body, hint, help] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let body = body.inner(ratatui::layout::Margin::new(1, 0));
    [header, body, hint, help]
}

fn interlude(outcome: TaskOutcome, area: Rect, buf: &mut Buffer) {
    let message = match outcome {
        TaskOutcome::Timeout => "Time is up for this task.",
        _ => "This task has ended.",
    };
    Paragraph::new(Line::from(message).bold())
        .render(area.inner(ratatui::layout::Margin::new(1, 1)), buf);
}

impl PlayView<'_> {
    fn paused(&self, area: Rect, buf: &mut Buffer) {
        let hint = match self.chrome {
            Chrome::Session { .. } => paused_hint(),
            Chrome::Preview => resume_hint(),
            Chrome::Remote => "The researcher will go on in a moment.".into(),
            Chrome::Replay => "The researcher paused the session here.".into(),
        };
        paused(&hint, area, buf);
    }
}

fn paused(hint: &str, area: Rect, buf: &mut Buffer) {
    Clear.render(area, buf);
    let text = Text::from(vec![
        Line::from("Paused").bold(),
        Line::from(""),
        Line::from(hint.to_owned()).dim(),
    ])
    .centered();
    let middle = area.centered_vertically(Constraint::Length(3));
    Paragraph::new(text).render(middle, buf);
}

/// What a screen too small to show the session says: at the terminal, its size and the
/// size needed; in a browser, what the participant can do (the researcher is told too).
fn too_small(area: Rect, chrome: Chrome<'_>, buf: &mut Buffer) {
    Clear.render(area, buf);
    let text = match chrome {
        Chrome::Remote => format!(
            "This window is too small to show the next screen ({}x{} characters; it needs \
             {MIN_COLS}x{MIN_ROWS}). Make the window larger (on a phone: turn it sideways or \
             close the keyboard): the session goes on where it was.",
            area.width, area.height
        ),
        _ => format!(
            "This terminal is {}x{}; mvx needs at least {MIN_COLS}x{MIN_ROWS}. Please enlarge it.",
            area.width, area.height
        ),
    };
    Paragraph::new(text)
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

/// The style of the highlighted choice or option.
pub fn highlighted() -> Style {
    Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
}

/// A box for the participant to look at, titled when there is more than fits.
fn framed(title: &str) -> Block<'_> {
    Block::bordered().title(title)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Chrome, PlayView};
    use crate::player::Player;
    use crate::player::input::{Action, Input, Key};

    #[test]
    fn the_closing_screen_says_when_to_come_back_under_the_thanks() {
        let flow = crate::flow::load(
            "flow: tea\ntitle: Tea\nsteps:\n  pot:\n    choices: [Green -> cup]\n  cup:\n    end: success\n",
        )
        .expect("a flow");
        let mut player = Player::new(&flow);
        let come_back =
            "Please come back for session 2 of 3 from Mon 14 Dec 2026 09:00:00 (UTC+00:00).";
        player.set_farewell(Some(come_back.into()));
        // Choose, then Enter past the end, to the closing screen.
        player.shown(Duration::ZERO);
        for (at, key) in [(100, Key::Char('1')), (200, Key::Enter)] {
            let at = Duration::from_millis(at);
            player.handle(Input {
                at,
                action: Action::Key(key),
            });
            player.shown(at + Duration::from_millis(5));
        }
        let view = PlayView {
            player: &player,
            scroll: 0,
            chrome: Chrome::Remote,
        };
        let screen = crate::tui::frame::drawn(&view, 80, 24);
        let lines: Vec<&str> = screen.lines().map(str::trim).collect();
        let thanks = lines
            .iter()
            .position(|l| *l == "Thank you for taking part!");
        let invitation = lines
            .iter()
            .position(|l| l.starts_with("Please come back for session 2 of 3"));
        assert!(thanks.is_some() && invitation > thanks, "{screen}");
        // Without an invitation the screen is as it was.
        player.set_farewell(None);
        let view = PlayView {
            player: &player,
            scroll: 0,
            chrome: Chrome::Remote,
        };
        assert!(!crate::tui::frame::drawn(&view, 80, 24).contains("come back"));
    }
}
