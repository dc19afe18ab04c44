//! Small inline SVG charts for the HTML report: no scripts, no network, print-friendly.

mod curves;

use std::fmt::Write as _;

use super::escape::escape;
use crate::format::{percent, seconds};
use crate::stats::Sample;

pub use curves::{Curve, curves};

/// The parts of an outcome bar, in order, as its legend names them.
pub const OUTCOMES: [&str; 5] = [
    "direct success",
    "indirect success",
    "failure",
    "gave up",
    "timed out",
];

/// One bar of an outcome chart (`Chart::Outcomes`).
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeRow {
    pub label: String,
    pub counts: [usize; 5],
    /// The completion interval, as shares.
    pub interval: Option<(f64, f64)>,
    /// The row in words.
    pub words: String,
}

/// One step of a path tree (`Chart::Paths`): the attempts that walked the path to it.
#[derive(Debug, Clone, PartialEq)]
pub struct PathNode {
    pub step: String,
    /// Steps from the first (0), and the node it was reached from.
    pub depth: usize,
    pub parent: Option<usize>,
    pub attempts: usize,
    /// Attempts that ended here: in a success, and otherwise.
    pub succeeded_here: usize,
    pub failed_here: usize,
    /// On the path the flow expects.
    pub expected: bool,
}

const WIDTH: f64 = 560.0;
const LABEL: f64 = 190.0;
const ROW: f64 = 22.0;

fn open(height: f64, title: &str) -> String {
    format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        escape(title)
    )
}

/// Characters of a row's label that fit left of the chart at its font size.
const LABEL_CHARS: usize = 27;

/// A row's label, right-aligned before the chart; a label too long for its room is cut
/// with an ellipsis, and its whole text is the label's tooltip and what a screen reader
/// reads.
fn label(out: &mut String, y: f64, text: &str) {
    let shown: String = match text.chars().count() > LABEL_CHARS {
        true => text.chars().take(LABEL_CHARS - 1).chain(['…']).collect(),
        false => text.to_owned(),
    };
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\"><title>{}</title>{}</text>",
        LABEL - 8.0,
        y + 15.0,
        escape(text),
        escape(&shown)
    );
}

/// The ends of a chart's horizontal axis, labelled, under its last row.
fn axis(out: &mut String, rows: usize, span: f64, low: &str, high: &str) {
    let bottom = rows as f64 * ROW + 16.0;
    let _ = write!(
        out,
        "<text x=\"{LABEL}\" y=\"{bottom}\" class=\"value\">{low}</text><text x=\"{:.1}\" y=\"{bottom}\" text-anchor=\"end\" class=\"value\">{high}</text>",
        LABEL + span
    );
}

/// Horizontal bars, one per row, scaled to the largest value; each bar ends with its value.
pub fn bars(title: &str, rows: &[(String, f64, String)]) -> String {
    let max = rows
        .iter()
        .map(|r| r.1)
        .fold(0.0, f64::max)
        .max(f64::EPSILON);
    let height = rows.len() as f64 * ROW + 4.0;
    let mut out = open(height, title);
    let span = WIDTH - LABEL - 70.0;
    for (i, (name, value, shown)) in rows.iter().enumerate() {
        let y = i as f64 * ROW + 2.0;
        label(&mut out, y, name);
        let w = (value / max * span).max(1.0);
        let _ = write!(
            out,
            "<rect x=\"{LABEL}\" y=\"{}\" width=\"{w:.1}\" height=\"{}\" class=\"bar\"/><text x=\"{:.1}\" y=\"{}\" class=\"value\">{}</text>",
            y + 3.0,
            ROW - 8.0,
            LABEL + w + 6.0,
            y + 15.0,
            escape(shown)
        );
    }
    out.push_str("</svg>");
    out
}

/// A strip's interval, its low and high ends.
pub type Band = Option<(f64, f64)>;

