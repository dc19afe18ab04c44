//! The report as Markdown: the document of `report/words.rs`, set as Markdown.

use super::Report;
use super::document::Document;
use super::words;

pub fn render(report: &Report) -> String {
    words::document(report).markdown()
}

/// The report after `studies` (each reported as one, the first opening with the
/// customer's numbers), all as Markdown, a blank line after each study.
pub fn render_with(report: &Report, mut studies: Vec<Document>) -> String {
    let shown = super::screen::Illustrations::default();
    let flows = words::after_studies(report, &shown, &mut studies);
    let studies: String = studies.iter().map(|d| d.markdown() + "\n").collect();
    studies + &flows.markdown()
}
