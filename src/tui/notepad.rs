//! A note being typed on any screen that takes notes (observe, review, replay): the one
//! text field, Tab completing a `#tag` from the codebook, and the check that every tag
//! is the codebook's before the note is saved (docs/findings.md).

use crate::keys::Key;
use crate::player::field::TextField;
use crate::session::moments::{tags_in, unknown_tag};

/// A note being typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Notepad {
    pub field: TextField,
    /// The codebook's tags, in order; empty when no codebook was found.
    names: Vec<String>,
    /// Shown under the field: the tags that fit the `#word` being completed, or why the
    /// note cannot be saved yet.
    pub hint: Option<String>,
}

/// What Enter on a note gives.
#[derive(Debug, Clone, PartialEq)]
pub enum Taken {
    /// Nothing typed: nothing to keep.
    Empty,
    /// A tag the codebook lacks: the note stays open, its hint saying which.
    Refused,
    Kept(Typed),
}

/// A typed note, ready to be kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Typed {
    pub text: String,
    pub tags: Vec<String>,
}

impl Notepad {
    pub fn new(names: Vec<String>) -> Self {
        Notepad {
            names,
            ..Notepad::default()
        }
    }

    /// A note that starts with `text` already typed.
    pub fn with_text(names: Vec<String>, text: &str) -> Self {
        let mut pad = Notepad::new(names);
        for c in text.chars() {
            pad.field.edit(Key::Char(c));
        }
        pad
    }

    pub fn edit(&mut self, key: Key) {
        if self.field.edit(key) {
            self.hint = None;
        }
    }

    /// Tab: completes the `#tag` before the cursor, listing the tags that fit when
    /// several do.
    pub fn complete(&mut self) {
        let fits = self.field.complete_tag(&self.names);
        self.hint = match fits.len() {
            0 if self.names.is_empty() => Some("no codebook found: tags are kept as typed".into()),
            0 => Some("no tag of the codebook starts so (Tab after # lists them all)".into()),
            1 => None,
            _ => Some(
                fits.iter()
                    .map(|t| format!("#{t}"))
                    .collect::<Vec<_>>()
                    .join("  "),
            ),
        };
    }

    /// The note to keep: its trimmed text and tags; refused (kept open, the hint saying
    /// which tag the codebook lacks) or empty otherwise.
    pub fn take(&mut self) -> Taken {
        let text = self.field.text().trim().to_owned();
        if let Some(problem) = unknown_tag(&text, &self.names) {
            self.hint = Some(problem);
            return Taken::Refused;
        }
        if text.is_empty() {
            return Taken::Empty;
        }
        let tags = tags_in(&text);
        Taken::Kept(Typed { text, tags })
    }

    /// The line a screen shows: the text with the cursor, then the hint if any.
    pub fn line(&self, cursor: char) -> String {
        match &self.hint {
            Some(hint) => format!(
                "{} — {}",
                self.field.marked(cursor),
                crate::text::printable(hint)
            ),
            None => self.field.marked(cursor),
        }
    }
}

/// `line` fitted to `columns`: whole when it fits, else its end (where the cursor and the
/// hint are) after a `…`, so what is typed stays in view however long the note grows.
pub fn tail(line: &str, columns: usize) -> String {
    use crate::text::display_width;
    if display_width(line) <= columns {
        return line.to_owned();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut width = 1;
    for c in line.chars().rev() {
        let w = display_width(c.encode_utf8(&mut [0; 4]));
        if width + w > columns {
            break;
        }
        width += w;
        kept.push(c);
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}

/// The codebook's tag names for a session recorded from `flow_path` (and `study_path`,
/// when it was a study's), found by the rules of docs/findings.md, or `explicit`. A
/// codebook that cannot be opened gives no names (and the reason, for the screen).
pub fn codebook_names(
    explicit: Option<&std::path::Path>,
    study_path: Option<&std::path::Path>,
    flow_path: Option<&std::path::Path>,
) -> (Vec<String>, Option<String>) {
    match crate::codebook::find(explicit, study_path, flow_path) {
        None => (Vec::new(), None),
        Some(path) => match crate::codebook::open(&path) {
            Ok(codebook) => (codebook.names(), None),
            Err(problem) => (Vec::new(), Some(problem)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        ["slow", "slow-load", "lost"].map(String::from).to_vec()
    }

    #[test]
    fn a_tag_the_codebook_lacks_keeps_the_note_open_with_the_closest() {
        let mut pad = Notepad::with_text(names(), "hm #slwo");
        assert_eq!(pad.take(), Taken::Refused);
        assert_eq!(
            pad.hint.as_deref(),
            Some("#slwo is not in the codebook; did you mean #slow?")
        );
        assert_eq!(pad.field.text(), "hm #slwo", "the note is still there");
        let mut pad = Notepad::with_text(names(), " rereads #lost  ");
        assert_eq!(
            pad.take(),
            Taken::Kept(Typed {
                text: "rereads #lost".into(),
                tags: vec!["lost".into()]
            })
        );
        assert_eq!(Notepad::with_text(names(), "   ").take(), Taken::Empty);
        let mut free = Notepad::with_text(Vec::new(), "#anything");
        assert!(
            matches!(free.take(), Taken::Kept(_)),
            "no codebook: as typed"
        );
    }

    #[test]
    fn a_long_line_keeps_its_end_in_view() {
        assert_eq!(tail("Note: short", 20), "Note: short");
        assert_eq!(tail("Note: a long note being typed▏", 12), "…eing typed▏");
        assert_eq!(crate::text::display_width(&tail("日本語のメモ", 7)), 7);
    }

    #[test]
    fn tab_lists_the_tags_that_fit_and_typing_clears_the_list() {
        let mut pad = Notepad::with_text(names(), "#s");
        pad.complete();
        assert_eq!(pad.field.text(), "#slow");
        assert_eq!(pad.hint.as_deref(), Some("#slow  #slow-load"));
        assert_eq!(pad.line('|'), "#slow| — #slow  #slow-load");
        pad.edit(Key::Char('-'));
        pad.complete();
        assert_eq!(
            (pad.field.text(), pad.hint.as_deref()),
            ("#slow-load ", None)
        );
    }
}
