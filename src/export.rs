//! Tidy tables of recorded sessions for R, pandas, DuckDB or a spreadsheet: one row per
//! event, per session and per task attempt, as CSV or JSON Lines, written as each session
//! is read.

mod counted;
pub mod long;
pub mod qda;
mod rows;

use std::io::{self, Write};

use crate::session::Session;
pub use counted::{FirstSessions, LeftOut, utc};
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
    /// Rows written as CSV once, into `written`, to be read back as cells.
    once: csv::Writer<Shared>,
    written: Shared,
    /// Reads them back; built once (building a CSV reader is most of a row's cost).
    cells: csv_core::Reader,
}

/// A buffer the row writer writes into and the row reader empties.
#[derive(Clone, Default)]
struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<W: Write> Csv<W> {
    fn new(out: W) -> Self {
        let written = Shared::default();
        Csv {
            writer: csv::Writer::from_writer(out),
            raw: false,
            once: csv::Writer::from_writer(written.clone()),
            written,
            cells: csv_core::Reader::new(),
        }
    }

    /// The row is written as CSV once, read back as cells, and each cell defused: the
    /// rows stay plain structs whatever their columns, and one place guards them all.
    /// (The first row brings the header line with it.)
    fn write<R: serde::Serialize>(&mut self, row: &R) -> io::Result<()> {
        if self.raw {
            return self.writer.serialize(row).map_err(io::Error::other);
        }
        self.once.serialize(row).map_err(io::Error::other)?;
        self.once.flush()?;
        let bytes = std::mem::take(&mut *self.written.0.borrow_mut());
        let mut input = bytes.as_slice();
        let (mut fields, mut ends) = (vec![0u8; bytes.len() + 1], vec![0usize; 64]);
        loop {
            let (done, used, field_bytes, cells) = self.read_record(input, &mut fields, &mut ends);
            input = &input[used..];
            if cells > 0 {
                let text = String::from_utf8_lossy(&fields[..field_bytes]);
                let mut start = 0;
                let mut record = Vec::with_capacity(cells);
                for &end in &ends[..cells] {
                    record.push(defuse(&text[start..end]).into_owned());
                    start = end;
                }
                self.writer
                    .write_record(record.iter().map(|c| c.as_bytes()))
                    .map_err(io::Error::other)?;
            }
            if done {
                return Ok(());
            }
        }
    }

    /// One record from `input`: whether the input is done, bytes used, field bytes and
    /// cells written.
    fn read_record(
        &mut self,
        input: &[u8],
        fields: &mut [u8],
        ends: &mut Vec<usize>,
    ) -> (bool, usize, usize, usize) {
        use csv_core::ReadRecordResult::{End, InputEmpty, OutputEndsFull, OutputFull, Record};
        let (mut used, mut written, mut cells) = (0, 0, 0);
        loop {
            let (result, i, o, e) =
                self.cells
                    .read_record(&input[used..], &mut fields[written..], &mut ends[cells..]);
            used += i;
            written += o;
            cells += e;
            match result {
                Record => return (used >= input.len(), used, written, cells),
                InputEmpty if used >= input.len() => {
                    // The end of this row's text: the reader is told, so it closes the record.
                    let (result, _, o, e) =
                        self.cells
                            .read_record(&[], &mut fields[written..], &mut ends[cells..]);
                    written += o;
                    cells += e;
                    self.cells.reset();
                    return (true, used, written, if result == End { 0 } else { cells });
                }
                InputEmpty => {}
                OutputEndsFull => ends.resize(ends.len() * 2, 0),
                OutputFull | End => return (true, used, written, cells),
            }
        }
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

/// One table of rows in a format, each cell guarded as every export table's is: what
/// `mvx export --format long` writes its rows through.
pub struct Rows<W: Write>(Table<W>);

impl<W: Write> Rows<W> {
    /// Cells defused for spreadsheets unless `raw` (CSV only).
    pub fn new(format: Format, out: W, raw: bool) -> Self {
        let mut table = Table::new(format, out);
        if raw {
            table.raw_text();
        }
        Rows(table)
    }

    pub fn write<R: serde::Serialize>(&mut self, row: &R) -> io::Result<()> {
        self.0.write(row)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl<W: Write> Table<W> {
    fn new(format: Format, out: W) -> Self {
        match format {
            Format::Csv => Table::Csv(Box::new(Csv::new(out))),
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

    /// Writes a session's rows; `left_out` says why the report does not count it, if
    /// it does not (`FirstSessions::left_out`).
    pub fn add(&mut self, session: &Session, left_out: Option<LeftOut>) -> io::Result<()> {
        for event in &session.events {
            self.events
                .write(&EventRow::new(session, event, self.redact_text))?;
        }
        if let Some(tasks) = &mut self.tasks {
            for (i, attempt) in crate::session::attempts(session).iter().enumerate() {
                tasks.write(&TaskRow::new(session, i + 1, attempt, left_out))?;
            }
        }
        self.sessions.write(&SessionRow::new(session, left_out))
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
