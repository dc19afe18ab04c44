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
    /// The space a completed `#tag` ends with is the one a space typed next would be: that
    /// space is taken as typed already, so no note gets two.
    soft_space: bool,
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
        if std::mem::take(&mut self.soft_space) && key == Key::Char(' ') {
            return true;
        }
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

    /// Completes the `#tag` being typed before the cursor from `names` (a codebook's tags,
    /// in order): to the one name that fits and a space, or else to the part every
    /// fitting name shares. Returns the names that fit, for the screen to list; none when
    /// the cursor is not in a `#word`.
    pub fn complete_tag(&mut self, names: &[String]) -> Vec<String> {
        let before: Vec<char> = self.text.chars().take(self.cursor).collect();
        let start = before
            .iter()
            .rposition(|c| c.is_whitespace())
            .map_or(0, |i| i + 1);
        if before.get(start) != Some(&'#') {
            return Vec::new();
        }
        let typed: String = before[start + 1..].iter().collect();
        let fits: Vec<String> = names
            .iter()
            .filter(|name| name.starts_with(&typed))
            .cloned()
            .collect();
        let addition = match fits.as_slice() {
            [] => return fits,
            [only] => format!("{} ", &only[typed.len()..]),
            [first, rest @ ..] => {
                let shared = rest.iter().fold(first.len(), |shared, name| {
                    first
                        .bytes()
                        .zip(name.bytes())
                        .take(shared)
                        .take_while(|(a, b)| a == b)
                        .count()
                });
                first
                    .get(typed.len()..shared)
                    .unwrap_or_default()
                    .to_owned()
            }
        };
        for c in addition.chars() {
            self.edit(Key::Char(c));
        }
        self.soft_space = addition.ends_with(' ');
        fits
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
    fn tab_completes_a_tag_from_the_codebook() {
        use Key::*;
        let names: Vec<String> = ["slow", "slow-load", "lost", "cant-find-order-status"]
            .map(String::from)
            .to_vec();
        let mut field = typed(&[Char('h'), Char('m'), Char(' '), Char('#'), Char('c')]);
        assert_eq!(field.complete_tag(&names), ["cant-find-order-status"]);
        assert_eq!(field.text(), "hm #cant-find-order-status ");
        // A space typed next is the one the completion gave; the one after is a space.
        field.edit(Char(' '));
        field.edit(Char('x'));
        field.edit(Char(' '));
        field.edit(Char(' '));
        assert_eq!(field.text(), "hm #cant-find-order-status x  ");
        let mut field = typed(&[Char('#'), Char('s')]);
        assert_eq!(field.complete_tag(&names), ["slow", "slow-load"]);
        assert_eq!(field.text(), "#slow", "the part both share");
        assert_eq!(field.complete_tag(&names), ["slow", "slow-load"]);
        assert_eq!(
            field.text(),
            "#slow",
            "nothing more to add: the names are listed"
        );
        let mut field = typed(&[Char('#')]);
        assert_eq!(
            field.complete_tag(&names).len(),
            4,
            "every tag fits a bare #"
        );
        let mut field = typed(&[Char('#'), Char('x')]);
        assert!(field.complete_tag(&names).is_empty());
        let mut field = typed(&[Char('a'), Char('b')]);
        assert!(field.complete_tag(&names).is_empty(), "not in a #word");
        assert_eq!(field.text(), "ab");
    }

    #[test]
    fn non_editing_keys_are_left_to_the_caller() {
        assert!(!TextField::default().edit(Key::Enter));
        assert!(!TextField::default().edit(Key::Char('\u{1b}')));
    }
}
