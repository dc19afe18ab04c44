//! The replay screen: the participant's screens at the recorded pace, with a progress bar.

use std::path::Path;
use std::sync::LazyLock;
use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Gauge, Widget};

use super::Script;
use crate::flow::Flow;
use crate::format::minutes_seconds;
use crate::keys::{Key, Keymap, Press, bind};
use crate::runner;
use crate::session;
use crate::study::ask::Ask;
use crate::study::{arrange, part};
use crate::text::printable;
use crate::tui::notepad::Notepad;
use crate::tui::play_view::{Chrome, PlayView};
use crate::tui::screen;

/// How often the picture moves on while playing.
const FRAME: Duration = Duration::from_millis(50);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Pause,
    Next,
    Previous,
    Quit,
    /// Pauses and notes the moment on screen (a span's end, when one is marked).
    StartNote,
    /// Marks where a span starts (again: unmarks it).
    Mark,
    /// Typing the note.
    Edit(Key),
    Complete,
    SaveNote,
    DropNote,
}

pub static KEYS: LazyLock<Keymap<Action>> = LazyLock::new(|| {
    Keymap::new(vec![
        bind(&[Press::char(' ')], Action::Pause, "pause or go on"),
        bind(
            &[Press::plain(Key::Left)],
            Action::Previous,
            "jump to the previous event",
        ),
        bind(
            &[Press::plain(Key::Right)],
            Action::Next,
            "jump to the next event",
        ),
        bind(
            &[Press::char('n')],
            Action::StartNote,
            "pause and note this moment, #tags and all",
        ),
        bind(
            &[Press::char('m')],
            Action::Mark,
            "mark where a span starts (n ends it)",
        ),
        bind(
            &[Press::char('q'), Press::plain(Key::Esc), Press::ctrl('c')],
            Action::Quit,
            "quit",
        ),
    ])
});

/// The keys while a note is typed.
pub static NOTING: LazyLock<Keymap<Action>> = LazyLock::new(|| {
    crate::tui::notepad::note_keys(crate::tui::notepad::NoteActions {
        save: Action::SaveNote,
        drop: Action::DropNote,
        complete: Action::Complete,
        quit: Action::Quit,
        edit: Action::Edit,
    })
});

/// Where notes taken in a replay are kept, and by whom.
pub struct Keeping {
    pub path: std::path::PathBuf,
    pub session: session::Session,
    pub coder: Option<String>,
    /// The codebook's tags (none: no codebook).
    pub tags: Vec<String>,
    /// Why the codebook found or named cannot be used (a note with tags is then refused).
    pub codebook_problem: Option<String>,
}

/// Replays the session at `path` at `speed` times the recorded pace; notes taken are by
/// `coder`, their `#tags` from `codebook` or the one beside the session's study or flow.
pub fn run(
    path: &Path,
    speed: f64,
    coder: Option<String>,
    codebook: Option<&Path>,
) -> Result<(), String> {
    let recorded = session::read(path).map_err(|e| e.to_string())?;
    let (flow, warning) = arrange::recorded_flow(&recorded.header)?;
    let study = (recorded.header.study.as_ref()).map(|s| std::path::PathBuf::from(&s.path));
    let flow_path = std::path::PathBuf::from(&recorded.header.flow.path);
    let (tags, codebook_problem) =
        crate::tui::notepad::codebook_names(codebook, study.as_deref(), Some(&flow_path));
    let title = format!(
        "Replay of {} · {} · ×{speed}{}",
        printable(&recorded.header.participant),
        printable(&recorded.header.session),
        warning
    );
    let mut replay = Replay::new(&flow, Script::new(&flow, &recorded.events), title, speed);
    replay.consent = part::recorded_consent(&recorded).map(|(ask, at_ms, _)| (ask, at_ms));
    replay.notes = session::moments(&recorded, &session::read_notes(path));
    replay.notes.sort_by_key(|m| m.at_ms);
    replay.keeping = Some(Keeping {
        path: path.to_owned(),
        session: recorded,
        coder,
        tags,
        codebook_problem,
    });
    screen::run(&mut replay)
}

