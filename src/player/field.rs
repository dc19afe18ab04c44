//! An editable line of text: what a participant types into an input step or a question.

use super::input::Key;

/// The most characters a field takes: an answer or a note is a few sentences, and every
/// key redraws the whole text, so an endless one would cost time on every key after it
/// (a served page can send keys as fast as the network carries them). Keys typed beyond
/// it are ignored.
pub const MAX_CHARS: usize = 2_000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextField {
    text: String,
    /// Cursor position in characters.
    cursor: usize,
}

impl TextField {
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Applies an editing key; returns false for keys that do not edit.
    pub fn edit(&mut self, key: Key) -> bool {
        let len = self.text.chars().count();
        match key {
            Key::Char(c) if !c.is_control() && len >= MAX_CHARS => {}
            Key::Char(c) if !c.is_control() => {
                let at = self.byte_at(self.cursor);
                self.text.insert(at, c);
                self.cursor += 1;
            }
            Key::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
            }
            Key::Delete if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
            }
            Key::Left => self.cursor = self.cursor.saturating_sub(1),
            Key::Right => self.cursor = (self.cursor + 1).min(len),
            Key::Home => self.cursor = 0,
            Key::End => self.cursor = len,
            Key::Backspace | Key::Delete => {}
            _ => return false,
        }
        true
    }

    /// The text made safe for a terminal, with `mark` where the cursor is.
    pub fn marked(&self, mark: char) -> String {
        let mut marked: String = self.text.chars().take(self.cursor).collect();
        marked.push(mark);
        marked.extend(self.text.chars().skip(self.cursor));
        crate::text::printable(&marked)
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(keys: &[Key]) -> TextField {
        let mut field = TextField::default();
        for key in keys {
            field.edit(*key);
        }
        field
    }

    #[test]
    fn edits_in_the_middle_of_unicode_text() {
        use Key::*;
        let field = typed(&[
            Char('c'),
            Char('f'),
            Char('é'),
            Left,
            Left,
            Char('a'),
            End,
            Char('☕'),
        ]);
        assert_eq!((field.text(), field.cursor()), ("café☕", 5));
        let field = typed(&[
            Char('a'),
            Char('b'),
            Home,
            Delete,
            End,
            Backspace,
            Backspace,
        ]);
        assert_eq!((field.text(), field.cursor()), ("", 0));
    }

    #[test]
    fn the_cursor_is_marked_where_it_stands_and_controls_are_escaped() {
        use Key::*;
        let field = typed(&[Char('a'), Char('日'), Left]);
        assert_eq!(field.marked('▏'), "a▏日");
        let field = typed(&[Char('\u{7}')]);
        assert_eq!(field.marked('|'), "|");
    }

    /// 100,000 characters once cost a served session minutes of CPU, redrawn on every key.
    #[test]
    fn a_field_takes_at_most_max_chars_and_ignores_the_rest() {
        let mut field = TextField::default();
        for _ in 0..100_000 {
            field.edit(Key::Char('é'));
        }
        assert_eq!(field.text().chars().count(), MAX_CHARS);
        assert_eq!(field.cursor(), MAX_CHARS);
        field.edit(Key::Home);
        field.edit(Key::Char('x'));
        assert!(
            !field.text().starts_with('x'),
            "full, wherever the cursor is"
        );
        field.edit(Key::Backspace);
        field.edit(Key::End);
        field.edit(Key::Backspace);
        field.edit(Key::Char('z'));
        assert!(
            field.text().ends_with('z'),
            "room again once a character is gone"
        );
    }

    #[test]
    fn non_editing_keys_are_left_to_the_caller() {
        assert!(!TextField::default().edit(Key::Enter));
        assert!(!TextField::default().edit(Key::Char('\u{1b}')));
    }
}
