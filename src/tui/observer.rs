//! The observer's screen: a live session followed from its file, the participant's screen
//! beside the timeline, notes taken beside it. `mvx observe` runs it on the terminal, and
//! `mvx serve` and `mvx ssh` run it on the server for remote observers.

pub mod keys;
mod view;

pub use keys::help;

use std::io;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, FixedOffset};

use crate::flow::Flow;
use crate::keys::{Key, Keymap};
use crate::runner;
use crate::session::{
    self, ConsentAnswer, Event as SessionEvent, EventKind, Header, ObserverNote, SessionEnding,
};
use crate::study::arrange;
use crate::tui::notepad::{Notepad, codebook_names, take_note};

/// How often the file is read again: new events show within this (well inside 200 ms).
pub const POLL: Duration = Duration::from_millis(100);

/// What the observer's keys do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    StartNote,
    /// Typing or editing the note.
    Edit(Key),
    /// Tab: completes the `#tag` being typed from the codebook.
    Complete,
    SaveNote,
    DropNote,
    Quit,
}

/// What the observer knows of the session so far.
pub struct Observer {
    pub path: PathBuf,
    pub header: Option<Header>,
    pub events: Vec<SessionEvent>,
    pub notes: Vec<ObserverNote>,
    /// A note being typed.
    pub typing: Option<Notepad>,
    /// The session time at which the note being typed was begun (`n`): the moment it is
    /// about, however long it takes to type while the participant goes on.
    pub noticed_ms: Option<u64>,
    /// Who the notes are by (`--coder NAME`), if named.
    pub author: Option<String>,
    /// The codebook given (`--codebook`), else the one found beside the session's study
    /// or flow once its header is read.
    pub codebook: Option<PathBuf>,
    /// The codebook's tags, a `#` in a note completes against; none without a codebook.
    pub tags: Vec<String>,
    /// Why the codebook found or named cannot be used (a note with tags is then refused).
    pub codebook_problem: Option<String>,
    pub problem: Option<String>,
    /// The wall-clock time at which the observer started, and how long ago that was:
    /// together, the time now (the shell's clock arrives as data).
    pub opened: DateTime<FixedOffset>,
    pub since_opened: Duration,
    pub quit: bool,
    /// The flow the session plays, opened once its header is read (or why it could
    /// not be): the participant's screen is drawn from it and the events so far.
    pub flow: Option<Result<Flow, String>>,
}

impl Observer {
    pub fn new(path: PathBuf, opened: DateTime<FixedOffset>) -> Self {
        let notes = session::read_notes(&path);
        Observer {
            path,
            header: None,
            events: Vec::new(),
            notes,
            typing: None,
            noticed_ms: None,
            author: None,
            codebook: None,
            tags: Vec::new(),
            codebook_problem: None,
            problem: None,
            opened,
            since_opened: Duration::ZERO,
            quit: false,
            flow: None,
        }
    }

    /// The wall-clock time now.
    pub fn now(&self) -> DateTime<FixedOffset> {
        let since = chrono::TimeDelta::from_std(self.since_opened).unwrap_or_default();
        self.opened + since
    }

    pub fn update(&mut self, action: Action) {
        match (action, &mut self.typing) {
            (Action::Quit, _) => self.quit = true,
            (Action::StartNote, None) => {
                let pad = Notepad::new(self.tags.clone()).unusable(self.codebook_problem.clone());
                self.typing = Some(pad);
                self.noticed_ms = self.session_ms(self.now());
            }
            (Action::Edit(key), Some(pad)) => pad.edit(key),
            (Action::Complete, Some(pad)) => pad.complete(),
            (Action::SaveNote, Some(_)) => {
                let at = (self.noticed_ms)
                    .or_else(|| self.session_ms(self.now()))
                    .unwrap_or(0);
                if let Err(e) = self.save_note(at) {
                    self.problem = Some(format!("cannot save the note: {e}"));
                }
                if self.typing.is_none() {
                    self.noticed_ms = None;
                }
            }
            (Action::DropNote, _) => (self.typing, self.noticed_ms) = (None, None),
            _ => {}
        }
    }

