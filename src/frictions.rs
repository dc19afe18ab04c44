//! The friction map: items people wrote before any prototype (support tickets, reviews,
//! interview notes), imported from a CSV, tagged with the codebook, and ranked by the
//! tags that code them (docs/findings.md, "The friction map"). A flow names the
//! frictions it sets out to solve with `addresses:`; the report answers per friction.

mod file;
mod import;
mod rank;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use file::{FRICTIONS_FILE, SCHEMA, read, write};
pub use import::{
    Imported, MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, MAX_TEXT_CHARS, TEXT_COLUMNS, import,
};
pub use rank::{Friction, MAX_QUOTES, QUOTE_CHARS, QUOTE_MIN_WORDS, Ranking, rank};

/// The file name a friction map is found by.
pub const FILE_NAME: &str = "frictions.yaml";

/// Who tagged an item whose tags came from the CSV's `tags` column.
pub const IMPORTED: &str = "import";

/// One thing a person wrote: a ticket, a review, a note from an interview.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// The row's `id` column, or its row number (the header is row 0) when there is none.
    pub id: String,
    /// The words, as written: hostile input, escaped wherever it is shown.
    pub text: String,
    /// The row's other columns (not the text, id or tags), in the file's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<(String, String)>,
    /// The codebook's tags that code it, in the order given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Who tagged it: a coder's name (`--coder`), or [`IMPORTED`] for the tags column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

impl Item {
    pub fn is_tagged(&self) -> bool {
        !self.tags.is_empty()
    }
}

/// A friction file: where its items came from, and the items.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrictionMap {
    /// The CSV's file name, as imported.
    pub source: String,
    pub items: Vec<Item>,
}

impl FrictionMap {
    pub fn tagged(&self) -> usize {
        self.items.iter().filter(|i| i.is_tagged()).count()
    }
}

/// The friction map of a report or a command: `explicit` (`--frictions FILE`) when
/// given, even if missing, so that opening it says so; else `frictions.yaml` in the
/// folder of the study file, else of the flow file, else in the current folder: the
/// folders a codebook is found in (`crate::codebook::find`), so the two sit together.
pub fn find(explicit: Option<&Path>, study: Option<&Path>, flow: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_path_buf());
    }
    let folders = [study, flow].into_iter().flatten().filter_map(Path::parent);
    folders
        .chain([Path::new("")])
        .map(|folder| folder.join(FILE_NAME))
        .find(|path| path.is_file())
}

/// The tags of a `tags` cell: `#a #b` as a note writes them, or a list `a;b` / `a, b`.
/// A name that is not a tag name (`Slow Load`, `x/y`) is returned apart, as written.
pub fn tags_of_cell(cell: &str) -> (Vec<String>, Vec<String>) {
    let cell = cell.trim();
    if cell.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let words: Vec<String> = match cell.contains('#') {
        true => cell.split_whitespace().map(str::to_owned).collect(),
        false => cell
            .split([';', ','])
            .map(|w| w.trim())
            .filter(|w| !w.is_empty())
            .map(|w| format!("#{w}"))
            .collect(),
    };
    let (mut tags, mut wrong) = (Vec::new(), Vec::new());
    for word in words {
        let lower = word.to_lowercase();
        let found = crate::session::moments::tags_in(&lower);
        match found.as_slice() {
            [tag] if lower == format!("#{tag}") => {
                if !tags.contains(tag) {
                    tags.push(tag.clone());
                }
            }
            _ => wrong.push(word.trim_start_matches('#').to_owned()),
        }
    }
    (tags, wrong)
}
