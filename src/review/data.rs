//! Sessions loaded for review: one row each, and the figures of each flow version.

use std::path::PathBuf;

use crate::report::{Report, ReportBuilder, read_sessions};
use crate::session::{self, AnswerValue, EventKind, ObserverNote, Session, SessionEnding};

/// Where a row's session is: its file, read again when its timeline is shown (so
/// 100,000 rows hold a few hundred bytes each, not every event), or held in memory.
#[derive(Debug)]
pub enum Recorded {
    File(PathBuf),
    Held(Box<Session>),
}

impl Recorded {
    /// The session, read from its file if need be, or why it cannot be.
    pub fn session(&self) -> Result<std::borrow::Cow<'_, Session>, String> {
        match self {
            Recorded::Held(session) => Ok(std::borrow::Cow::Borrowed(session)),
            Recorded::File(path) => session::read(path)
                .map(std::borrow::Cow::Owned)
                .map_err(|e| e.to_string()),
        }
    }
}

/// One recorded session as the sessions view lists it.
#[derive(Debug)]
pub struct SessionRow {
    pub recorded: Recorded,
    pub participant: String,
    pub flow: String,
    pub variant: String,
    pub started_at: String,
    /// When it started, in milliseconds since the epoch (what the date column sorts by);
    /// a start time that cannot be read sorts last.
    pub started_ms: i64,
    pub duration_ms: u64,
    /// `complete`, `aborted`, or `cut off` (the recording stopped without an end).
    pub outcome: SessionEnding,
    /// Each task's outcome, in order.
    pub tasks: String,
    /// Each verdict question's answer, `id=value`.
    pub verdicts: String,
    /// Notes an observer kept beside the session.
    pub observer_notes: Vec<ObserverNote>,
    /// The fields the filter searches, lowercased once, one to a line.
    pub search: String,
}

pub struct Loaded {
    pub rows: Vec<SessionRow>,
    pub report: Report,
}

/// What a reading in the background sends, in order: rows as they are read, then the
/// figures of every flow version (or why they could not be made).
pub enum Arriving {
    Rows(Vec<SessionRow>),
    Done(Result<Box<Report>, String>),
}

/// Rows sent together: enough that sending costs nothing, few enough that the first
/// screen has rows within a few milliseconds.
const BATCH: usize = 512;

/// Reads every session under `paths` on a thread of its own, sending rows as they are
/// read (so the first screen need not wait for the last file), then the figures.
pub fn load_in_background(paths: Vec<PathBuf>) -> std::sync::mpsc::Receiver<Arriving> {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut builder = ReportBuilder::new(None);
        // A review shows the sessions it is given, simulated ones too (so a team can try
        // it before fieldwork); keep simulated sessions in their own folder.
        builder.include_simulated = true;
        let mut batch = Vec::with_capacity(BATCH);
        let mut gone = false;
        let visit = |row: Option<SessionRow>| {
            batch.extend(row);
            if batch.len() >= BATCH && !gone {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                gone = sender.send(Arriving::Rows(full)).is_err();
            }
        };
        let read = read_sessions(&mut builder, &paths, SessionRow::new, visit);
        let _ = sender.send(Arriving::Rows(batch));
        let _ = sender.send(Arriving::Done(read.map(|()| Box::new(builder.finish()))));
    });
    receiver
}

/// Nothing read yet: no rows, and the figures of no session.
pub fn nothing() -> Loaded {
    Loaded {
        rows: Vec::new(),
        report: ReportBuilder::new(None).finish(),
    }
}

/// Reads every session under `paths`, in file order, or why the figures could not be
/// made.
/// The one reading, waited for to its end.
pub fn load(paths: &[PathBuf]) -> Result<Loaded, String> {
    let mut rows = Vec::new();
    for arriving in load_in_background(paths.to_vec()) {
        match arriving {
            Arriving::Rows(batch) => rows.extend(batch),
            Arriving::Done(report) => {
                return report.map(|report| Loaded {
                    rows,
                    report: *report,
                });
            }
        }
    }
    Err("the reading of the sessions stopped".into())
}

impl SessionRow {
    pub fn new(session: Session, observer_notes: Vec<ObserverNote>) -> Self {
        let header = &session.header;
        // The end step's own word (`partial`) where it names one; `cut off` for an
        // attempt the recording stopped in.
        let tasks: Vec<String> = session::attempts(&session)
            .iter()
            .map(|a| a.ending.word().into_owned())
            .collect();
        let mut verdicts = Vec::new();
        for event in &session.events {
            if let EventKind::Answer {
                question,
                value,
                free_text: false,
                ..
            } = &event.kind
            {
                let value = match value {
                    AnswerValue::Number(n) => n.to_string(),
                    AnswerValue::Text(t) => t.clone(),
                };
                verdicts.push(format!("{question}={value}"));
            }
        }
        // `#tag` for each tag a note on the session carries: `/#lost` finds them.
        // And the notes' words: `/loops` finds a note that says so.
        let mut tagged: Vec<String> = Vec::new();
        let mut noted: Vec<String> = Vec::new();
        for moment in session::moments(&session, &observer_notes) {
            noted.push(moment.text);
            for tag in moment.tags {
                if !tagged.contains(&tag) {
                    tagged.push(tag);
                }
            }
        }
        let tags = (tagged.iter().map(|t| format!("#{t}")))
            .collect::<Vec<_>>()
            .join(" ");
        let mut row = SessionRow {
            participant: header.participant.clone(),
            flow: header.flow.id.clone(),
            variant: header.flow.variant.clone().unwrap_or_default(),
            started_at: header
                .started_at
                .chars()
                .take(16)
                .collect::<String>()
                .replace('T', " "),
            started_ms: header.started_ms(),
            duration_ms: session.events.last().map_or(0, |e| e.at_ms),
            outcome: session.ending(),
            tasks: tasks.join(", "),
            verdicts: verdicts.join(" "),
            observer_notes,
            recorded: match session.path {
                Some(path) => Recorded::File(path),
                None => Recorded::Held(Box::new(session)),
            },
            search: String::new(),
        };
        row.search = [
            &row.participant,
            &row.flow,
            &row.variant,
            &row.started_at,
            &row.tasks,
            &row.verdicts,
            &tags,
            &noted.join("\n"),
        ]
        .map(|field| field.to_lowercase())
        .join("\n");
        row
    }

    /// A note kept since the row was read: its timeline shows it and the filter finds
    /// its tags and words.
    pub fn add_note(&mut self, note: ObserverNote) {
        self.search.push('\n');
        self.search.push_str(&note.text.to_lowercase());
        for tag in &note.tags {
            let word = format!("#{tag}");
            if !self.search.split(['\n', ' ']).any(|w| w == word) {
                self.search.push_str(&format!("\n{word}"));
            }
        }
        self.observer_notes.push(note);
    }
}
