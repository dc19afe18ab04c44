//! Learning curves (`Chart::Curves`): time by session, one series per variant, each
//! session's geometric mean a marker with its interval a whisker, and the fitted power
//! law a line through them; a legend names the series, and each marker's tooltip says
//! its figure in words.

use std::fmt::Write as _;

use super::{WIDTH, open};
use crate::format::seconds;
use crate::report::escape::escape;
use crate::stats::{PowerFit, predict_power};

/// One series of a learning-curve chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    pub label: String,
    /// Session, geometric mean time, and its interval when it has one.
    pub points: Vec<(f64, f64, super::Band)>,
    /// The power law fitted to them.
    pub fit: Option<PowerFit>,
}

const HEIGHT: f64 = 240.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 52.0;
/// Series styles: the dash of the fitted line and the marker's shape differ, so the
/// series are told apart without colour.
const DASHES: [&str; 4] = ["", "6 4", "2 3", "10 3 2 3"];

pub fn curves(title: &str, max_x: f64, lines: &[Curve]) -> String {
    let max_y = (lines.iter())
        .flat_map(|l| {
            l.points
                .iter()
                .map(|(_, y, i)| i.map_or(*y, |(_, hi)| hi.max(*y)))
        })
        .fold(0.0, f64::max)
        .max(1.0)
        * 1.1;
    let max_x = max_x.max(2.0);
    let span_x = WIDTH - LEFT - RIGHT;
    let span_y = HEIGHT - TOP - BOTTOM;
    let x = |n: f64| LEFT + (n - 1.0) / (max_x - 1.0) * span_x;
    let y = |t: f64| TOP + span_y - (t / max_y).clamp(0.0, 1.0) * span_y;
    let mut out = open(HEIGHT, title);
    // Axes: sessions along the bottom, seconds up the side.
    let (right, bottom) = (LEFT + span_x, TOP + span_y);
    let _ = write!(
        out,
        "<line x1=\"{LEFT}\" x2=\"{right:.1}\" y1=\"{bottom:.1}\" y2=\"{bottom:.1}\" class=\"axis\"/><line x1=\"{LEFT}\" x2=\"{LEFT}\" y1=\"{TOP}\" y2=\"{bottom:.1}\" class=\"axis\"/>",
    );
    for n in 1..=(max_x as u32) {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" class=\"value\">{n}</text>",
            x(f64::from(n)),
            TOP + span_y + 14.0
        );
    }
    let _ = write!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" class=\"value\">session</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" class=\"value\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" class=\"value\">0</text>",
        LEFT + span_x / 2.0,
        TOP + span_y + 28.0,
        LEFT - 6.0,
        TOP + 10.0,
        escape(&seconds(max_y)),
        LEFT - 6.0,
        TOP + span_y
    );
    for (i, line) in lines.iter().enumerate() {
        let class = format!("series{}", i % DASHES.len());
        if let Some(fit) = &line.fit {
            let path: Vec<String> = (0..=40)
                .map(|k| {
                    let n = 1.0 + (max_x - 1.0) * f64::from(k) / 40.0;
                    format!("{:.1},{:.1}", x(n), y(predict_power(fit, n)))
                })
                .collect();
            let _ = write!(
                out,
                "<polyline points=\"{}\" class=\"fit {class}\" stroke-dasharray=\"{}\"/>",
                path.join(" "),
                DASHES[i % DASHES.len()]
            );
        }
        for (n, t, interval) in &line.points {
            if let Some((low, high)) = interval {
                let _ = write!(
                    out,
                    "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{1:.1}\" y2=\"{2:.1}\" class=\"interval\"/>",
                    x(*n),
                    y(*low),
                    y(*high)
                );
            }
            let words = format!("{}, session {n}: {}", line.label, seconds(*t));
            let (cx, cy) = (x(*n), y(*t));
            let marker = match i % 2 {
                0 => format!(
                    "<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"4.5\" class=\"point {class}\">"
                ),
                _ => format!(
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\" class=\"point {class}\">",
                    cx - 4.0,
                    cy - 4.0
                ),
            };
            let closing = if i % 2 == 0 { "</circle>" } else { "</rect>" };
            let _ = write!(out, "{marker}<title>{}</title>{closing}", escape(&words));
        }
        // The legend, under the axis.
        let lx = LEFT + (i as f64) * 170.0;
        let ly = HEIGHT - 10.0;
        let (lx2, ly1, tx) = (lx + 24.0, ly - 4.0, lx + 30.0);
        let _ = write!(
            out,
            "<line x1=\"{lx:.1}\" x2=\"{lx2:.1}\" y1=\"{ly1:.1}\" y2=\"{ly1:.1}\" class=\"fit {class}\" stroke-dasharray=\"{}\"/><text x=\"{tx:.1}\" y=\"{ly:.1}\" class=\"label\">{}</text>",
            DASHES[i % DASHES.len()],
            escape(&line.label)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::power_fit;

    #[test]
    fn each_series_has_its_points_their_whiskers_its_fit_and_a_legend() {
        let fit = power_fit(&[(1.0, 40.0), (2.0, 30.0), (3.0, 26.0)]).ok();
        let lines = [
            Curve {
                label: "one-menu".into(),
                points: vec![
                    (1.0, 40.0, Some((35.0, 46.0))),
                    (2.0, 30.0, None),
                    (3.0, 26.0, None),
                ],
                fit,
            },
            Curve {
                label: "<three>".into(),
                points: vec![(1.0, 50.0, None)],
                fit: None,
            },
        ];
        let svg = curves("Learning curve of order", 3.0, &lines);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(
            svg.matches("<circle").count(),
            3,
            "the first series' markers"
        );
        assert_eq!(svg.matches("<rect").count(), 1, "the second series' marker");
        assert_eq!(svg.matches("class=\"interval\"").count(), 1);
        // One fitted line and two legend samples.
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert!(svg.contains("one-menu, session 2: 30.0 s"), "{svg}");
        assert!(svg.contains("&lt;three&gt;") && !svg.contains("<three>"));
    }
}
