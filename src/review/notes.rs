//! Notes taken in a review: the moment under the timeline's cursor, or a span from a
//! mark to it, tagged from the codebook and kept beside the session (docs/findings.md).
//! On a typed answer, the note is about the participant's own words (its `quote`).

use std::path::PathBuf;

use super::{Action, FIRST_ENTRY, Review, Screen, data::Recorded};
use crate::session::{self, AnswerValue, EventKind, ObserverNote, Session};
use crate::tui::notepad::{Notepad, codebook_names, take_note};
use crate::tui::timeline::{Entry, entries};

/// The moment a timeline line stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    pub at_ms: u64,
    /// The participant's typed words on that line, if it is a typed answer or input.
    pub quote: Option<String>,
    /// A note's whole words with who wrote them, if the line is a note: the timeline has
    /// room for its start only.
    pub words: Option<String>,
}

impl Review {
    /// The moment under the cursor of the timeline shown, if the cursor is on an event
    /// or a note.
    pub fn anchor(&self) -> Option<Anchor> {
        let Screen::Session(row) = self.screen else {
            return None;
        };
        let r = self.data.rows.get(row)?;
        let shown = self.shown_session(row);
        let session = shown.as_ref().as_ref().ok()?;
        let entry = *entries(&session.events, &r.observer_notes)
            .get(self.line.checked_sub(FIRST_ENTRY)?)?;
        Some(match entry {
            Entry::Event(event) => Anchor {
                at_ms: event.at_ms,
                words: match &event.kind {
                    EventKind::Note { text } => Some(format!(
                        "{}: {text}",
                        (session.header.researcher.as_deref())
                            .unwrap_or(crate::session::moments::RESEARCHER)
                    )),
                    _ => None,
                },
                quote: match &event.kind {
                    EventKind::Input { text, .. } => Some(text.clone()),
                    EventKind::Answer {
                        value: AnswerValue::Text(text),
                        free_text: true,
                        ..
                    } => Some(text.clone()),
                    _ => None,
                },
            },
            Entry::Note(note) => Anchor {
                at_ms: note.at_ms,
                quote: note.quote.clone(),
                words: Some(format!(
                    "{}: {}",
                    (note.author.as_deref()).unwrap_or(crate::session::moments::OBSERVER),
                    note.text
                )),
            },
        })
    }

    /// `m`: a span starts at the cursor's moment; `m` again on it takes the mark away.
    pub(super) fn toggle_mark(&mut self) {
        let Some(anchor) = self.anchor() else {
            return;
        };
        self.mark = match self.mark {
            Some(at) if at == anchor.at_ms => None,
            _ => Some(anchor.at_ms),
        };
        self.said = self.mark.map(|at| {
            format!(
                "span marked from {}; n on its last line notes it",
                crate::format::minutes_seconds(at)
            )
        });
    }

    /// `n`: a note at the cursor's moment starts, `#tags` completing from the codebook.
    pub(super) fn start_note(&mut self) {
        let Screen::Session(row) = self.screen else {
            return;
        };
        if self.anchor().is_none() {
            return;
        }
        let shown = self.shown_session(row);
        let (names, problem) = match shown.as_ref() {
            Ok(session) => {
                let study = (session.header.study.as_ref()).map(|s| PathBuf::from(&s.path));
                let flow = PathBuf::from(&session.header.flow.path);
                codebook_names(self.codebook.as_deref(), study.as_deref(), Some(&flow))
            }
            Err(_) => (Vec::new(), None),
        };
        self.noting = Some(Notepad::new(names).unusable(problem));
    }

    pub(super) fn edit_note(&mut self, action: Action) {
        let Some(pad) = self.noting.as_mut() else {
            return;
        };
        match action {
            Action::Edit(key) => pad.edit(key),
            Action::Complete => pad.complete(),
            Action::DropNote | Action::Back => self.noting = None,
            Action::Quit => self.quit = true,
            Action::SaveNote | Action::Enter => self.save_note(),
            _ => {}
        }
    }

