//! The review's keys: one table while browsing, one while a filter is typed.

use std::sync::LazyLock;

use super::Action;
use crate::keys::{Key, Keymap, Press, bind};

pub static BROWSING: LazyLock<Keymap<Action>> = LazyLock::new(|| {
    let plain = Press::plain;
    Keymap::new(vec![
        bind(
            &[plain(Key::Tab)],
            Action::NextView,
            "switch between Sessions and Flow",
        ),
        bind(&[plain(Key::BackTab)], Action::PreviousView, "switch back"),
        bind(&[plain(Key::Up), Press::char('k')], Action::Up, "move up"),
        bind(
            &[plain(Key::Down), Press::char('j')],
            Action::Down,
            "move down",
        ),
        bind(&[plain(Key::PageUp)], Action::PageUp, "a page up"),
        bind(&[plain(Key::PageDown)], Action::PageDown, "a page down"),
        bind(
            &[plain(Key::Enter)],
            Action::Enter,
            "open the selected session's timeline",
        ),
        bind(
            &[plain(Key::Esc)],
            Action::Back,
            "back (in Sessions: clear the filter)",
        ),
        bind(
            &[Press::char('/')],
            Action::StartFilter,
            "filter sessions by any text",
        ),
        bind(
            &[Press::char('n')],
            Action::StartNote,
            "in a timeline: note the moment under the cursor, #tags and all",
        ),
        bind(
            &[Press::char('m')],
            Action::Mark,
            "in a timeline: mark where a span starts (n ends it)",
        ),
        bind(&[Press::char('s')], Action::Sort, "sort by the next column"),
        bind(&[Press::char('r')], Action::Reverse, "reverse the order"),
        bind(
            &[plain(Key::Left), Press::char('h')],
            Action::Left,
            "in Flow: the previous flow version",
        ),
        bind(
            &[plain(Key::Right), Press::char('l')],
            Action::Right,
            "in Flow: the next flow version",
        ),
        bind(&[Press::char('?')], Action::Help, "this help"),
        bind(&[Press::char('q'), Press::ctrl('c')], Action::Quit, "quit"),
    ])
});

pub static FILTERING: LazyLock<Keymap<Action>> = LazyLock::new(|| {
    Keymap::new(vec![
        bind(
            &[Press::plain(Key::Enter)],
            Action::Enter,
            "keep the filter",
        ),
        bind(&[Press::plain(Key::Esc)], Action::Back, "end typing"),
        bind(&[Press::ctrl('c')], Action::Quit, "quit"),
    ])
    .with_text_field(Action::Edit, "the filter's text")
});

pub static NOTING: LazyLock<Keymap<Action>> = LazyLock::new(|| {
    crate::tui::notepad::note_keys(crate::tui::notepad::NoteActions {
        save: Action::SaveNote,
        drop: Action::DropNote,
        complete: Action::Complete,
        quit: Action::Quit,
        edit: Action::Edit,
    })
});

/// The footer of each review screen, named from the tables.
pub fn footer(screen: super::Screen) -> String {
    use Action::*;
    let items: &[(&[Action], &str)] = match screen {
        super::Screen::Sessions => &[
            (&[Enter], "timeline"),
            (&[StartFilter], "filter"),
            (&[Sort], "sort"),
            (&[Reverse], "reverse"),
            (&[NextView], "flow"),
            (&[Help], "help"),
            (&[Quit], "quit"),
        ],
        super::Screen::Session(_) => &[
            (&[Up, Down], "move"),
            (&[StartNote], "note"),
            (&[Mark], "mark span"),
            (&[Back], "back"),
            (&[NextView], "flow"),
            (&[Help], "help"),
            (&[Quit], "quit"),
        ],
        super::Screen::Flow => &[
            (&[Left, Right], "flow version"),
            (&[Up, Down], "scroll"),
            (&[NextView], "sessions"),
            (&[Help], "help"),
            (&[Quit], "quit"),
        ],
    };
    BROWSING.hint(items)
}

/// The keys, for `mvx review --help`.
pub fn help() -> String {
    let note: Vec<String> = (NOTING.help_lines().into_iter())
        .map(|l| format!("  {l}"))
        .collect();
    format!(
        "{}\nWhile typing a note:\n{}",
        BROWSING.help_with("\nWhile typing a filter:", &FILTERING),
        note.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_are_sound_and_every_action_has_a_key() {
        for table in [&*BROWSING, &*FILTERING, &*NOTING] {
            assert!(table.problems().is_empty(), "{:?}", table.problems());
        }
        use Action::*;
        let all = [
            Up,
            Down,
            PageUp,
            PageDown,
            Left,
            Right,
            Enter,
            Back,
            NextView,
            PreviousView,
            Help,
            Quit,
            Sort,
            Reverse,
            StartFilter,
            StartNote,
            Mark,
        ];
        for action in all {
            assert!(BROWSING.binds(action), "{action:?} has no key");
        }
        assert!(FILTERING.binds(Edit(Key::Backspace)));
        for action in [SaveNote, DropNote, Complete, Edit(Key::Home)] {
            assert!(NOTING.binds(action), "{action:?} has no key while noting");
        }
        assert_eq!(
            FILTERING.action(Press::char('q')),
            Some(Edit(Key::Char('q')))
        );
    }

    #[test]
    fn footers_name_the_keys_of_the_table() {
        assert_eq!(
            footer(super::super::Screen::Flow),
            "←→ flow version · ↑↓ scroll · Tab sessions · ? help · q quit"
        );
    }
}