    /// Reads the file again; a partly written last line waits for the next read.
    pub fn refresh(&mut self) {
        match session::read(&self.path) {
            Ok(recorded) => {
                if self.flow.is_none() {
                    let opened = arrange::recorded_flow(&recorded.header);
                    self.flow = Some(opened.map(|(flow, _)| flow));
                    let study = recorded
                        .header
                        .study
                        .as_ref()
                        .map(|s| PathBuf::from(&s.path));
                    let flow = PathBuf::from(&recorded.header.flow.path);
                    let (tags, problem) = codebook_names(
                        self.codebook.as_deref(),
                        study.as_deref(),
                        Some(flow.as_path()),
                    );
                    self.tags = tags;
                    self.codebook_problem = problem;
                }
                self.header = Some(recorded.header);
                self.events = recorded.events;
                self.problem = None;
            }
            Err(e) => self.problem = Some(e.to_string()),
        }
    }

    /// The step the participant is on and when it was shown (ms from the start).
    pub fn current_step(&self) -> Option<(&str, u64)> {
        if self.ended() {
            return None;
        }
        self.events.iter().rev().find_map(|e| match &e.kind {
            EventKind::Show { step } => Some((step.as_str(), e.at_ms)),
            EventKind::Ask { question } => Some((question.as_str(), e.at_ms)),
            _ => None,
        })
    }

    pub fn ended(&self) -> bool {
        self.ending().is_some()
    }

    /// How the session ended, if it has: its recorded end, or the consent declined
    /// (after which nothing more is recorded).
    pub fn ending(&self) -> Option<SessionEnding> {
        self.events.iter().find_map(|e| match &e.kind {
            EventKind::SessionEnd { outcome } => Some(SessionEnding::Ended(*outcome)),
            EventKind::Consent {
                answer: ConsentAnswer::Declined,
                ..
            } => Some(SessionEnding::Declined),
            _ => None,
        })
    }

    /// When the participant's connection dropped (ms from the start), while they are
    /// away and the session goes on.
    pub fn lost_at(&self) -> Option<u64> {
        if self.ended() {
            return None;
        }
        let last = (self.events.iter().rev())
            .find(|e| matches!(e.kind, EventKind::Disconnect | EventKind::Resume { .. }))?;
        matches!(last.kind, EventKind::Disconnect).then_some(last.at_ms)
    }

    /// Whether the participant has been shown a screen of the flow yet (not before the
    /// consent is answered).
    pub fn on_the_flow(&self) -> bool {
        (self.events.iter())
            .any(|e| matches!(e.kind, EventKind::Show { .. } | EventKind::Ask { .. }))
    }

    /// Milliseconds from the session's start to `now`, by the wall clock.
    pub fn session_ms(&self, now: DateTime<FixedOffset>) -> Option<u64> {
        let started = DateTime::parse_from_rfc3339(&self.header.as_ref()?.started_at).ok()?;
        u64::try_from((now - started).num_milliseconds()).ok()
    }

    /// Saves the typed note beside the session, stamped with the session time `at_ms`,
    /// with its author, the step on screen and its tags. A tag the codebook lacks keeps
    /// the note open, saying so.
    pub fn save_note(&mut self, at_ms: u64) -> io::Result<()> {
        let Some(typed) = take_note(&mut self.typing) else {
            return Ok(());
        };
        let step = session::moments::step_among(&self.events, at_ms);
        let id = self.header.as_ref().map_or("", |h| h.session.as_str());
        let note = ObserverNote {
            at_ms,
            text: typed.text,
            author: self.author.clone(),
            step,
            tags: typed.tags,
            ..ObserverNote::default()
        };
        session::append_note(&self.path, id, &note)?;
        self.notes.push(note);
        Ok(())
    }
}

impl runner::Screen for Observer {
    type Action = Action;

    fn keys(&self) -> &Keymap<Action> {
        match self.typing {
            Some(_) => &keys::TYPING,
            None => &keys::WATCHING,
        }
    }

    fn update(&mut self, at: Duration, action: Action) -> Result<bool, String> {
        self.since_opened = at;
        Observer::update(self, action);
        Ok(true)
    }

    /// Reads the file again on every tick: new events show within one.
    fn tick(&mut self, at: Duration) -> Result<bool, String> {
        self.since_opened = at;
        self.refresh();
        Ok(true)
    }

    fn wait(&self) -> Duration {
        POLL
    }

