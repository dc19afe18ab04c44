//! The report as Markdown: a decision summary first, then each flow's figures.

use std::fmt::Write as _;

use super::cells::{self, TASK_COLUMNS};
use super::comparison::{self, Comparison};
use super::document;
use super::figures::{FlowVersion, TaskFigures};
use super::{Counting, FlowReport, Report, Verdict};
use crate::format::{self, minutes_seconds, or_missing, percent_interval, seconds_or_missing};
use crate::text::printable;

pub fn render(report: &Report) -> String {
    let mut out = String::from("# mvx report\n\n");
    let _ = writeln!(
        out,
        "{}\n\n## Decision summary\n",
        cells::counting(&report.counting)
    );
    if report.flows.is_empty() {
        out.push_str("No sessions found.\n");
    }
    for flow in &report.flows {
        for version in &flow.versions {
            let _ = writeln!(
                out,
                "- **{} / {}**: {}",
                cell(&flow.flow),
                cell(&version.variant_name()),
                version.summary.words(|id| format!("`{}`", cell(id)))
            );
        }
    }
    for flow in &report.flows {
        render_flow(flow, &report.counting, &mut out);
    }
    if !report.data_problems.is_empty() {
        let left_out = report.data_problems.len();
        let _ = writeln!(
            out,
            "\n## Data problems\n\n{left_out} event line{} left out of every figure above:\n",
            if left_out == 1 { " was" } else { "s were" }
        );
        for p in &report.data_problems {
            let _ = writeln!(out, "- {}:{}: {}", cell(&p.file), p.line, cell(&p.why));
        }
    }
    if !report.skipped.is_empty() {
        out.push_str("\n## Skipped files\n\n");
        for skipped in &report.skipped {
            let _ = writeln!(out, "- {}", cell(skipped));
        }
    }
    out.push_str("\nFormulas and sources: docs/statistics.md. Intervals are 95%.\n");
    out
}

/// Text made safe for a table cell: no control characters, pipes escaped, one line.
fn cell(text: &str) -> String {
    printable(text).replace('|', "\\|").replace('\n', " ")
}

fn render_flow(flow: &FlowReport, counting: &Counting, out: &mut String) {
    let _ = writeln!(out, "\n## {}: {}\n", cell(&flow.flow), cell(&flow.title));
    for variant in &flow.mixed_versions {
        let _ = writeln!(
            out,
            "> **Warning:** variant `{}` was recorded with more than one version of the flow file; each version is reported on its own, and comparisons use its most-played version.\n",
            cell(variant)
        );
    }
    if let Some(repeated) = cells::repeated(flow, counting) {
        let _ = writeln!(out, "> **Note:** {}\n", cell(&repeated));
    }
    if let Some(fallback) = cells::baseline_not_found(flow, |id| format!("`{}`", cell(id))) {
        let _ = writeln!(out, "> **Note:** {fallback}\n");
    }
    for version in &flow.versions {
        render_version(version, out);
    }
    for comparison in &flow.comparisons {
        render_comparison(comparison, out);
    }
}

fn render_comparison(comparison: &Comparison, out: &mut String) {
    let _ = writeln!(
        out,
        "\n### Compared with the baseline: {} vs {}\n\nBaseline: {}. Variant: {}. {}",
        cell(&comparison.variant.variant),
        cell(&comparison.baseline.variant),
        cell(&comparison.baseline.label()),
        cell(&comparison.variant.label()),
        comparison::UNITS
    );
    if comparison.holm {
        out.push_str(
            "p-values are Holm-adjusted across the variants compared with this baseline.\n",
        );
    }
    out.push('\n');
    out.push_str(&document::markdown(&comparison::table(&comparison.rows)));
}

