//! A CSV of items (one row each) read into friction items: the text column found by
//! name, the other columns kept in order, a `tags` column read as tags. The file is a
//! person's export from a help desk or a survey tool: every size is bounded, and each
//! cut is said.

use super::{IMPORTED, Item, tags_of_cell};

/// The most rows read; the rest are left out, with a finding.
pub const MAX_ROWS: usize = 100_000;
/// The most characters of a text kept; a longer text is cut, with a finding.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// The most characters of any other cell kept.
pub const MAX_CELL_CHARS: usize = 1_000;
/// The most columns kept besides the text, id and tags.
pub const MAX_COLUMNS: usize = 50;
/// The names a text column is found by when `--text` names none, in this order of
/// preference: the first column with the first of these names (any case).
pub const TEXT_COLUMNS: &[&str] = &[
    "text",
    "body",
    "description",
    "comment",
    "review",
    "message",
];
/// Findings listed one by one; more are counted.
const FINDINGS_LISTED: usize = 20;

/// What an import read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Imported {
    pub items: Vec<Item>,
    /// The text column used.
    pub text_column: String,
    /// Rows whose text was empty, skipped.
    pub empty: usize,
    /// What was cut or left out, one line each (the first few; then how many more).
    pub findings: Vec<String>,
}

struct Columns {
    text: usize,
    id: Option<usize>,
    tags: Option<usize>,
    names: Vec<String>,
}

/// The items of `csv`: the text from `text_column` (any case) or the first column named
/// as in [`TEXT_COLUMNS`]; an `id` column names items (else the row number); a `tags`
/// column, `#a #b` or `a;b` or `a, b`, tags them. Rows with an empty text are skipped and
/// counted. An error names what is wrong: no such column (listing the columns), no rows.
pub fn import(csv: &[u8], text_column: Option<&str>) -> Result<Imported, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(csv);
    let header = reader
        .byte_headers()
        .map_err(|e| format!("not a CSV file: {}", crate::text::printable(&e.to_string())))?
        .clone();
    let names: Vec<String> = header.iter().map(cell).collect();
    let columns = columns(&names, text_column)?;
    let mut imported = Imported {
        text_column: names[columns.text].clone(),
        ..Imported::default()
    };
    let mut findings = Findings::default();
    if names.len() > MAX_COLUMNS + 3 {
        findings.push(format!(
            "only the first {MAX_COLUMNS} other columns are kept of {}",
            names.len()
        ));
    }
    let mut record = csv::ByteRecord::new();
    let mut row = 0;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                findings.push(format!(
                    "stopped after row {row}: {}",
                    crate::text::printable(&e.to_string())
                ));
                break;
            }
        }
        row += 1;
        // Findings name the file's line, as a spreadsheet numbers its rows.
        let line = record
            .position()
            .and_then(|p| usize::try_from(p.line()).ok())
            .unwrap_or(row + 1);
        if row > MAX_ROWS {
            findings.push(format!(
                "the file has more than {MAX_ROWS} rows; the rest are left out"
            ));
            break;
        }
        if record.iter().any(|c| std::str::from_utf8(c).is_err()) {
            findings.push(format!(
                "line {line}: bytes that are not UTF-8 are shown as �"
            ));
        }
        if record.len() > names.len() {
            let beyond = record.len() - names.len();
            findings.push(format!(
                "line {line}: {beyond} cell{} beyond the header's {} columns left out",
                if beyond == 1 { "" } else { "s" },
                names.len()
            ));
        }
        if let Some(rows) = open_quote(&record, names.len()) {
            findings.push(format!(
                "line {line}: a quote left open takes in the {rows} rows after it, to the end of the file; close it and import again"
            ));
        }
        if let Some(item) = item(&record, &columns, (row, line), &mut findings) {
            imported.items.push(item);
        } else {
            imported.empty += 1;
        }
    }
    imported.findings = findings.done();
    Ok(imported)
}

/// When a cell of `record` reads like rows of the file swallowed by a quote never closed
/// (an unclosed quote runs to the end of the file): how many lines of it hold as many
/// commas as a row has; `None` when fewer than two do.
fn open_quote(record: &csv::ByteRecord, columns: usize) -> Option<usize> {
    let commas = columns.saturating_sub(1).max(1);
    let rows = (record.iter())
        .map(|c| {
            (c.split(|b| *b == b'\n').skip(1))
                .filter(|l| l.iter().filter(|b| **b == b',').count() >= commas)
                .count()
        })
        .max()?;
    (rows >= 2).then_some(rows)
}

