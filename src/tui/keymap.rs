//! The one place where the terminal's key events become keys: every screen's table
//! (`crate::keys`) takes it from there.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::keys::{Key, Press};

/// The key pressed, or `None` for a release or a key no screen uses.
pub fn press(event: KeyEvent) -> Option<Press> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let key = match event.code {
        KeyCode::Char(c) => Key::Char(c),
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
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        _ => return None,
    };
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    // A Ctrl key is named by its lower-case letter whatever Shift did.
    let key = match (ctrl, key) {
        (true, Key::Char(c)) => Key::Char(c.to_ascii_lowercase()),
        (_, key) => key,
    };
    Some(Press { key, ctrl })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(code: KeyCode, modifiers: KeyModifiers) -> Option<Press> {
        press(KeyEvent::new(code, modifiers))
    }

    #[test]
    fn ctrl_is_kept_apart_and_shift_only_changes_the_character() {
        let ctrl = KeyModifiers::CONTROL;
        assert_eq!(decode(KeyCode::Char('n'), ctrl), Some(Press::ctrl('n')));
        assert_eq!(decode(KeyCode::Char('N'), ctrl), Some(Press::ctrl('n')));
        assert_eq!(
            decode(KeyCode::Char('n'), KeyModifiers::NONE),
            Some(Press::char('n'))
        );
        assert_eq!(
            decode(KeyCode::Char('N'), KeyModifiers::SHIFT),
            Some(Press::char('N'))
        );
        assert_eq!(
            decode(KeyCode::BackTab, KeyModifiers::SHIFT),
            Some(Press::plain(Key::BackTab))
        );
        assert_eq!(decode(KeyCode::F(5), KeyModifiers::NONE), None);
    }

    #[test]
    fn releases_are_not_presses() {
        let mut event = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        event.kind = KeyEventKind::Release;
        assert_eq!(press(event), None);
    }
}