fn render_version(version: &FlowVersion, out: &mut String) {
    let s = &version.sessions;
    let sha: String = version.sha256.chars().take(12).collect();
    let repeats = match s.repeats_left_out {
        0 => String::new(),
        n => format!(
            "; {n} later session{} of repeated participants left out",
            if n == 1 { "" } else { "s" }
        ),
    };
    let _ = writeln!(
        out,
        "\n### Variant `{}` (flow file {sha}…): {} session{}, {} complete, {} aborted, {} cut off{repeats}\n",
        cell(&version.variant_name()),
        s.total,
        if s.total == 1 { "" } else { "s" },
        s.complete,
        s.aborted,
        s.cut_off
    );
    let _ = writeln!(
        out,
        "#### Tasks\n\n| {} |\n|{}",
        TASK_COLUMNS.join(" | "),
        "---|".repeat(TASK_COLUMNS.len())
    );
    for task in &version.tasks {
        render_task_row(task, out);
    }
    for task in &version.tasks {
        let _ = writeln!(
            out,
            "\nEndings of `{}`: {}",
            cell(&task.task),
            cell(&cells::endings(task))
        );
    }
    if !version.friction.is_empty() {
        out.push_str("\n#### Friction (top five)\n\n");
        for (i, f) in version.friction.iter().enumerate() {
            let _ = writeln!(
                out,
                "{}. `{}` (score {}): {}",
                i + 1,
                cell(&f.step),
                format::number(f.score, 2),
                f.reason.text()
            );
        }
    }
    render_steps(version, out);
    for task in &version.tasks {
        render_paths(task, out);
    }
    if !version.verdicts.is_empty() {
        out.push_str("\n#### Verdicts\n\n");
        for verdict in &version.verdicts {
            render_verdict(verdict, out);
        }
    }
    if !version.notes.is_empty() {
        out.push_str("\n#### Notes\n\n");
        for note in &version.notes {
            let _ = writeln!(
                out,
                "- {} at {} ({}): {}",
                cell(&note.participant),
                minutes_seconds(note.at_ms),
                note.by.word(),
                cell(&note.text)
            );
        }
    }
    if let Some(sus) = &version.sus {
        let _ = writeln!(out, "\nSUS: {}", cells::mean_with_interval(sus, 1));
    }
    if let Some(umux) = &version.umux_lite {
        let _ = writeln!(out, "\nUMUX-Lite: {}", cells::mean_with_interval(umux, 1));
    }
}

fn render_steps(version: &FlowVersion, out: &mut String) {
    out.push_str("\n#### Steps\n\n| step | visits | hesitation median | p90 | decision median | p90 | backtracks | drop-offs | choices |\n|---|---|---|---|---|---|---|---|---|\n");
    for step in &version.steps {
        let choices: Vec<String> = step
            .choices
            .iter()
            .map(|(c, n)| format!("{} ×{n}", cell(c)))
            .collect();
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(&step.step),
            step.visits,
            seconds_or_missing(step.hesitation_median_s),
            seconds_or_missing(step.hesitation_p90_s),
            seconds_or_missing(step.decision_median_s),
            seconds_or_missing(step.decision_p90_s),
            step.backtracks,
            step.drop_offs,
            choices.join(", ")
        );
    }
}

fn render_task_row(task: &TaskFigures, out: &mut String) {
    let mut row = cells::task_row(task);
    row[0] = format!("`{}`", cell(&row[0]));
    let _ = writeln!(out, "| {} |", row.join(" | "));
}

fn render_paths(task: &TaskFigures, out: &mut String) {
    let _ = writeln!(
        out,
        "\n#### Paths of `{}`\n\n| path | outcome | attempts |\n|---|---|---|",
        cell(&task.task)
    );
    for path in &task.paths {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            cell(&format::path(&path.path)),
            path.outcome.word(),
            path.count
        );
    }
    if !task.funnel.is_empty() {
        let steps: Vec<String> = task
            .funnel
            .iter()
            .map(|(s, n)| format!("`{}` {n}", cell(s)))
            .collect();
        let _ = writeln!(
            out,
            "\nFunnel along the most frequent successful path: {}",
            steps.join(format::ARROW)
        );
    }
}

fn render_verdict(verdict: &Verdict, out: &mut String) {
    let mut parts = Vec::new();
    if !verdict.options.is_empty() {
        let options: Vec<String> = verdict
            .options
            .iter()
            .map(|(o, n)| format!("{} {n}", cell(o)))
            .collect();
        parts.push(options.join(", "));
    }
    if let Some(yes) = &verdict.yes {
        parts.push(format!(
            "Yes: {}/{} ({})",
            yes.count,
            yes.of,
            or_missing(yes.interval.map(percent_interval))
        ));
    }
    if let Some(standard) = &verdict.standard {
        parts.push(standard.text());
    }
    if let Some(scale) = &verdict.scale {
        let distribution: Vec<String> = verdict
            .distribution
            .iter()
            .map(|(v, n)| format!("{v}: {n}"))
            .collect();
        parts.push(format!(
            "mean {}; {}",
            cells::mean_with_interval(scale, 2),
            distribution.join(", ")
        ));
    }
    let _ = writeln!(out, "- `{}`: {}", cell(&verdict.question), parts.join("; "));
    for (participant, text) in &verdict.texts {
        let _ = writeln!(out, "  - {}: “{}”", cell(participant), cell(text));
    }
}
