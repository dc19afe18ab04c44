//! The report as Markdown: the document of `report/words.rs`, set as Markdown.

use super::Report;
use super::words;

pub fn render(report: &Report) -> String {
    words::document(report).markdown()
}