/// Where the replay stands, and how it moves on.
pub struct Replay<'f> {
    flow: &'f Flow,
    script: Script,
    moments: Vec<u64>,
    title: String,
    pub at_ms: f64,
    speed: f64,
    pub paused: bool,
    /// The transport's time at the last move, so playing follows its clock.
    last: Duration,
    quit: bool,
    /// The consent screen the session opened with, and when it was answered: shown
    /// until then.
    pub consent: Option<(Ask, u64)>,
    /// Where notes go (none: notes cannot be taken).
    pub keeping: Option<Keeping>,
    /// A note being typed, at the moment the replay was paused on.
    pub noting: Option<Notepad>,
    /// Where a marked span starts.
    pub mark: Option<u64>,
    /// What the last note's saving said.
    pub said: Option<String>,
    /// Every note on the session (the researcher's, and those kept beside it, the ones
    /// taken in this replay included), in time order: each is shown as the replay
    /// passes it.
    pub notes: Vec<session::Moment>,
}

/// How long, in the session's time, a note stays on screen after its moment (a span's
/// note: after its end).
pub const NOTE_SHOWN_MS: u64 = 5_000;

impl<'f> Replay<'f> {
    pub fn new(flow: &'f Flow, script: Script, title: String, speed: f64) -> Self {
        Replay {
            flow,
            moments: script.moments(),
            script,
            title,
            at_ms: 0.0,
            speed: speed.max(0.01),
            paused: false,
            last: Duration::ZERO,
            quit: false,
            consent: None,
            keeping: None,
            noting: None,
            mark: None,
            said: None,
            notes: Vec::new(),
        }
    }

    /// The keys of what is on screen: a note's while one is typed.
    fn table(&self) -> &'static Keymap<Action> {
        match self.noting {
            Some(_) => &NOTING,
            None => &KEYS,
        }
    }

    fn note_action(&mut self, action: Action) {
        let at = self.at_ms as u64;
        match action {
            Action::StartNote if self.keeping.is_some() => {
                self.paused = true;
                let (tags, problem) = match &self.keeping {
                    Some(k) => (k.tags.clone(), k.codebook_problem.clone()),
                    None => (Vec::new(), None),
                };
                self.noting = Some(Notepad::new(tags).unusable(problem));
            }
            Action::StartNote => {
                self.said =
                    Some("notes are kept beside a session file; this replay has none".into())
            }
            Action::Mark => {
                self.mark = match self.mark {
                    Some(mark) if mark == at => None,
                    _ => Some(at),
                };
                self.said = self
                    .mark
                    .map(|m| format!("span marked from {}; n ends it", minutes_seconds(m)));
            }
            Action::Edit(key) => {
                if let Some(pad) = &mut self.noting {
                    pad.edit(key);
                }
            }
            Action::Complete => {
                if let Some(pad) = &mut self.noting {
                    pad.complete();
                }
            }
            Action::DropNote => self.noting = None,
            Action::SaveNote => self.save_note(at),
            _ => {}
        }
    }

    /// Keeps the typed note beside the session: at `at`, or over the span from the mark.
    fn save_note(&mut self, at: u64) {
        let Some(keeping) = self.keeping.as_ref() else {
            return;
        };
        let Some(typed) = crate::tui::notepad::take_note(&mut self.noting) else {
            return;
        };
        let (at_ms, end_ms) = session::moments::span(self.mark.take(), at);
        let note = session::ObserverNote {
            at_ms,
            text: typed.text,
            end_ms,
            author: keeping.coder.clone(),
            step: session::step_at(&keeping.session, at_ms),
            tags: typed.tags,
            quote: None,
        };
        let kept = session::append_note(&keeping.path, &keeping.session.header.session, &note);
        self.said = Some(match kept {
            Ok(()) => format!("note kept at {}", minutes_seconds(at_ms)),
            Err(e) => format!("the note is not kept: {e}"),
        });
        let shown = session::moments(&keeping.session, std::slice::from_ref(&note));
        self.notes.extend(shown.into_iter().filter(|m| !m.during));
        self.notes.sort_by_key(|m| m.at_ms);
    }

    /// Moves on to `at` on the transport's clock, at the replay's speed.
    fn play_to(&mut self, at: Duration) {
        let passed = at.saturating_sub(self.last).as_secs_f64() * 1000.0;
        self.last = at;
        if !self.paused {
            self.at_ms = (self.at_ms + passed * self.speed).min(self.script.end_ms as f64);
        }
    }
}

