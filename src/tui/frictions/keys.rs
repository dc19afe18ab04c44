//! The tagging screen's keys: one table while moving between items, one while tags are
//! typed.

use std::sync::LazyLock;

use super::Action;
use crate::keys::{Key, Keymap, Press, bind};

pub static BROWSING: LazyLock<Keymap<Action>> = LazyLock::new(|| {
    let plain = Press::plain;
    Keymap::new(vec![
        bind(
            &[Press::char('#')],
            Action::StartTag,
            "type a tag for this item (Tab completes it)",
        ),
        bind(
            &[plain(Key::Enter)],
            Action::EditTags,
            "edit this item's tags",
        ),
        bind(
            &[plain(Key::Left), plain(Key::PageUp)],
            Action::Previous,
            "the previous item",
        ),
        bind(
            &[plain(Key::Right), plain(Key::PageDown)],
            Action::Next,
            "the next item",
        ),
        bind(
            &[plain(Key::Up)],
            Action::ScrollUp,
            "scroll a long item's text up",
        ),
        bind(
            &[plain(Key::Down)],
            Action::ScrollDown,
            "scroll a long item's text down",
        ),
        bind(&[Press::char('?')], Action::Help, "these keys"),
        bind(&[Press::char('q'), Press::ctrl('c')], Action::Quit, "quit"),
    ])
});

pub static TYPING: LazyLock<Keymap<Action>> = LazyLock::new(|| {
    Keymap::new(vec![
        bind(
            &[Press::plain(Key::Enter)],
            Action::Save,
            "save the item's tags, then the next untagged item",
        ),
        bind(
            &[Press::plain(Key::Tab)],
            Action::Complete,
            "complete the #tag from the codebook",
        ),
        bind(
            &[Press::plain(Key::Esc)],
            Action::Drop,
            "drop what was typed",
        ),
        bind(&[Press::ctrl('c')], Action::Quit, "quit"),
    ])
    .with_text_field(Action::Edit, "the item's #tags")
});

/// The footer while moving between items.
pub fn footer() -> String {
    use Action::*;
    BROWSING.hint(&[
        (&[StartTag], "tag"),
        (&[EditTags], "edit tags"),
        (&[Previous, Next], "item"),
        (&[Help], "keys"),
        (&[Quit], "quit"),
    ])
}

/// The footer while typing tags.
pub fn typing_footer() -> String {
    use Action::*;
    TYPING.hint(&[
        (&[Complete], "complete"),
        (&[Save], "save"),
        (&[Drop], "drop"),
    ])
}

/// The keys, for `mvx frictions tag --help`.
pub fn help() -> String {
    BROWSING.help_with("While typing tags:", &TYPING)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_are_sound_and_every_action_has_a_key() {
        for table in [&*BROWSING, &*TYPING] {
            assert!(table.problems().is_empty(), "{:?}", table.problems());
        }
        use Action::*;
        for action in [StartTag, EditTags, Previous, Next, Help, Quit] {
            assert!(BROWSING.binds(action), "{action:?} has no key");
        }
        for action in [Save, Complete, Drop, Quit, Edit(Key::Home)] {
            assert!(TYPING.binds(action), "{action:?} has no key");
        }
        assert_eq!(TYPING.action(Press::char('q')), Some(Edit(Key::Char('q'))));
        assert_eq!(
            footer(),
            "# tag · Enter edit tags · ←→ item · ? keys · q quit"
        );
    }
}
