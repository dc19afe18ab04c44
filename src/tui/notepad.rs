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
    /// Why the codebook found (or named) cannot be used: a note without tags is kept, one
    /// with tags is refused, as nothing could check them.
    unusable: Option<String>,
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

    /// A note whose tags come from a codebook that cannot be used, for `problem` (none: it
    /// can, or there is none). Says so at once.
    pub fn unusable(mut self, problem: Option<String>) -> Self {
        self.hint = problem.as_deref().map(unusable_hint);
        self.unusable = problem;
        self
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
        if let Some(problem) = &self.unusable {
            self.hint = Some(unusable_hint(problem));
            return;
        }
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
        if let Some(problem) = &self.unusable
            && !tags_in(&text).is_empty()
        {
            self.hint = Some(format!(
                "#tags cannot be checked: {}; drop them to keep the note",
                unusable_hint(problem)
            ));
            return Taken::Refused;
        }
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

/// Enter on the note being typed in `noting`: the note to keep, the field closed; `None`
/// when there is none to keep, the field closed when nothing was typed and left open
/// (its hint saying why) when a tag was refused.
pub fn take_note(noting: &mut Option<Notepad>) -> Option<Typed> {
    match noting.as_mut()?.take() {
        Taken::Refused => None,
        Taken::Empty => {
            *noting = None;
            None
        }
        Taken::Kept(typed) => {
            *noting = None;
            Some(typed)
        }
    }
}

/// The actions a screen's note field is driven by: each screen has its own `Action`.
pub struct NoteActions<A> {
    pub save: A,
    pub drop: A,
    pub complete: A,
    pub quit: A,
    pub edit: fn(Key) -> A,
}

/// The keys while a note is typed, the same on every screen that takes notes: Enter
/// keeps it beside the session, Esc drops it, Tab completes a `#tag`, Ctrl-C quits, and
/// the one text field's editing keys.
pub fn note_keys<A: Copy + PartialEq>(actions: NoteActions<A>) -> crate::keys::Keymap<A> {
    use crate::keys::{Keymap, Press, bind};
    Keymap::new(vec![
        bind(
            &[Press::plain(Key::Enter)],
            actions.save,
            "keep the note beside the session",
        ),
        bind(&[Press::plain(Key::Esc)], actions.drop, "drop the note"),
        bind(
            &[Press::plain(Key::Tab)],
            actions.complete,
            "complete a #tag from the codebook",
        ),
        bind(&[Press::ctrl('c')], actions.quit, "quit"),
    ])
    .with_text_field(actions.edit, "the note's text")
}

/// What a note's hint says of a codebook that cannot be used: its first error.
fn unusable_hint(problem: &str) -> String {
    let first = problem.lines().next().unwrap_or_default();
    format!("the codebook cannot be used ({first})")
}

impl Notepad {
    /// The one footer line of a screen taking a note, fitted to `columns`: `prefix` (where
    /// the note goes), the text with the cursor, then the hint when there is one, else
    /// `keys` (what the keys do). What gives way when it is too long: the keys first; then
    /// the start of the text (its end, the cursor, stays in view); a hint keeps its start
    /// (the tag it names, the first tags that fit) and at least two thirds of the line.
    pub fn footer(&self, prefix: &str, keys: &str, columns: usize) -> String {
        use crate::text::{display_width, truncate};
        let typed = format!("{prefix}{}", self.field.marked('▏'));
        let Some(hint) = &self.hint else {
            let full = format!("{typed} {keys}");
            return match display_width(&full) <= columns {
                true => full,
                false => tail(&typed, columns),
            };
        };
        let hint = format!(" — {}", crate::text::printable(hint));
        if display_width(&typed) + display_width(&hint) <= columns {
            return typed + &hint;
        }
        let room = columns.saturating_sub(display_width(&typed).min(columns / 3));
        let hint = truncate(&hint, room);
        let typed = tail(&typed, columns.saturating_sub(display_width(&hint)));
        typed + &hint
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
/// codebook that cannot be opened gives no names and the reason, for
/// [`Notepad::unusable`].
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

    /// A codebook that cannot be used refuses a note with tags (nothing could check
    /// them), keeps one without, and says why from the moment the note opens.
    #[test]
    fn an_unusable_codebook_refuses_tags_and_keeps_plain_notes() {
        let problem = "codebook.yaml:4:13: error: `colour: red` is not a colour\n  |".to_owned();
        let mut pad = Notepad::with_text(Vec::new(), "hovers #slow").unusable(Some(problem));
        assert_eq!(
            pad.hint.as_deref(),
            Some(
                "the codebook cannot be used (codebook.yaml:4:13: error: `colour: red` is not a colour)"
            )
        );
        assert_eq!(pad.take(), Taken::Refused);
        assert!(
            (pad.hint.as_deref()).is_some_and(|h| h.starts_with("#tags cannot be checked")),
            "{:?}",
            pad.hint
        );
        for _ in 0.."#slow".len() {
            pad.edit(Key::Backspace);
        }
        assert_eq!(
            pad.take(),
            Taken::Kept(Typed {
                text: "hovers".into(),
                tags: Vec::new()
            })
        );
    }

    /// At 80 columns a long note keeps its cursor in view, and a hint keeps its start
    /// (the tag it names); the keys give way first.
    #[test]
    fn the_footer_keeps_the_cursor_and_the_start_of_a_hint() {
        let keys = "(Enter keeps, Esc drops, # and Tab tag)";
        let pad = Notepad::with_text(names(), "hm");
        assert_eq!(
            pad.footer("Note at 0:03: ", keys, 80),
            format!("Note at 0:03: hm▏ {keys}")
        );
        let long = "the participant reads the whole page twice, then scrolls back up to the top";
        let pad = Notepad::with_text(names(), long);
        let line = pad.footer("Note at 0:03: ", keys, 80);
        assert!(
            line.ends_with("to the top▏") && line.starts_with('…'),
            "{line}"
        );
        assert_eq!(crate::text::display_width(&line), 80);
        let mut pad = Notepad::with_text(names(), &format!("{long} #slowx"));
        assert_eq!(pad.take(), Taken::Refused);
        let line = pad.footer("Note at 0:03: ", keys, 80);
        assert!(
            line.contains("#slowx▏ — #slowx is not in the codebook"),
            "{line}"
        );
        assert!(crate::text::display_width(&line) <= 80, "{line}");
    }

    /// Enter keeps a note and closes the field; nothing typed closes it with nothing
    /// kept; a refused tag keeps it open with what was typed.
    #[test]
    fn taking_a_note_closes_the_field_unless_a_tag_is_refused() {
        let mut noting = Some(Notepad::with_text(names(), "waits #slow"));
        let kept = take_note(&mut noting).map(|t| (t.text, t.tags));
        assert_eq!(kept, Some(("waits #slow".into(), vec!["slow".into()])));
        assert!(noting.is_none());
        let mut noting = Some(Notepad::with_text(names(), "  "));
        assert_eq!(take_note(&mut noting), None);
        assert!(noting.is_none());
        let mut noting = Some(Notepad::with_text(names(), "waits #slwo"));
        assert_eq!(take_note(&mut noting), None);
        assert_eq!(
            noting.map(|p| p.field.text().to_owned()).as_deref(),
            Some("waits #slwo")
        );
        assert_eq!(take_note(&mut None), None);
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