impl runner::Screen for Replay<'_> {
    type Action = Action;

    fn keys(&self) -> &Keymap<Action> {
        self.table()
    }

    fn update(&mut self, at: Duration, action: Action) -> Result<bool, String> {
        self.play_to(at);
        match action {
            Action::Pause => self.paused = !self.paused,
            Action::Next => self.at_ms = next(&self.moments, self.at_ms) as f64,
            Action::Previous => self.at_ms = previous(&self.moments, self.at_ms) as f64,
            Action::Quit => self.quit = true,
            other => self.note_action(other),
        }
        Ok(true)
    }

    fn tick(&mut self, at: Duration) -> Result<bool, String> {
        self.play_to(at);
        Ok(!self.paused)
    }

    fn wait(&self) -> Duration {
        FRAME
    }

    fn done(&self) -> bool {
        self.quit
    }
}

fn next(moments: &[u64], at: f64) -> u64 {
    moments
        .iter()
        .copied()
        .find(|m| *m as f64 > at + 0.5)
        .unwrap_or_else(|| moments.last().copied().unwrap_or(0))
}

fn previous(moments: &[u64], at: f64) -> u64 {
    moments
        .iter()
        .rev()
        .copied()
        .find(|m| (*m as f64) < at - 0.5)
        .unwrap_or(0)
}

/// Keys only: nothing here takes a click.
impl crate::tui::pointer::Pointable for Replay<'_> {}

impl Replay<'_> {
    /// The note the replay is passing: the last whose moment (or span) has come and
    /// was less than [`NOTE_SHOWN_MS`] ago.
    pub fn note_shown(&self) -> Option<&session::Moment> {
        let at = self.at_ms as u64;
        (self.notes.iter().rev()).find(|m| {
            let until = m.end_ms.unwrap_or(m.at_ms).max(m.at_ms) + NOTE_SHOWN_MS;
            m.at_ms <= at && at < until
        })
    }
}

