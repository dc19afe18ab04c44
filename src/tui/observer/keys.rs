//! The observer's keys: one table while watching, one while a note is typed.

use std::sync::LazyLock;

use super::Action;
use crate::keys::{Keymap, Press, bind};

pub static WATCHING: LazyLock<Keymap<Action>> = LazyLock::new(|| {
    Keymap::new(vec![
        bind(&[Press::char('n')], Action::StartNote, "type a note"),
        bind(&[Press::char('q'), Press::ctrl('c')], Action::Quit, "quit"),
    ])
});

pub static TYPING: LazyLock<Keymap<Action>> = LazyLock::new(|| {
    crate::tui::notepad::note_keys(crate::tui::notepad::NoteActions {
        save: Action::SaveNote,
        drop: Action::DropNote,
        complete: Action::Complete,
        quit: Action::Quit,
        edit: Action::Edit,
    })
});

/// The keys, for `mvx observe --help`.
pub fn help() -> String {
    WATCHING.help_with("While typing a note:", &TYPING)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Key;

    #[test]
    fn the_tables_are_sound_and_every_action_has_a_key() {
        for table in [&*WATCHING, &*TYPING] {
            assert!(table.problems().is_empty(), "{:?}", table.problems());
        }
        assert!(WATCHING.binds(Action::StartNote) && WATCHING.binds(Action::Quit));
        for action in [
            Action::SaveNote,
            Action::DropNote,
            Action::Complete,
            Action::Edit(Key::Home),
        ] {
            assert!(TYPING.binds(action), "{action:?} has no key");
        }
        assert_eq!(
            TYPING.action(Press::char('q')),
            Some(Action::Edit(Key::Char('q')))
        );
    }
}
