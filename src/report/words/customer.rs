//! The customer's three numbers, per flow and variant, that open a report before its
//! decision: time to resolution (how long the task took those who got it done),
//! satisfaction (CSAT, where the flow asks it) and repeat usage (whether people came
//! back; not measured until a study schedules returns). docs/report.md says why these.

use crate::format::{self, or_missing, percent, percent_interval, seconds_interval};
use crate::report::Report;
use crate::report::document::{Block, Line, columns};
use crate::report::figures::FlowVersion;
use crate::report::verdicts::Standard;

/// What a missing satisfaction figure says.
const NOT_ASKED: &str = "not asked";
/// What repeat usage says until a study schedules returns.
const NOT_MEASURED: &str = "not measured";

/// The heading, a sentence on what the numbers are, and a row per flow and variant;
/// nothing when no flow was reported.
pub fn blocks(report: &Report) -> Vec<Block> {
    let rows: Vec<Vec<Line>> = (report.flows.iter())
        .flat_map(|flow| {
            (flow.versions.iter()).map(move |version| {
                vec![
                    Line::default().code(&flow.flow),
                    Line::default().code(version.variant_name()),
                    Line::text(time_to_resolution(version)),
                    Line::text(satisfaction(version)),
                    Line::text(repeat_usage(report, version)),
                ]
            })
        })
        .collect();
    if rows.is_empty() {
        return Vec::new();
    }
    let asked = rows.iter().any(|row| row[3].plain() != NOT_ASKED);
    let mut blocks = vec![
        Block::Heading(2, Line::text("What matters to customers")),
        Block::Paragraph(Line::text(
            "Per variant: time to resolution (the task time of those who completed it, \
             geometric mean and 95% interval), satisfaction (CSAT: the share answering 4 or \
             5 of 5, with its 95% interval) and repeat usage (who came back).",
        )),
        Block::Table {
            columns: columns(&[
                "flow",
                "variant",
                "time to resolution",
                "satisfaction",
                "repeat usage",
            ]),
            rows,
        },
    ];
    let mut missing = Vec::new();
    if !asked {
        missing.push(
            Line::text("Satisfaction: no flow asks it; a question with the id ")
                .code("csat")
                .and(" (1 to 5) measures it."),
        );
    }
    match report.repeat_usage.is_empty() {
        true => missing.push(Line::text(
            "Repeat usage: not measured; it needs participants invited back for a later session \
             (a study's `sessions:` and `schedule:`, docs/returns.md).",
        )),
        false => missing.push(Line::text(
            "Repeat usage: of the participants whose second session had opened, how many came \
             back for it (adjusted-Wald 95% interval); the returns section has every session.",
        )),
    }
    blocks.push(Block::list(missing));
    blocks
}

/// Each task's geometric mean time of those who completed it, with its interval; the
/// task named when there are several.
fn time_to_resolution(version: &FlowVersion) -> String {
    let several = version.tasks.len() > 1;
    let times: Vec<String> = (version.tasks.iter())
        .map(|task| {
            let n = task.success_times_s.len();
            let time = match task.time_geometric_mean_s {
                None => "no one completed it".to_owned(),
                Some(s) => {
                    let interval = or_missing(task.time_interval_s.map(seconds_interval));
                    let n = match n < format::SMALL_N {
                        true => format!("; n = {n}"),
                        false => String::new(),
                    };
                    format!("{} ({interval}{n})", format::seconds(s))
                }
            };
            match several {
                true => format!("{}: {time}", task.task),
                false => time,
            }
        })
        .collect();
    match times.is_empty() {
        true => format::MISSING.into(),
        false => times.join("; "),
    }
}

/// Who came back for their second session, where a study with returns measured it.
fn repeat_usage(report: &Report, version: &FlowVersion) -> String {
    let found = (report.repeat_usage.iter()).find(|r| r.variant == version.variant_name());
    match found {
        None => NOT_MEASURED.into(),
        Some(r) if r.due == 0 => "no one due back yet".into(),
        Some(r) => format!(
            "{}/{} came back ({}, {})",
            r.returned,
            r.due,
            percent(r.returned as f64 / r.due as f64),
            or_missing(r.interval.map(percent_interval))
        ),
    }
}

/// CSAT's top-two share with its interval, where asked.
fn satisfaction(version: &FlowVersion) -> String {
    let csat = (version.verdicts.iter()).find_map(|v| match v.standard {
        Some(Standard::Csat {
            top_two,
            of,
            interval,
            ..
        }) if of > 0 => Some((top_two, of, interval)),
        _ => None,
    });
    match csat {
        None => NOT_ASKED.into(),
        Some((top_two, of, interval)) => format!(
            "{top_two}/{of} satisfied ({}, {})",
            percent(top_two as f64 / of as f64),
            or_missing(interval.map(percent_interval))
        ),
    }
}