impl Widget for &Replay<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let shown = self.note_shown();
        let [title, body, note, progress, keys] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(u16::from(shown.is_some())),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        Line::from(self.title.as_str()).bold().render(title, buf);
        if let Some(moment) = shown {
            let when = crate::format::moment(moment.at_ms, moment.end_ms);
            let words = format!("✎ {when} {}: {}", moment.author, moment.text);
            let words = words.replace(['\n', '\r'], " ");
            let words = crate::text::truncate(&printable(&words), usize::from(note.width));
            Line::from(words).italic().render(note, buf);
        }
        let at_ms = self.at_ms as u64;
        match &self.consent {
            Some((ask, answered)) if at_ms < *answered => ask.render(body, buf),
            _ => {
                let player = self.script.player_at(self.flow, at_ms);
                let view = PlayView {
                    player: &player,
                    scroll: 0,
                    chrome: Chrome::Replay,
                };
                (&view).render(body, buf);
            }
        }
        let end_ms = self.script.end_ms;
        let ratio = if end_ms == 0 {
            1.0
        } else {
            at_ms as f64 / end_ms as f64
        };
        let label = format!(
            "{} / {}{}",
            minutes_seconds(at_ms),
            minutes_seconds(end_ms),
            if self.paused { " · paused" } else { "" }
        );
        Gauge::default()
            .ratio(ratio.clamp(0.0, 1.0))
            .label(label)
            .render(progress, buf);
        let hint = match (&self.noting, &self.said) {
            (Some(pad), _) => {
                let (at, end) = session::moments::span(self.mark, at_ms);
                let when = crate::format::moment(at, end);
                let legend = format!(
                    "({} keeps, {} drops, # and {} tag)",
                    NOTING.key_of(Action::SaveNote),
                    NOTING.key_of(Action::DropNote),
                    NOTING.key_of(Action::Complete),
                );
                pad.footer(
                    &format!("Note at {when}: "),
                    &legend,
                    usize::from(keys.width),
                )
            }
            (None, said) => {
                let keys = KEYS.hint(&[
                    (&[Action::Pause], "pause"),
                    (&[Action::Previous, Action::Next], "previous / next event"),
                    (&[Action::StartNote], "note"),
                    (&[Action::Mark], "mark span"),
                    (&[Action::Quit], "quit"),
                ]);
                match said {
                    Some(said) => format!("{} · {keys}", printable(said)),
                    None => keys,
                }
            }
        };
        Line::from(hint).dim().render(keys, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::Screen;

    #[test]
    fn the_keys_are_a_sound_table() {
        assert!(KEYS.problems().is_empty(), "{:?}", KEYS.problems());
        for action in [
            Action::Pause,
            Action::Next,
            Action::Previous,
            Action::Quit,
            Action::StartNote,
            Action::Mark,
        ] {
            assert!(KEYS.binds(action));
        }
        assert!(NOTING.problems().is_empty(), "{:?}", NOTING.problems());
        for action in [Action::SaveNote, Action::DropNote, Action::Complete] {
            assert!(NOTING.binds(action));
        }
    }

    /// A study's session opens with its consent: the replay shows that screen until it
    /// was answered, then the participant's first screen.
    #[test]
    fn the_consent_is_on_screen_until_it_was_answered() {
        let flow = crate::flow::load(
            "flow: f\ntitle: F\nsteps:\n  a:\n    text: The first step\n    end: success\n",
        )
        .expect("loads");
        let script = Script {
            ops: vec![(1_000, super::super::Op::Shown)],
            end_ms: 1_000,
        };
        let mut replay = Replay::new(&flow, script, String::new(), 1.0);
        let consent = Ask::consent("A study".into(), "Do you agree to take part?".into());
        replay.consent = Some((consent, 900));
        let drawn = |replay: &Replay| crate::tui::frame::drawn(replay, 60, 20);
        replay.at_ms = 500.0;
        assert!(
            drawn(&replay).contains("Do you agree"),
            "{}",
            drawn(&replay)
        );
        replay.at_ms = 1_000.0;
        let after = drawn(&replay);
        assert!(
            after.contains("The first step") && !after.contains("Do you agree"),
            "{after}"
        );
    }

    /// A note is shown as the replay passes its moment, by its author, for a while after
    /// it (after a span's end), and never before it.
    #[test]
    fn notes_show_as_the_replay_passes_them() {
        let flow = crate::flow::load(
            "flow: f\ntitle: F\nsteps:\n  a:\n    text: The first step\n    end: success\n",
        )
        .expect("loads");
        let script = Script {
            ops: vec![(0, super::super::Op::Shown)],
            end_ms: 30_000,
        };
        let mut replay = Replay::new(&flow, script, String::new(), 1.0);
        let moment = |at_ms: u64, end_ms: Option<u64>, author: &str, text: &str| session::Moment {
            at_ms,
            end_ms,
            author: author.into(),
            step: Some("a".into()),
            tags: Vec::new(),
            text: text.into(),
            quote: None,
            during: end_ms.is_none(),
        };
        replay.notes = vec![
            moment(2_000, None, "ana", "reads it twice #lost"),
            moment(10_000, Some(15_000), "ben", "scrolls\u{1b}[2J up and down"),
        ];
        let drawn = |replay: &Replay| crate::tui::frame::drawn(replay, 60, 20);
        for (at, shown) in [
            (1_999.0, None),
            (2_000.0, Some("✎ 0:02 ana: reads it twice #lost")),
            (6_999.0, Some("✎ 0:02 ana: reads it twice #lost")),
            (7_000.0, None),
            (
                12_000.0,
                Some("✎ 0:10–0:15 ben: scrolls\\u{1b}[2J up and down"),
            ),
            (19_999.0, Some("✎ 0:10–0:15 ben: scrolls")),
            (20_000.0, None),
        ] {
            replay.at_ms = at;
            let screen = drawn(&replay);
            match shown {
                Some(words) => assert!(screen.contains(words), "at {at}: {screen}"),
                None => assert!(!screen.contains('✎'), "at {at}: {screen}"),
            }
            assert!(screen.contains("The first step"), "{screen}");
        }
    }

    /// `n` pauses and notes the moment on screen, `m` before it makes the note a span;
    /// `#tags` complete from the codebook and the note is kept beside the session with
    /// its author and step.
    #[test]
    fn a_note_taken_in_a_replay_is_kept_beside_the_session() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("s.yaml");
        let text = "schema: mvx-session/1\nsession: s-1\nflow: { id: f, title: F, variant: null, path: f.yaml, sha256: abc }\nparticipant: P1\nresearcher: null\nstarted_at: \"2026-11-26T14:02:11.000+00:00\"\nterminal: { cols: 80, rows: 24, term: xterm, program: null, tmux: false, ssh: false }\nmvx: \"0.1.0\"\nevents:\n- {\"at_ms\":0,\"kind\":\"show\",\"step\":\"a\"}\n- {\"at_ms\":4000,\"kind\":\"show\",\"step\":\"b\"}\n";
        std::fs::write(&path, text).expect("a session");
        let flow = crate::flow::load("flow: f\ntitle: F\nsteps:\n  a:\n    end: success\n")
            .expect("loads");
        let script = Script {
            ops: vec![
                (0, super::super::Op::Shown),
                (4_000, super::super::Op::Shown),
            ],
            end_ms: 4_000,
        };
        let mut replay = Replay::new(&flow, script, String::new(), 1.0);
        replay.keeping = Some(Keeping {
            path: path.clone(),
            session: session::parse(text).expect("parses"),
            coder: Some("dee".into()),
            tags: vec!["lost".into()],
            codebook_problem: None,
        });
        let press = |replay: &mut Replay, at: u64, action: Action| {
            replay
                .update(Duration::from_millis(at), action)
                .expect("updates");
        };
        press(&mut replay, 1_000, Action::Mark);
        assert_eq!(replay.mark, Some(1_000));
        replay.tick(Duration::from_millis(4_500)).expect("plays on");
        press(&mut replay, 4_500, Action::StartNote);
        assert!(replay.paused, "noting pauses the replay");
        assert_eq!(
            replay.keys().action(Press::char('q')),
            Some(Action::Edit(Key::Char('q')))
        );
        for c in "gives up #l".chars() {
            press(&mut replay, 9_000, Action::Edit(Key::Char(c)));
        }
        press(&mut replay, 9_000, Action::Complete);
        press(&mut replay, 9_000, Action::SaveNote);
        let notes = session::read_notes(&path);
        assert_eq!(
            notes,
            [session::ObserverNote {
                at_ms: 1_000,
                text: "gives up #lost".into(),
                end_ms: Some(4_000),
                author: Some("dee".into()),
                step: Some("a".into()),
                tags: vec!["lost".into()],
                quote: None,
            }]
        );
        let shown: Vec<(u64, &str, &str)> = (replay.notes.iter())
            .map(|m| (m.at_ms, m.author.as_str(), m.text.as_str()))
            .collect();
        assert_eq!(
            shown,
            [(1_000, "dee", "gives up #lost")],
            "shown as it is passed"
        );
    }

    #[test]
    fn playing_follows_the_clock_at_its_speed_and_pausing_stops_it() {
        let flow = crate::flow::load("flow: f\ntitle: F\nsteps:\n  a:\n    end: success\n")
            .expect("loads");
        let script = Script {
            ops: vec![
                (0, super::super::Op::Shown),
                (4_000, super::super::Op::Shown),
            ],
            end_ms: 4_000,
        };
        let mut replay = Replay::new(&flow, script, String::new(), 2.0);
        replay.tick(Duration::from_millis(500)).expect("ticks");
        assert_eq!(replay.at_ms, 1_000.0);
        replay
            .update(Duration::from_millis(600), Action::Pause)
            .expect("pauses");
        assert_eq!(replay.at_ms, 1_200.0);
        replay.tick(Duration::from_millis(5_000)).expect("ticks");
        assert_eq!(replay.at_ms, 1_200.0);
        replay
            .update(Duration::from_millis(5_000), Action::Next)
            .expect("jumps");
        assert_eq!(replay.at_ms, 4_000.0);
        replay
            .update(Duration::from_millis(5_000), Action::Previous)
            .expect("jumps");
        assert_eq!(replay.at_ms, 0.0);
        replay
            .update(Duration::from_millis(5_000), Action::Quit)
            .expect("quits");
        assert!(replay.done());
    }
}
