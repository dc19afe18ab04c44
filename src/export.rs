//! Tidy tables of recorded sessions for R, pandas, DuckDB or a spreadsheet: one row per
//! event, per session and per task attempt, as CSV or JSON Lines, written as each session
//! is read.

mod rows;

use std::io::{self, Write};

use crate::session::Session;
pub use rows::{EventRow, REDACTED, SessionRow, TaskRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }
}

/// Writes rows to the events table and the sessions table as sessions come in, so
/// memory does not grow with the number of sessions.
pub struct Exporter<W: Write> {
    events: Table<W>,
    sessions: Table<W>,
    /// One row per task attempt, when asked for.
    tasks: Option<Table<W>>,
    redact_text: bool,
}

enum Table<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Jsonl(W),
}

impl<W: Write> Table<W> {
    fn new(format: Format, out: W) -> Self {
        match format {
            Format::Csv => Table::Csv(Box::new(csv::Writer::from_writer(out))),
            Format::Jsonl => Table::Jsonl(out),
        }
    }

    fn write<R: serde::Serialize>(&mut self, row: &R) -> io::Result<()> {
        match self {
            Table::Csv(writer) => writer.serialize(row).map_err(io::Error::other),
            Table::Jsonl(out) => {
                serde_json::to_writer(&mut *out, row).map_err(io::Error::other)?;
                out.write_all(b"\n")
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Table::Csv(writer) => writer.flush(),
            Table::Jsonl(out) => out.flush(),
        }
    }
}

impl<W: Write> Exporter<W> {
    /// `redact_text` replaces what participants typed and researchers noted with [`REDACTED`].
    pub fn new(format: Format, events: W, sessions: W, redact_text: bool) -> Self {
        Self {
            events: Table::new(format, events),
            sessions: Table::new(format, sessions),
            tasks: None,
            redact_text,
        }
    }

    /// Also writes one row per task attempt to `tasks`, in the same format.
    pub fn with_tasks(mut self, format: Format, tasks: W) -> Self {
        self.tasks = Some(Table::new(format, tasks));
        self
    }

    pub fn add(&mut self, session: &Session) -> io::Result<()> {
        for event in &session.events {
            self.events
                .write(&EventRow::new(session, event, self.redact_text))?;
        }
        if let Some(tasks) = &mut self.tasks {
            for (i, attempt) in crate::session::attempts(session).iter().enumerate() {
                tasks.write(&TaskRow::new(session, i + 1, attempt))?;
            }
        }
        self.sessions.write(&SessionRow::new(session))
    }

    pub fn finish(mut self) -> io::Result<()> {
        if let Some(tasks) = &mut self.tasks {
            tasks.flush()?;
        }
        self.events.flush()?;
        self.sessions.flush()
    }
}

#[cfg(test)]
mod tests;