/// One row per step or task: every value as a dot on a shared time axis, the middle (a
/// median or a geometric mean) a tick, its interval (when given) a band behind them.
pub fn strips(title: &str, rows: &[(&str, &Sample, Option<f64>, Band)]) -> String {
    let max = rows
        .iter()
        .flat_map(|r| [r.1.last(), r.3.map(|b| b.1)])
        .flatten()
        .fold(0.0, f64::max)
        .max(1.0);
    let height = rows.len() as f64 * ROW + 24.0;
    let span = WIDTH - LABEL - 20.0;
    let x = |v: f64| LABEL + v / max * span;
    let mut out = open(height, title);
    for (i, (name, values, median, band)) in rows.iter().enumerate() {
        let y = i as f64 * ROW + 2.0;
        label(&mut out, y, name);
        let _ = write!(
            out,
            "<line x1=\"{LABEL}\" x2=\"{:.1}\" y1=\"{}\" y2=\"{}\" class=\"axis\"/>",
            LABEL + span,
            y + 11.0,
            y + 11.0
        );
        if let Some((low, high)) = band {
            let _ = write!(
                out,
                "<rect x=\"{:.1}\" y=\"{}\" width=\"{:.1}\" height=\"12\" class=\"band\"/>",
                x(*low),
                y + 5.0,
                (x(*high) - x(*low)).max(1.0)
            );
        }
        dots(&mut out, values, x, y + 11.0);
        if let Some(m) = median {
            let _ = write!(
                out,
                "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{1}\" y2=\"{2}\" class=\"median\"/>",
                x(*m),
                y + 3.0,
                y + 19.0
            );
        }
    }
    axis(&mut out, rows.len(), span, &seconds(0.0), &seconds(max));
    out.push_str("</svg>");
    out
}

/// The opacity of one dot: the `.dot` fill-opacity of the report's style (html.rs).
const DOT_OPACITY: f64 = 0.55;

/// A dot per value on one row. Values that land on the same spot are drawn once, as dark
/// as that many dots drawn over each other would be (`1 - (1 - a)^n`): the chart looks
/// the same, and its size grows with the width of the axis, not with the visits.
fn dots(out: &mut String, values: &Sample, x: impl Fn(f64) -> f64, cy: f64) {
    let mut spot: Option<(String, u64)> = None;
    let draw = |out: &mut String, (cx, times): (String, u64)| {
        let _ = write!(out, "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"3\" class=\"dot\"");
        if times > 1 {
            let opacity = 1.0 - (1.0 - DOT_OPACITY).powi(times.min(64) as i32);
            let _ = write!(out, " style=\"fill-opacity:{opacity:.3}\"");
        }
        out.push_str("/>");
    };
    for (value, times) in values.counts() {
        let cx = format!("{:.1}", x(value));
        match spot.as_mut() {
            Some((at, count)) if *at == cx => *count += times,
            _ => {
                if let Some(done) = spot.replace((cx, times)) {
                    draw(out, done);
                }
            }
        }
    }
    if let Some(done) = spot {
        draw(out, done);
    }
}

/// Shares with their intervals on a 0-100% axis: a dot for the share, a line for the interval.
pub fn intervals(title: &str, rows: &[(String, f64, f64, f64)]) -> String {
    let height = rows.len() as f64 * ROW + 24.0;
    let span = WIDTH - LABEL - 20.0;
    let x = |v: f64| LABEL + v * span;
    let mut out = open(height, title);
    for (i, (name, share, low, high)) in rows.iter().enumerate() {
        let y = i as f64 * ROW + 2.0;
        label(&mut out, y, name);
        let _ = write!(
            out,
            "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{2}\" y2=\"{2}\" class=\"interval\"/><circle cx=\"{3:.1}\" cy=\"{2}\" r=\"5\" class=\"share\"/>",
            x(*low),
            x(*high),
            y + 11.0,
            x(*share)
        );
    }
    axis(&mut out, rows.len(), span, &percent(0.0), &percent(1.0));
    out.push_str("</svg>");
    out
}

