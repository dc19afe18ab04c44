//! The report as one self-contained HTML file: inline CSS and SVG, no scripts, no network.

use std::fmt::Write as _;

use super::cells::{self, TASK_COLUMNS};
use super::comparison::{self, Comparison};
use super::document::{self, Document};
use super::escape::escape;
use super::figures::{FlowVersion, TaskFigures};
use super::{Counting, FlowReport, Report, Verdict, svg};
use crate::format::{self, interval, minutes_seconds, percent_interval, seconds_or_missing};
use crate::stats::Sample;

const STYLE: &str = "
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2330;max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:21px;margin-top:36px;border-bottom:2px solid #e3e6ee;padding-bottom:4px}
h3{font-size:17px;margin-top:28px}h4{font-size:15px;margin:22px 0 6px;color:#46506a}
table{border-collapse:collapse;margin:6px 0 10px;font-size:13.5px}th,td{border-bottom:1px solid #e3e6ee;padding:4px 9px;text-align:left;vertical-align:top}
th{background:#f4f6fa;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
.summary li{margin:4px 0}.warning{background:#fff4e0;border-left:4px solid #e69500;padding:6px 10px}
.chart{display:block;max-width:100%;height:auto;margin:6px 0}.chart .label,.chart .value{font-size:12px;fill:#46506a}
.chart .bar{fill:#4c78c8}.chart .dot{fill:#4c78c8;fill-opacity:.55}.chart .median{stroke:#c8413c;stroke-width:2.5}
.chart .axis{stroke:#dde1ea}.chart .interval{stroke:#46506a;stroke-width:2}.chart .share{fill:#c8413c}
.muted{color:#6b7388}code{background:#f4f6fa;padding:0 3px;border-radius:3px}
@media print{body{padding:0;font-size:12px}h2{break-before:page}h2:first-of-type{break-before:auto}article,table,.chart{break-inside:avoid}}
";

/// The summary with its ids set as code.
fn summary(version: &FlowVersion) -> String {
    version
        .summary
        .words(|id| format!("<code>{}</code>", escape(id)))
}

/// The report as a page.
pub fn render(report: &Report) -> String {
    render_with(report, &[])
}

/// The report as a page, with `studies` (each study reported as one) after the
/// decision summary.
pub fn render_with(report: &Report, studies: &[Document]) -> String {
    let mut out = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>mvx report</title><style>{STYLE}</style></head><body>\n<h1>mvx report</h1><p class=\"muted\">Intervals are 95%. Every formula and its source: docs/statistics.md. {}</p>\n<section class=\"summary\"><h2>Decision summary</h2><ul>",
        escape(&cells::counting(&report.counting))
    );
    for flow in &report.flows {
        for version in &flow.versions {
            let _ = write!(
                out,
                "<li><strong>{} / {}</strong>: {}</li>",
                escape(&flow.flow),
                escape(&version.variant_name()),
                summary(version)
            );
        }
    }
    if report.flows.is_empty() {
        out.push_str("<li>No sessions found.</li>");
    }
    out.push_str("</ul></section>\n");
    for study in studies {
        let _ = writeln!(out, "<section class=\"study\">{}</section>", study.html());
    }
    for flow in &report.flows {
        render_flow(flow, &report.counting, &mut out);
    }
    if !report.data_problems.is_empty() {
        let left_out = report.data_problems.len();
        let _ = write!(
            out,
            "<h2>Data problems</h2><p>{left_out} event line{} left out of every figure above:</p><ul>",
            if left_out == 1 { " was" } else { "s were" }
        );
        for p in &report.data_problems {
            let _ = write!(
                out,
                "<li><code>{}:{}</code>: {}</li>",
                escape(&p.file),
                p.line,
                escape(&p.why)
            );
        }
        out.push_str("</ul>");
    }
    if !report.skipped.is_empty() {
        out.push_str("<h2>Skipped files</h2><ul>");
        for skipped in &report.skipped {
            let _ = write!(out, "<li>{}</li>", escape(skipped));
        }
        out.push_str("</ul>");
    }
    out.push_str("</body></html>\n");
    out
}

fn render_flow(flow: &FlowReport, counting: &Counting, out: &mut String) {
    let _ = write!(
        out,
        "<section><h2>{}: {}</h2>",
        escape(&flow.flow),
        escape(&flow.title)
    );
    for variant in &flow.mixed_versions {
        let _ = write!(
            out,
            "<p class=\"warning\">Variant <code>{}</code> was recorded with more than one version of the flow file; each version is reported on its own, and comparisons use its most-played version.</p>",
            escape(variant)
        );
    }
    if let Some(repeated) = cells::repeated(flow, counting) {
        let _ = write!(out, "<p class=\"warning\">{}</p>", escape(&repeated));
    }
    if let Some(fallback) =
        cells::baseline_not_found(flow, |id| format!("<code>{}</code>", escape(id)))
    {
        let _ = write!(out, "<p class=\"warning\">Note: {fallback}</p>");
    }
    if !flow.comparisons.is_empty() {
        completion_chart(flow, out);
    }
    for comparison in &flow.comparisons {
        render_comparison(comparison, out);
    }
    for version in &flow.versions {
        render_version(version, out);
    }
    out.push_str("</section>\n");
}

/// The variants' completion intervals side by side.
fn completion_chart(flow: &FlowReport, out: &mut String) {
    let rows: Vec<(String, f64, f64, f64)> = flow
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
        })
        .collect();
    out.push_str(&svg::intervals(
        "Completion rate with its 95% interval",
        &rows,
    ));
}

/// Every compared figure of one variant against the baseline.
fn render_comparison(comparison: &Comparison, out: &mut String) {
    let _ = write!(
        out,
        "<h3>Compared with the baseline: {} vs {}</h3><p>Baseline: {}. Variant: {}. {}{}</p>",
        escape(&comparison.variant.variant),
        escape(&comparison.baseline.variant),
        escape(&comparison.baseline.label()),
        escape(&comparison.variant.label()),
        comparison::UNITS,
        if comparison.holm {
            " p-values are Holm-adjusted across the variants compared with this baseline."
        } else {
            ""
        }
    );
    out.push_str(&document::html(&comparison::table(&comparison.rows)));
}

fn render_version(version: &FlowVersion, out: &mut String) {
    let s = &version.sessions;
    let sha: String = version.sha256.chars().take(12).collect();
    let _ = write!(
        out,
        "<article><h3>Variant <code>{}</code></h3><p class=\"muted\">Flow file {sha}…: {} sessions, {} complete, {} aborted, {} cut off.</p><p>{}</p>",
        escape(&version.variant_name()),
        s.total,
        s.complete,
        s.aborted,
        s.cut_off,
        summary(version)
    );
    out.push_str("<h4>Tasks</h4><table><tr>");
    for column in TASK_COLUMNS {
        let _ = write!(out, "<th>{column}</th>");
    }
    out.push_str("</tr>");
    for task in &version.tasks {
        task_row(task, out);
    }
    out.push_str("</table>");
    for task in &version.tasks {
        let _ = write!(
            out,
            "<p>Endings of <code>{}</code>: {}</p>",
            escape(&task.task),
            escape(&cells::endings(task))
        );
    }
    if !version.friction.is_empty() {
        out.push_str("<h4>Friction (top five)</h4><ol>");
        for f in &version.friction {
            let _ = write!(
                out,
                "<li><code>{}</code> (score {}): {}</li>",
                escape(&f.step),
                format::number(f.score, 2),
                escape(&f.reason.text())
            );
        }
        out.push_str("</ol>");
    }
    render_steps(version, out);
    for task in &version.tasks {
        render_paths(task, out);
    }
    if !version.verdicts.is_empty() {
        out.push_str("<h4>Verdicts</h4>");
        for verdict in &version.verdicts {
            render_verdict(verdict, out);
        }
    }
    if !version.notes.is_empty() {
        out.push_str("<h4>Notes</h4><ul>");
        for note in &version.notes {
            let _ = write!(
                out,
                "<li>{} at {} ({}): {}</li>",
                escape(&note.participant),
                minutes_seconds(note.at_ms),
                note.by.word(),
                escape(&note.text)
            );
        }
        out.push_str("</ul>");
    }
    if let Some(sus) = &version.sus {
        let _ = write!(out, "<p>SUS: {}</p>", cells::mean_with_interval(sus, 1));
    }
    if let Some(umux) = &version.umux_lite {
        let _ = write!(
            out,
            "<p>UMUX-Lite: {}</p>",
            cells::mean_with_interval(umux, 1)
        );
    }
    out.push_str("</article>");
}

fn task_row(task: &TaskFigures, out: &mut String) {
    let row = cells::task_row(task);
    let _ = write!(out, "<tr><td><code>{}</code></td>", escape(&row[0]));
    for value in &row[1..] {
        let _ = write!(out, "<td class=\"n\">{}</td>", escape(value));
    }
    out.push_str("</tr>");
}

fn render_steps(version: &FlowVersion, out: &mut String) {
    out.push_str("<h4>Hesitation per step</h4><p class=\"muted\">Each dot is one visit; the red tick is the median.</p>");
    let rows: Vec<(&str, &Sample, Option<f64>)> = version
        .steps
        .iter()
        .filter(|s| !s.hesitations_s.is_empty())
        .map(|s| (s.step.as_str(), &s.hesitations_s, s.hesitation_median_s))
        .collect();
    out.push_str(&svg::strips("Hesitation per step, in seconds", &rows));
    out.push_str("<table><tr><th>step</th><th>visits</th><th>hesitation median</th><th>p90</th><th>decision median</th><th>p90</th><th>backtracks</th><th>drop-offs</th></tr>");
    for step in &version.steps {
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&step.step),
            step.visits,
            seconds_or_missing(step.hesitation_median_s),
            seconds_or_missing(step.hesitation_p90_s),
            seconds_or_missing(step.decision_median_s),
            seconds_or_missing(step.decision_p90_s),
            step.backtracks,
            step.drop_offs
        );
    }
    out.push_str("</table>");
    for step in version.steps.iter().filter(|s| s.choices.len() > 1) {
        let rows: Vec<(String, f64, String)> = step
            .choices
            .iter()
            .map(|(c, n)| (c.clone(), *n as f64, n.to_string()))
            .collect();
        let _ = write!(out, "<p>Choices on <code>{}</code></p>", escape(&step.step));
        out.push_str(&svg::bars(&format!("Choices made on {}", step.step), &rows));
    }
}

fn render_paths(task: &TaskFigures, out: &mut String) {
    let _ = write!(
        out,
        "<h4>Paths of <code>{}</code></h4><table><tr><th>path</th><th>outcome</th><th>attempts</th></tr>",
        escape(&task.task)
    );
    for path in &task.paths {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
            escape(&format::path(&path.path)),
            path.outcome.word(),
            path.count
        );
    }
    out.push_str("</table>");
    if !task.funnel.is_empty() {
        out.push_str("<p>Funnel along the most frequent successful path: attempts that reached each step.</p>");
        let rows: Vec<(String, f64, String)> = task
            .funnel
            .iter()
            .map(|(s, n)| (s.clone(), *n as f64, n.to_string()))
            .collect();
        out.push_str(&svg::bars("Funnel", &rows));
    }
}

fn render_verdict(verdict: &Verdict, out: &mut String) {
    let _ = write!(
        out,
        "<p><code>{}</code>: {} answers",
        escape(&verdict.question),
        verdict.answers
    );
    if let Some(yes) = &verdict.yes {
        let ci = yes
            .interval
            .map_or(String::new(), |i| format!(" ({})", percent_interval(i)));
        let _ = write!(out, "; Yes: {}/{}{ci}", yes.count, yes.of);
    }
    if let Some(scale) = &verdict.scale {
        let ci = scale
            .interval
            .map_or(String::new(), |i| format!(" ({})", interval(i, 2)));
        let _ = write!(out, "; mean {}{ci}", format::number(scale.mean, 2));
    }
    if let Some(standard) = &verdict.standard {
        let _ = write!(out, "; {}", escape(&standard.text()));
    }
    out.push_str("</p>");
    let rows: Vec<(String, f64, String)> = if verdict.options.is_empty() {
        verdict
            .distribution
            .iter()
            .map(|(v, n)| (v.to_string(), *n as f64, n.to_string()))
            .collect()
    } else {
        verdict
            .options
            .iter()
            .map(|(o, n)| (o.clone(), *n as f64, n.to_string()))
            .collect()
    };
    if !rows.is_empty() {
        out.push_str(&svg::bars(
            &format!("Answers to {}", verdict.question),
            &rows,
        ));
    }
    if !verdict.texts.is_empty() {
        out.push_str("<ul>");
        for (who, text) in &verdict.texts {
            let _ = write!(out, "<li>{}: “{}”</li>", escape(who), escape(text));
        }
        out.push_str("</ul>");
    }
}
