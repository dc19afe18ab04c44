//! The report worded once, as a [`Document`]: the decision summary, each flow's versions
//! and comparisons, data problems and skipped files. Markdown and HTML set these same
//! blocks; only HTML draws the charts.

mod customer;
mod findings;
mod frictions;
mod version;

use super::cells;
use super::comparison::{self, Comparison};
use super::document::{Block, Chart, Document, Line};
use super::figures::TaskFigures;
use super::screen::Illustrations;
use super::{FlowReport, Report};

/// The report as a document.
pub fn document(report: &Report) -> Document {
    document_with(report, &Illustrations::default(), Opening::Numbers)
}

/// Whether a report opens with the customer's three numbers, or follows a study's
/// report that did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    Numbers,
    AfterStudy,
}

/// The report as a document, each step row with its screen and its moments in the
/// page's replays where `shown` has them.
pub fn document_with(report: &Report, shown: &Illustrations, opening: Opening) -> Document {
    let mut doc = Document::default();
    doc.push(Block::Heading(1, Line::text(title(report))));
    doc.push(Block::Paragraph(Line::text(cells::counting(
        &report.counting,
    ))));
    if report.later_trials_left_out > 0 {
        let n = report.later_trials_left_out;
        doc.push(Block::Paragraph(Line::text(format!(
            "{n} later session{} of studies with returns {} left out here: their participants are counted at their first session, and the study's returns section reports every session.",
            if n == 1 { "" } else { "s" },
            if n == 1 { "is" } else { "are" },
        ))));
    }
    if opening == Opening::Numbers {
        doc.0.extend(customer::blocks(report));
    }
    doc.push(Block::Heading(2, Line::text("Decision summary")));
    if report.flows.is_empty() {
        doc.push(Block::Paragraph(Line::text("No sessions found.")));
    }
    let summary = report.flows.iter().flat_map(|flow| {
        flow.versions.iter().map(move |version| {
            let name = format!("{} / {}", flow.flow, version.variant_name());
            let words = Line::with_ids(|id| version.summary.words(id));
            let mut line = Line::default().strong(name).and(": ");
            line.0.extend(words.0);
            line
        })
    });
    doc.push(Block::list(summary.collect()));
    doc.0.extend(frictions::blocks(&report.frictions_addressed));
    doc.0.extend(findings::blocks(&report.findings, shown));
    for flow in &report.flows {
        flow_blocks(flow, report, shown, &mut doc);
    }
    if !report.data_problems.is_empty() {
        let left_out = report.data_problems.len();
        doc.push(Block::Heading(2, Line::text("Data problems")));
        doc.push(Block::Paragraph(Line::text(format!(
            "{left_out} event line{} left out of every figure above:",
            if left_out == 1 { " was" } else { "s were" }
        ))));
        let problems = report
            .data_problems
            .iter()
            .map(|p| Line::text(format!("{}:{}: {}", p.file, p.line, p.why)));
        doc.push(Block::list(problems.collect()));
    }
    if !report.skipped.is_empty() {
        doc.push(Block::Heading(2, Line::text("Skipped files")));
        doc.push(Block::list(report.skipped.iter().map(Line::text).collect()));
    }
    doc.push(Block::Paragraph(Line::text(
        "Formulas and sources: docs/statistics.md. Intervals are 95%.",
    )));
    doc
}

fn flow_blocks(flow: &FlowReport, report: &Report, shown: &Illustrations, doc: &mut Document) {
    doc.push(Block::Heading(
        2,
        Line::text(format!("{}: {}", flow.flow, flow.title)),
    ));
    for variant in &flow.mixed_versions {
        doc.push(Block::Aside(
            "Warning",
            Line::text("variant ").code(variant).and(
                " was recorded with more than one version of the flow file; each version is reported on its own, and comparisons use its most-played version.",
            ),
        ));
    }
    if let Some(repeated) = cells::repeated(flow, &report.counting) {
        doc.push(Block::Aside("Note", Line::text(repeated)));
    }
    if flow.baseline_not_found.is_some() {
        let fallback = Line::with_ids(|id| cells::baseline_not_found(flow, id).unwrap_or_default());
        doc.push(Block::Aside("Note", fallback));
    }
    if !flow.comparisons.is_empty() {
        // The variants side by side, a row per variant and task, before each on its own.
        doc.push(Block::Chart(completion_chart(flow)));
        let tasks: Vec<(String, &TaskFigures)> = (flow.versions.iter())
            .flat_map(|v| {
                (v.tasks.iter()).map(move |t| (format!("{} · {}", v.variant_name(), t.task), t))
            })
            .collect();
        version::outcome_and_time_charts(&tasks, doc);
    }
    for version in &flow.versions {
        let key = (
            flow.flow.clone(),
            version.variant.clone(),
            version.sha256.clone(),
        );
        version::blocks(version, (shown, &key), doc);
    }
    for comparison in &flow.comparisons {
        comparison_blocks(comparison, doc);
    }
}

/// The variants' completion intervals side by side.
fn completion_chart(flow: &FlowReport) -> Chart {
    let rows = flow
        .versions
        .iter()
        .flat_map(|v| v.tasks.iter().map(move |t| (v, t)))
        .filter_map(|(v, t)| {
            let i = t.completion?;
            let share = t.successes as f64 / t.counted.max(1) as f64;
            Some((
                format!("{} · {}", v.variant_name(), t.task),
                share,
                i.low,
                i.high,
            ))
        });
    Chart::Intervals {
        title: "Completion rate with its 95% interval".into(),
        rows: rows.collect(),
    }
}

/// Every compared figure of one variant against the baseline.
fn comparison_blocks(comparison: &Comparison, doc: &mut Document) {
    doc.push(Block::Heading(
        3,
        Line::text(format!(
            "Compared with the baseline: {} vs {}",
            comparison.variant.variant, comparison.baseline.variant
        )),
    ));
    let holm = match comparison.holm {
        true => " p-values are Holm-adjusted across the variants compared with this baseline.",
        false => "",
    };
    doc.push(Block::Paragraph(Line::text(format!(
        "Baseline: {}. Variant: {}. {}{holm}",
        comparison.baseline.label(),
        comparison.variant.label(),
        comparison::UNITS
    ))));
    doc.push(comparison::table(&comparison.rows));
}

/// The report as the document after `studies` (each reported as one): the first study
/// opens with the customer's three numbers and the report does not repeat them; without
/// studies the report opens with them.
pub fn after_studies(report: &Report, shown: &Illustrations, studies: &mut [Document]) -> Document {
    let opening = match studies.first_mut() {
        Some(study) => {
            study.open_with(customer::blocks(report));
            Opening::AfterStudy
        }
        None => Opening::Numbers,
    };
    document_with(report, shown, opening)
}

/// The report's title: `Report: ` and the flows' titles (the first three, then how many
/// more), or `Report` when no flow was reported.
pub fn title(report: &Report) -> String {
    let mut titles: Vec<&str> = Vec::new();
    for flow in &report.flows {
        if !titles.contains(&flow.title.as_str()) {
            titles.push(&flow.title);
        }
    }
    match titles.len() {
        0 => "Report".into(),
        1..=3 => format!("Report: {}", titles.join(" · ")),
        n => format!("Report: {} and {} more", titles[..2].join(" · "), n - 2),
    }
}