/// One stacked bar per row, each part an outcome's share of the attempts (direct success
/// to timed out), the completion interval a bracket over the bar, a legend under them.
/// Each row's words are its tooltip, and the chart's whole text what a screen reader
/// reads.
pub fn outcomes(title: &str, rows: &[OutcomeRow]) -> String {
    let legend_y = rows.len() as f64 * ROW + 18.0;
    let height = legend_y + 10.0;
    let spoken: Vec<&str> = rows.iter().map(|r| r.words.as_str()).collect();
    let mut out = open(height, &format!("{title}. {}", spoken.join(" ")));
    let span = WIDTH - LABEL - 20.0;
    for (i, row) in rows.iter().enumerate() {
        let y = i as f64 * ROW + 2.0;
        label(&mut out, y, &row.label);
        let total = row.counts.iter().sum::<usize>().max(1) as f64;
        let _ = write!(out, "<g><title>{}</title>", escape(&row.words));
        let mut x = LABEL;
        for (part, count) in row.counts.iter().enumerate() {
            let w = *count as f64 / total * span;
            if w > 0.0 {
                let _ = write!(
                    out,
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" class=\"part{part}\"/>",
                    y + 5.0,
                    ROW - 10.0
                );
            }
            x += w;
        }
        if let Some((low, high)) = row.interval {
            let (x1, x2) = (LABEL + low * span, LABEL + high * span);
            let (top, mid) = (y + 2.0, y + 4.0);
            let _ = write!(
                out,
                "<path d=\"M{x1:.1} {mid:.1}V{top:.1}H{x2:.1}V{mid:.1}\" class=\"bracket\"/>"
            );
        }
        out.push_str("</g>");
    }
    let mut x = 8.0;
    for (part, name) in OUTCOMES.iter().enumerate() {
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"9\" height=\"9\" class=\"part{part}\"/><text x=\"{:.1}\" y=\"{legend_y:.1}\" class=\"value\">{name}</text>",
            legend_y - 8.0,
            x + 12.0
        );
        x += 12.0 + name.len() as f64 * 6.2 + 10.0;
    }
    out.push_str("</svg>");
    out
}

/// The width of a path tree's drawing (it scales down with its box), and of one column.
const TREE_WIDTH: f64 = 900.0;
const COLUMN: f64 = 150.0;
const NODE: f64 = 10.0;
/// Height of the attempts of a whole task.
const TREE_HEIGHT: f64 = 220.0;
const GAP: f64 = 8.0;