    fn done(&self) -> bool {
        self.quit
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::runner::Screen;

    /// A session on its first step, for the observers' tests (here and the servers').
    pub(crate) const SESSION: &str = "schema: mvx-session/1
session: s-1
flow: { id: shop, title: Shop, variant: null, path: flows/shop.yaml, sha256: abc }
participant: P07
researcher: null
started_at: \"2026-11-26T14:02:11.000+00:00\"
terminal: { cols: 80, rows: 24, term: xterm, program: null, tmux: false, ssh: false }
mvx: \"0.1.0\"
events:
- {\"at_ms\":5,\"kind\":\"show\",\"step\":\"home\"}
";

    fn observer() -> (tempfile::TempDir, Observer) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("s.yaml");
        std::fs::write(&path, SESSION).expect("the session is written");
        let opened =
            DateTime::parse_from_rfc3339("2026-11-26T14:02:41.000+00:00").expect("a valid time");
        let mut observer = Observer::new(path, opened);
        observer.refresh();
        (dir, observer)
    }

    fn press(observer: &mut Observer, at_ms: u64, press: crate::keys::Press) {
        let action = observer.keys().action(press).expect("a bound key");
        Screen::update(observer, Duration::from_millis(at_ms), action).expect("updates");
    }

    #[test]
    fn a_typed_note_is_saved_at_the_session_time_it_was_begun() {
        let (_dir, mut observer) = observer();
        press(&mut observer, 1_000, crate::keys::Press::char('n'));
        for c in "stuck?".chars() {
            press(&mut observer, 1_500, crate::keys::Press::char(c));
        }
        // q is text while typing; Home and Delete edit it.
        press(&mut observer, 1_600, crate::keys::Press::plain(Key::Home));
        press(&mut observer, 1_600, crate::keys::Press::plain(Key::Delete));
        press(&mut observer, 2_000, crate::keys::Press::plain(Key::Enter));
        // Opened 30 s after the session started, the note was begun 1 s later (and
        // entered 2 s later: the moment is when it was noticed).
        assert_eq!(
            observer.notes,
            [ObserverNote {
                at_ms: 31_000,
                text: "tuck?".into(),
                step: Some("home".into()),
                ..ObserverNote::default()
            }]
        );
        assert_eq!(session::read_notes(&observer.path), observer.notes);
        assert!(observer.typing.is_none() && !observer.done());
    }

    /// An observer's note carries their name, the step on screen and its tags; `#` and
    /// Tab complete from the codebook, and a tag it lacks keeps the note open.
    #[test]
    fn a_note_is_tagged_from_the_codebook_with_its_author_and_step() {
        let (_dir, mut observer) = observer();
        observer.author = Some("ben".into());
        observer.tags = vec!["lost".into(), "slow".into()];
        press(&mut observer, 1_000, crate::keys::Press::char('n'));
        for c in "looks #l".chars() {
            press(&mut observer, 1_100, crate::keys::Press::char(c));
        }
        press(&mut observer, 1_200, crate::keys::Press::plain(Key::Tab));
        for c in "#sloow".chars() {
            press(&mut observer, 1_300, crate::keys::Press::char(c));
        }
        press(&mut observer, 1_400, crate::keys::Press::plain(Key::Enter));
        let hint = observer.typing.as_ref().and_then(|p| p.hint.clone());
        assert_eq!(
            hint.as_deref(),
            Some("#sloow is not in the codebook; did you mean #slow?")
        );
        press(
            &mut observer,
            1_500,
            crate::keys::Press::plain(Key::Backspace),
        );
        press(
            &mut observer,
            1_500,
            crate::keys::Press::plain(Key::Backspace),
        );
        press(&mut observer, 1_500, crate::keys::Press::char('w'));
        press(&mut observer, 2_000, crate::keys::Press::plain(Key::Enter));
        let notes = session::read_notes(&observer.path);
        assert_eq!(notes.len(), 1, "{:?}", observer.typing);
        assert_eq!(notes[0].text, "looks #lost #slow");
        assert_eq!(notes[0].tags, ["lost", "slow"]);
        assert_eq!(notes[0].author.as_deref(), Some("ben"));
        assert_eq!(notes[0].step.as_deref(), Some("home"));
    }

    #[test]
    fn esc_drops_a_note_and_q_quits_only_when_not_typing() {
        let (_dir, mut observer) = observer();
        press(&mut observer, 10, crate::keys::Press::char('n'));
        press(&mut observer, 20, crate::keys::Press::char('q'));
        assert!(!observer.done());
        press(&mut observer, 30, crate::keys::Press::plain(Key::Esc));
        assert!(observer.typing.is_none() && observer.notes.is_empty());
        press(&mut observer, 40, crate::keys::Press::char('q'));
        assert!(observer.done());
    }

    /// An observer of a session of `flows/espresso-one-menu.yaml` with `events`, drawn
    /// at `cols` x 30.
    fn drawn_with(events: &[&str], cols: u16) -> String {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("s.yaml");
        let session = SESSION
            .replace("{ id: shop, title: Shop, variant: null, path: flows/shop.yaml, sha256: abc }",
                "{ id: espresso, title: Espresso, variant: one-menu, path: flows/espresso-one-menu.yaml, sha256: abc }")
            .replace("- {\"at_ms\":5,\"kind\":\"show\",\"step\":\"home\"}\n", "");
        let text = events
            .iter()
            .fold(session, |text, e| text + "- " + e + "\n");
        std::fs::write(&path, text).expect("the session is written");
        session::append_note(
            &path,
            "s-1",
            &ObserverNote {
                at_ms: 3_000,
                text: "hm".into(),
                ..ObserverNote::default()
            },
        )
        .expect("a note");
        let opened =
            DateTime::parse_from_rfc3339("2026-11-26T14:02:41.000+00:00").expect("a valid time");
        let mut observer = Observer::new(path, opened);
        observer.refresh();
        crate::tui::frame::drawn(&observer, cols, 30)
    }

    const HOME: &str = r#"{"at_ms":1000,"kind":"show","step":"home"}"#;

    #[test]
    fn the_flow_is_drawn_only_once_the_participant_is_on_it() {
        let consenting = drawn_with(&[], 140);
        assert!(
            consenting.contains("Their screen shows here from the first step"),
            "{consenting}"
        );
        assert!(!consenting.contains("Where do you tap?"), "{consenting}");
        let declined = drawn_with(
            &[r#"{"at_ms":900,"kind":"consent","answer":"declined","sha256":"ab"}"#],
            140,
        );
        assert!(
            declined.contains("They declined the consent: nothing more"),
            "{declined}"
        );
        assert!(
            declined.contains("They declined the consent."),
            "{declined}"
        );
        assert!(!declined.contains("Where do you tap?"), "{declined}");
        let playing = drawn_with(&[HOME], 140);
        assert!(playing.contains("Where do you tap?"), "{playing}");
    }

    #[test]
    fn a_dropped_connection_is_said_until_they_are_back() {
        let lost = drawn_with(&[HOME, r#"{"at_ms":5000,"kind":"disconnect"}"#], 140);
        assert!(
            lost.contains("Their connection dropped at 0:05: the session"),
            "{lost}"
        );
        assert!(
            lost.contains("Connection dropped at 0:05; waiting for them"),
            "{lost}"
        );
        let back = drawn_with(
            &[
                HOME,
                r#"{"at_ms":5000,"kind":"disconnect"}"#,
                r#"{"at_ms":9000,"kind":"resume","paused_ms":4000}"#,
            ],
            140,
        );
        assert!(!back.contains("connection dropped"), "{back}");
        assert!(back.contains("Where do you tap?"), "{back}");
    }

    #[test]
    fn notes_show_in_the_timeline_and_a_narrow_window_says_what_a_wider_one_shows() {
        let narrow = drawn_with(
            &[HOME, r#"{"at_ms":4000,"kind":"show","step":"confirm"}"#],
            80,
        );
        let lines: Vec<&str> = narrow.lines().collect();
        let at = |text: &str| lines.iter().position(|l| l.contains(text));
        let note = at("observer   hm").expect("the note in the timeline");
        assert!(at("show       home") < Some(note) && Some(note) < at("show       confirm"));
        assert!(
            narrow.contains("100+ columns show their screen"),
            "{narrow}"
        );
        let wide = drawn_with(&[HOME], 140);
        assert!(!wide.contains("columns show their screen"), "{wide}");
    }
}
