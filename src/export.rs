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
    Csv(Box<Csv<W>>),
    Jsonl(W),
}

/// A CSV table; unless `raw`, cells a spreadsheet would run as a formula are defused.
struct Csv<W: Write> {
    writer: csv::Writer<W>,
    raw: bool,
    headed: bool,
}

impl<W: Write> Csv<W> {
    /// The row is written as CSV once, read back as cells, and each cell defused: the
    /// rows stay plain structs whatever their columns, and one place guards them all.
    fn write<R: serde::Serialize>(&mut self, row: &R) -> io::Result<()> {
        if self.raw {
            return self.writer.serialize(row).map_err(io::Error::other);
        }
        let mut once = csv::WriterBuilder::new()
            .has_headers(!self.headed)
            .from_writer(Vec::new());
        once.serialize(row).map_err(io::Error::other)?;
        let bytes = once
            .into_inner()
            .map_err(|e| io::Error::other(e.to_string()))?;
        self.headed = true;
        let mut cells = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes.as_slice());
        for record in cells.records() {
            let record = record.map_err(io::Error::other)?;
            let cells: Vec<_> = record.iter().map(defuse).collect();
            self.writer
                .write_record(cells.iter().map(|c| c.as_bytes()))
                .map_err(io::Error::other)?;
        }
        Ok(())
    }
}

/// A cell a spreadsheet would take as a formula (it starts with `=`, `+`, `-`, `@`, a
/// tab or a carriage return) gets a `'` in front, as OWASP's guidance on CSV injection
/// advises; a plain number (`-3`, `+1.5`) is data and is left as it is.
pub fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    match risky && cell.parse::<f64>().is_err() {
        true => format!("'{cell}").into(),
        false => cell.into(),
    }
}

impl<W: Write> Table<W> {
    fn new(format: Format, out: W) -> Self {
        match format {
            Format::Csv => Table::Csv(Box::new(Csv {
                writer: csv::Writer::from_writer(out),
                raw: false,
                headed: false,
            })),
            Format::Jsonl => Table::Jsonl(out),
        }
    }

    fn raw_text(&mut self) {
        if let Table::Csv(csv) = self {
            csv.raw = true;
        }
    }

    fn write<R: serde::Serialize>(&mut self, row: &R) -> io::Result<()> {
        match self {
            Table::Csv(csv) => csv.write(row),
            Table::Jsonl(out) => {
                serde_json::to_writer(&mut *out, row).map_err(io::Error::from)?;
                out.write_all(b"\n")
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Table::Csv(csv) => csv.writer.flush(),
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

    /// Writes CSV cells exactly as typed, formulas and all (`--raw-text`), for tools
    /// that read them as data. JSON Lines always keeps text as typed.
    pub fn raw_text(mut self) -> Self {
        self.events.raw_text();
        self.sessions.raw_text();
        if let Some(tasks) = &mut self.tasks {
            tasks.raw_text();
        }
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