    /// Keeps the typed note beside the session shown: at the cursor's moment, or over the
    /// span from the mark to it. A tag the codebook lacks keeps the note open.
    fn save_note(&mut self) {
        let (Screen::Session(row), Some(anchor)) = (self.screen, self.anchor()) else {
            self.noting = None;
            return;
        };
        let Some(typed) = take_note(&mut self.noting) else {
            return;
        };
        let (at_ms, end_ms) = session::moments::span(self.mark.take(), anchor.at_ms);
        let shown = self.shown_session(row);
        let Ok(session) = shown.as_ref() else {
            self.said = Some("the session cannot be read now: the note is not kept".into());
            return;
        };
        let note = ObserverNote {
            at_ms,
            text: typed.text,
            end_ms,
            author: self.coder.clone(),
            step: session::step_at(session, at_ms),
            tags: typed.tags,
            // A span is about the participant's words only when it starts on them.
            quote: anchor
                .quote
                .filter(|_| end_ms.is_none() || anchor.at_ms == at_ms),
        };
        self.said = Some(match self.keep(row, session, note) {
            Ok(()) => "note kept beside the session".into(),
            Err(why) => format!("the note is not kept: {why}"),
        });
    }

    fn keep(&mut self, row: usize, session: &Session, note: ObserverNote) -> Result<(), String> {
        let Some(r) = self.data.rows.get_mut(row) else {
            return Err("no such session".into());
        };
        let Recorded::File(path) = &r.recorded else {
            return Err("this session is not in a file".into());
        };
        session::append_note(path, &session.header.session, &note).map_err(|e| e.to_string())?;
        r.add_note(note);
        // The filter searches tags: what it let through may change.
        self.forget_filtered();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Key;
    use crate::review::data;

    const SESSION: &str = "schema: mvx-session/1
session: s-1
flow: { id: shop, title: Shop, variant: a, path: nowhere/shop.yaml, sha256: abc }
participant: P07
researcher: null
started_at: \"2026-11-26T14:02:11.000+00:00\"
terminal: { cols: 80, rows: 24, term: xterm, program: null, tmux: false, ssh: false }
mvx: \"0.1.0\"
events:
- {\"at_ms\":0,\"kind\":\"task_start\",\"task\":\"main\"}
- {\"at_ms\":5,\"kind\":\"show\",\"step\":\"home\"}
- {\"at_ms\":4000,\"kind\":\"choose\",\"step\":\"home\",\"choice\":\"Orders\",\"to\":\"orders\",\"hesitation_ms\":3000,\"decision_ms\":3995}
- {\"at_ms\":4010,\"kind\":\"show\",\"step\":\"orders\"}
- {\"at_ms\":9000,\"kind\":\"input\",\"step\":\"orders\",\"name\":\"why\",\"text\":\"where is my parcel\",\"to\":\"done\",\"hesitation_ms\":1000,\"decision_ms\":4990}
";

    fn review() -> (tempfile::TempDir, Review) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::write(dir.path().join("s.yaml"), SESSION).expect("written");
        std::fs::write(
            dir.path().join("codebook.yaml"),
            "codebook: c\ntitle: C\ntags:\n  - name: lost\n    description: Lost\n  - name: slow\n    description: Slow\n",
        )
        .expect("written");
        let loaded = data::load(&[dir.path().to_owned()]).expect("read");
        let mut review = Review::new(loaded);
        review.coder = Some("ana".into());
        review.codebook = Some(dir.path().join("codebook.yaml"));
        review.update(Action::Enter);
        (dir, review)
    }

    fn type_text(review: &mut Review, text: &str) {
        for c in text.chars() {
            review.update(Action::Edit(Key::Char(c)));
        }
    }

    #[test]
    fn a_span_from_a_mark_to_the_cursor_is_noted_with_its_tags_author_and_step() {
        let (dir, mut review) = review();
        // Lines: task_start, show home, choose, show orders, input.
        review.update(Action::Down);
        assert_eq!(review.anchor().map(|a| a.at_ms), Some(5));
        review.update(Action::Mark);
        review.update(Action::Down);
        review.update(Action::StartNote);
        type_text(&mut review, "rereads the menu #l");
        review.update(Action::Complete);
        review.update(Action::SaveNote);
        assert!(review.noting.is_none(), "{:?}", review.said);
        let notes = session::read_notes(&dir.path().join("s.yaml"));
        assert_eq!(
            notes,
            [ObserverNote {
                at_ms: 5,
                text: "rereads the menu #lost".into(),
                end_ms: Some(4000),
                author: Some("ana".into()),
                step: Some("home".into()),
                tags: vec!["lost".into()],
                quote: None,
            }]
        );
        assert_eq!(review.mark, None, "the mark is used up");
        // The cursor on the note: its whole words, by its author, under the timeline.
        for _ in 0..20 {
            review.update(Action::Up);
        }
        for _ in 0..20 {
            if review.anchor().is_some_and(|a| a.words.is_some()) {
                break;
            }
            review.update(Action::Down);
        }
        let words = review.anchor().and_then(|a| a.words);
        assert_eq!(words.as_deref(), Some("ana: rereads the menu #lost"));
        let drawn = crate::tui::frame::drawn(&review, 80, 24);
        assert!(drawn.contains("\nana: rereads the menu #lost"), "{drawn}");
        // Back in the list, the filter finds the session by the note's words too.
        review.update(Action::Back);
        review.update(Action::StartFilter);
        type_text(&mut review, "rereads the menu");
        assert_eq!(review.visible().len(), 1);
        review.update(Action::Back);
        review.update(Action::Back);
        review.update(Action::StartFilter);
        type_text(&mut review, "nobody wrote this");
        assert!(review.visible().is_empty());
    }

    #[test]
    fn a_typed_answer_is_tagged_with_the_participants_words_and_a_wrong_tag_is_refused() {
        let (dir, mut review) = review();
        for _ in 0..4 {
            review.update(Action::Down);
        }
        assert_eq!(
            review.anchor().and_then(|a| a.quote).as_deref(),
            Some("where is my parcel")
        );
        review.update(Action::StartNote);
        type_text(&mut review, "#slwo");
        review.update(Action::SaveNote);
        let hint = review.noting.as_ref().and_then(|p| p.hint.clone());
        assert_eq!(
            hint.as_deref(),
            Some("#slwo is not in the codebook; did you mean #slow?")
        );
        for _ in 0..2 {
            review.update(Action::Edit(Key::Backspace));
        }
        type_text(&mut review, "ow");
        review.update(Action::SaveNote);
        let notes = session::read_notes(&dir.path().join("s.yaml"));
        assert_eq!(notes.len(), 1, "{:?} {:?}", review.said, review.noting);
        assert_eq!(notes[0].quote.as_deref(), Some("where is my parcel"));
        assert_eq!(notes[0].step.as_deref(), Some("orders"));
        assert_eq!(notes[0].tags, ["slow"]);
    }

    #[test]
    fn the_sessions_filter_finds_a_tag_once_a_note_carries_it() {
        let (_dir, mut review) = review();
        review.update(Action::Down);
        review.update(Action::StartNote);
        type_text(&mut review, "#lost");
        review.update(Action::SaveNote);
        review.update(Action::Back);
        review.update(Action::StartFilter);
        type_text(&mut review, "#lost");
        assert_eq!(review.visible().len(), 1);
        for _ in 0..4 {
            review.update(Action::Edit(Key::Backspace));
        }
        type_text(&mut review, "slow");
        assert!(review.visible().is_empty(), "no session is tagged #slow");
    }
}
