//! The one place where terminal keys become player inputs.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::player::input::{Action, Command, Key};
use crate::review::Action as ReviewAction;

/// What a key press means to an interactive screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mapped {
    Player(Action),
    /// Scroll a long screen by this many lines (negative: up).
    Scroll(i16),
    Ignored,
}

/// Researcher commands are Ctrl keys, which a participant never needs.
pub fn map(key: KeyEvent) -> Mapped {
    if key.kind == KeyEventKind::Release {
        return Mapped::Ignored;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        let command = match key.code {
            KeyCode::Char('n') => Command::Note,
            KeyCode::Char('p') => Command::Pause,
            KeyCode::Char('g') => Command::GiveUp,
            KeyCode::Char('c') => Command::Quit,
            _ => return Mapped::Ignored,
        };
        return Mapped::Player(Action::Command(command));
    }
    let key = match key.code {
        KeyCode::Char(c) if !c.is_control() => Key::Char(c),
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Delete => Key::Delete,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::PageUp => return Mapped::Scroll(-10),
        KeyCode::PageDown => return Mapped::Scroll(10),
        _ => return Mapped::Ignored,
    };
    Mapped::Player(Action::Key(key))
}

/// The designer's keys in `mvx preview`, read before the participant's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreviewCommand {
    Restart,
    Jump,
    Quit,
}

pub fn preview(key: KeyEvent) -> Option<PreviewCommand> {
    if key.kind == KeyEventKind::Release || !key.modifiers.contains(KeyModifiers::CONTROL) {
        return None;
    }
    match key.code {
        KeyCode::Char('r') => Some(PreviewCommand::Restart),
        KeyCode::Char('j') => Some(PreviewCommand::Jump),
        KeyCode::Char('c') | KeyCode::Char('q') => Some(PreviewCommand::Quit),
        _ => None,
    }
}

/// A key in `mvx review`; while a filter is being typed, letters are text.
pub fn review(key: KeyEvent, typing: bool) -> Option<ReviewAction> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return (key.code == KeyCode::Char('c')).then_some(ReviewAction::Quit);
    }
    if typing {
        return match key.code {
            KeyCode::Char(c) if !c.is_control() => Some(ReviewAction::FilterChar(c)),
            KeyCode::Backspace => Some(ReviewAction::FilterBackspace),
            KeyCode::Enter => Some(ReviewAction::Enter),
            KeyCode::Esc => Some(ReviewAction::Back),
            _ => None,
        };
    }
    Some(match key.code {
        KeyCode::Up | KeyCode::Char('k') => ReviewAction::Up,
        KeyCode::Down | KeyCode::Char('j') => ReviewAction::Down,
        KeyCode::PageUp => ReviewAction::PageUp,
        KeyCode::PageDown => ReviewAction::PageDown,
        KeyCode::Left | KeyCode::Char('h') => ReviewAction::Left,
        KeyCode::Right | KeyCode::Char('l') => ReviewAction::Right,
        KeyCode::Enter => ReviewAction::Enter,
        KeyCode::Esc => ReviewAction::Back,
        KeyCode::Tab => ReviewAction::NextView,
        KeyCode::BackTab => ReviewAction::PreviousView,
        KeyCode::Char('?') => ReviewAction::Help,
        KeyCode::Char('q') => ReviewAction::Quit,
        KeyCode::Char('s') => ReviewAction::Sort,
        KeyCode::Char('r') => ReviewAction::Reverse,
        KeyCode::Char('/') => ReviewAction::StartFilter,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> Mapped {
        map(KeyEvent::new(code, modifiers))
    }

    #[test]
    fn ctrl_keys_are_the_researchers_and_nothing_else_is() {
        let ctrl = KeyModifiers::CONTROL;
        assert_eq!(
            press(KeyCode::Char('n'), ctrl),
            Mapped::Player(Action::Command(Command::Note))
        );
        assert_eq!(
            press(KeyCode::Char('c'), ctrl),
            Mapped::Player(Action::Command(Command::Quit))
        );
        assert_eq!(press(KeyCode::Char('x'), ctrl), Mapped::Ignored);
        assert_eq!(
            press(KeyCode::Char('n'), KeyModifiers::NONE),
            Mapped::Player(Action::Key(Key::Char('n')))
        );
        assert_eq!(
            press(KeyCode::Char('N'), KeyModifiers::SHIFT),
            Mapped::Player(Action::Key(Key::Char('N')))
        );
    }

    #[test]
    fn releases_are_ignored() {
        let mut key = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        key.kind = KeyEventKind::Release;
        assert_eq!(map(key), Mapped::Ignored);
    }
}
