//! The browser's key events as keys: the one decoder of `KeyboardEvent.key` names, so
//! a participant in a browser uses the same key tables as one at the terminal.

use serde::Deserialize;

use crate::keys::{Key, Press};

/// A `keydown` as the page sends it: the key's name and the modifiers held.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BrowserKey {
    pub key: String,
    #[serde(default)]
    pub ctrl: bool,
    #[serde(default)]
    pub alt: bool,
    #[serde(default)]
    pub meta: bool,
    #[serde(default)]
    pub shift: bool,
}

/// The key pressed, or `None` for modifier keys, dead keys and any key held with Ctrl,
/// Alt or Meta: those are the browser's shortcuts, and the researcher's Ctrl keys belong
/// to the researcher, not to the participant's page.
pub fn press(event: &BrowserKey) -> Option<Press> {
    if event.ctrl || event.alt || event.meta {
        return None;
    }
    let key = match event.key.as_str() {
        "Enter" => Key::Enter,
        "ArrowUp" => Key::Up,
        "ArrowDown" => Key::Down,
        "ArrowLeft" => Key::Left,
        "ArrowRight" => Key::Right,
        "Escape" => Key::Esc,
        "Backspace" => Key::Backspace,
        "Delete" => Key::Delete,
        "Home" => Key::Home,
        "End" => Key::End,
        "PageUp" => Key::PageUp,
        "PageDown" => Key::PageDown,
        "Tab" if event.shift => Key::BackTab,
        "Tab" => Key::Tab,
        name => {
            let mut chars = name.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if !c.is_control() => Key::Char(c),
                _ => return None,
            }
        }
    };
    Some(Press::plain(key))
}

/// A key with no modifier held, as tests send one.
#[cfg(test)]
impl BrowserKey {
    pub fn plain(name: &str) -> BrowserKey {
        BrowserKey {
            key: name.into(),
            ctrl: false,
            alt: false,
            meta: false,
            shift: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> BrowserKey {
        BrowserKey::plain(name)
    }

    #[test]
    fn named_keys_and_characters_become_presses() {
        assert_eq!(press(&key("Enter")), Some(Press::plain(Key::Enter)));
        assert_eq!(press(&key("ArrowDown")), Some(Press::plain(Key::Down)));
        assert_eq!(press(&key("Escape")), Some(Press::plain(Key::Esc)));
        assert_eq!(press(&key("2")), Some(Press::char('2')));
        assert_eq!(press(&key("é")), Some(Press::char('é')));
        assert_eq!(press(&key(" ")), Some(Press::char(' ')));
        let shifted = BrowserKey {
            shift: true,
            ..key("Tab")
        };
        assert_eq!(press(&shifted), Some(Press::plain(Key::BackTab)));
    }

    #[test]
    fn modifiers_dead_keys_and_shortcuts_are_not_presses() {
        for name in ["Shift", "Control", "Dead", "Unidentified", "F5", "\u{7}"] {
            assert_eq!(press(&key(name)), None, "{name}");
        }
        let ctrl = BrowserKey {
            ctrl: true,
            ..key("c")
        };
        assert_eq!(press(&ctrl), None, "the researcher's keys stay with them");
    }
}