/// A path tree (Treejack's "pie tree" laid out as a Sankey): columns by steps from the
/// first, each node as tall as the attempts that walked the path to it, bands to the
/// nodes walked next, those that ended there marked at its right (green succeeded, red
/// did not); the expected path outlined. Nodes come in the order given, parents first.
pub fn paths(title: &str, nodes: &[PathNode]) -> String {
    let total = nodes
        .iter()
        .filter(|n| n.depth == 0)
        .map(|n| n.attempts)
        .sum::<usize>();
    let scale = TREE_HEIGHT / total.max(1) as f64;
    let depth = nodes.iter().map(|n| n.depth).max().unwrap_or(0);
    // Each column stacked top to bottom in the order given, gaps between.
    let mut top = vec![0.0f64; depth + 1];
    let mut placed: Vec<(f64, f64)> = Vec::with_capacity(nodes.len());
    for node in nodes {
        let h = (node.attempts as f64 * scale).max(1.5);
        let y = top[node.depth] + 16.0;
        top[node.depth] += h + GAP;
        placed.push((y, h));
    }
    let height = top.iter().copied().fold(0.0, f64::max) + 24.0;
    let width = ((depth + 1) as f64 * COLUMN).clamp(COLUMN * 2.0, TREE_WIDTH);
    let words: Vec<String> = nodes
        .iter()
        .map(|n| format!("{} {}", n.step, n.attempts))
        .collect();
    let mut out = format!(
        "<svg class=\"chart paths\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\" role=\"img\" aria-label=\"{}\">",
        escape(&format!("{title}: {}", words.join(", ")))
    );
    // Bands first, under the nodes: from each parent's right edge, its children's share
    // of it in order, to each child's left edge.
    let mut used = vec![0.0f64; nodes.len()];
    for (i, node) in nodes.iter().enumerate() {
        let Some(parent) = node.parent.filter(|p| *p < i) else {
            continue;
        };
        let ((py, _), (cy, ch)) = (placed[parent], placed[i]);
        let (x1, x2) = (
            nodes[parent].depth as f64 * COLUMN + NODE,
            node.depth as f64 * COLUMN,
        );
        let y1 = py + used[parent];
        used[parent] += ch;
        let mid = (x1 + x2) / 2.0;
        let _ = write!(
            out,
            "<path d=\"M{x1:.1} {y1:.1}C{mid:.1} {y1:.1} {mid:.1} {cy:.1} {x2:.1} {cy:.1}V{:.1}C{mid:.1} {:.1} {mid:.1} {:.1} {x1:.1} {:.1}Z\" class=\"band\"/>",
            cy + ch,
            cy + ch,
            y1 + ch,
            y1 + ch
        );
    }
    for (node, (y, h)) in nodes.iter().zip(&placed) {
        let x = node.depth as f64 * COLUMN;
        let class = if node.expected {
            "node expected"
        } else {
            "node"
        };
        let _ = write!(
            out,
            "<g><title>{}: {} attempts, {} ended here succeeding, {} ended here otherwise</title><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{NODE}\" height=\"{h:.1}\" class=\"{class}\"/>",
            escape(&node.step),
            node.attempts,
            node.succeeded_here,
            node.failed_here
        );
        // Those that ended here, as a mark on its right as tall as they are.
        let mut mark = *y;
        for (n, kind) in [
            (node.succeeded_here, "ended-success"),
            (node.failed_here, "ended-failure"),
        ] {
            if n > 0 {
                let mh = (n as f64 * scale).max(1.5);
                let _ = write!(
                    out,
                    "<rect x=\"{:.1}\" y=\"{mark:.1}\" width=\"4\" height=\"{mh:.1}\" class=\"{kind}\"/>",
                    x + NODE
                );
                mark += mh;
            }
        }
        let name: String = match node.step.chars().count() > 18 {
            true => node.step.chars().take(17).chain(['…']).collect(),
            false => node.step.clone(),
        };
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" class=\"label\">{} {}</text></g>",
            x + NODE + 6.0,
            y - 3.0,
            escape(&name),
            node.attempts
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three visits at one second are one dot as dark as three (1 - 0.45³ = 0.909), and
    /// visits a millisecond apart on a 100 s axis land on one spot, drawn once.
    #[test]
    fn dots_on_one_spot_are_drawn_once_as_dark_as_all_of_them() {
        let mut values = Sample::new();
        values.push_n(1.0, 3);
        values.push(2.0);
        let mut close: Sample = [50.0, 50.001, 50.002].into_iter().collect();
        close.push(100.0);
        let svg = strips(
            "t",
            &[("a", &values, Some(1.0), None), ("b", &close, None, None)],
        );
        assert_eq!(svg.matches("<circle").count(), 4, "{svg}");
        let dark = "class=\"dot\" style=\"fill-opacity:0.909\"/>";
        assert_eq!(svg.matches(dark).count(), 2, "{svg}");
        assert_eq!(svg.matches("class=\"dot\"/>").count(), 2, "{svg}");
    }

    /// A geometric mean's interval is a band from its low to its high end on the row's
    /// axis (1 to 3 s of a 4 s axis of 350 px from 190: 277.5 to 452.5).
    #[test]
    fn an_interval_is_a_band_behind_the_dots() {
        let values: Sample = [1.5, 2.0, 4.0].into_iter().collect();
        let svg = strips("t", &[("a", &values, Some(2.0), Some((1.0, 3.0)))]);
        let span = WIDTH - LABEL - 20.0;
        let band = format!(
            "<rect x=\"{:.1}\" y=\"7\" width=\"{:.1}\" height=\"12\" class=\"band\"/>",
            LABEL + span / 4.0,
            span / 2.0
        );
        assert!(svg.contains(&band), "{band} in {svg}");
    }

    /// Parts of an outcome bar are each outcome's share of the bar (4 of 8 direct, 2
    /// failures, 2 gave up: 175, 87.5 and 87.5 of 350 px), the interval is bracketed at
    /// its shares, and a screen reader reads the rows' words.
    #[test]
    fn an_outcome_bar_is_split_by_shares_with_the_interval_bracketed() {
        let row = OutcomeRow {
            label: "buy".into(),
            counts: [4, 0, 2, 2, 0],
            interval: Some((0.25, 0.75)),
            words: "buy: 4 of 8 direct successes.".into(),
        };
        let svg = outcomes("How attempts ended", &[row]);
        let widths: Vec<&str> = svg
            .split("width=\"")
            .skip(1)
            .filter_map(|w| w.split('"').next())
            .collect();
        assert_eq!(&widths[1..4], ["175.0", "87.5", "87.5"], "{svg}");
        assert!(svg.contains("class=\"part0\"") && !svg.contains("y=\"7.0\" width=\"0.0\""));
        // The bracket from 25% to 75% of the 350 px after the label's 190.
        assert!(svg.contains("M277.5 6.0V4.0H452.5V6.0"), "{svg}");
        assert!(svg.contains("aria-label=\"How attempts ended. buy: 4 of 8 direct successes.\""));
    }
}