/// The row's item (its number `row`, its file line `line`), or `None` when its text is
/// empty.
fn item(
    record: &csv::ByteRecord,
    columns: &Columns,
    (row, line): (usize, usize),
    findings: &mut Findings,
) -> Option<Item> {
    let get = |i: usize| record.get(i).map(cell).unwrap_or_default();
    let text = get(columns.text);
    if text.trim().is_empty() {
        return None;
    }
    let id = columns
        .id
        .map(get)
        .filter(|id| !id.trim().is_empty())
        .map(|id| cut(&id, MAX_CELL_CHARS))
        .unwrap_or_else(|| row.to_string());
    let text = match text.chars().count() > MAX_TEXT_CHARS {
        true => {
            findings.push(format!(
                "line {line}: the text is cut to {MAX_TEXT_CHARS} characters"
            ));
            cut(&text, MAX_TEXT_CHARS)
        }
        false => text,
    };
    let mut kept = Vec::new();
    for (i, name) in columns.names.iter().enumerate() {
        if i == columns.text || Some(i) == columns.id || Some(i) == columns.tags {
            continue;
        }
        if kept.len() == MAX_COLUMNS {
            break;
        }
        let value = get(i);
        if value.chars().count() > MAX_CELL_CHARS {
            findings.push(format!(
                "line {line}: `{}` is cut to {MAX_CELL_CHARS} characters",
                crate::text::printable(name)
            ));
        }
        kept.push((name.clone(), cut(&value, MAX_CELL_CHARS)));
    }
    let (tags, wrong) = columns
        .tags
        .map(|i| tags_of_cell(&get(i)))
        .unwrap_or_default();
    for name in wrong {
        findings.push(format!(
            "line {line}: `{}` in the tags column is not a tag name (lowercase letters, digits, - and _); left out",
            crate::text::printable(&cut(&name, 64))
        ));
    }
    let by = (!tags.is_empty()).then(|| IMPORTED.to_owned());
    Some(Item {
        id,
        text,
        columns: kept,
        tags,
        by,
    })
}

/// Which column is which: the text (named, or found), the id, the tags.
fn columns(names: &[String], wanted: Option<&str>) -> Result<Columns, String> {
    let position = |name: &str| {
        names
            .iter()
            .position(|n| n.trim().eq_ignore_ascii_case(name))
    };
    let listed = || {
        let shown: Vec<String> = names
            .iter()
            .take(MAX_COLUMNS)
            .map(|n| format!("`{}`", crate::text::printable(&cut(n, 64))))
            .collect();
        match shown.is_empty() {
            true => "it has none".to_owned(),
            false => format!("its columns: {}", shown.join(", ")),
        }
    };
    let text = match wanted {
        Some(name) => position(name).ok_or_else(|| {
            format!(
                "the CSV has no column `{}`; {}",
                crate::text::printable(name),
                listed()
            )
        })?,
        None => TEXT_COLUMNS
            .iter()
            .find_map(|n| position(n))
            .ok_or_else(|| {
                format!(
                    "no text column found (one named {}); name it with --text COLUMN; {}",
                    TEXT_COLUMNS.join(", "),
                    listed()
                )
            })?,
    };
    let other = |name: &str| position(name).filter(|i| *i != text);
    Ok(Columns {
        text,
        id: other("id"),
        tags: other("tags"),
        names: names.to_vec(),
    })
}

/// A cell as text: bytes that are not UTF-8 shown as `�`.
fn cell(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// At most `chars` characters of `text`.
fn cut(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((at, _)) => text[..at].to_owned(),
        None => text.to_owned(),
    }
}

/// Findings listed up to a number, then counted.
#[derive(Default)]
struct Findings {
    listed: Vec<String>,
    more: usize,
}

impl Findings {
    fn push(&mut self, finding: String) {
        match self.listed.len() < FINDINGS_LISTED {
            true => self.listed.push(finding),
            false => self.more += 1,
        }
    }

    fn done(mut self) -> Vec<String> {
        if self.more > 0 {
            self.listed
                .push(format!("and {} more like these", self.more));
        }
        self.listed
    }
}
