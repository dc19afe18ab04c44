//! What a page shows beside a step's figures: the step's screen as a participant saw it
//! (text in runs of one style, as the terminal drew it), and the moments the page's
//! replays show it. The screens are drawn by the shell from recorded sessions and handed
//! in as values; the report only sets them.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::escape::escape;

/// Text in one style.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    pub bold: bool,
    pub dim: bool,
    pub italic: bool,
    pub underlined: bool,
    pub reversed: bool,
}

impl Run {
    fn same_style(&self, other: &Run) -> bool {
        (
            self.bold,
            self.dim,
            self.italic,
            self.underlined,
            self.reversed,
        ) == (
            other.bold,
            other.dim,
            other.italic,
            other.underlined,
            other.reversed,
        )
    }

    fn plain(&self) -> bool {
        !(self.bold || self.dim || self.italic || self.underlined || self.reversed)
    }
}

/// A screen: its size, its rows of runs, and whose session it was drawn from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Screen {
    pub cols: u16,
    pub rows: u16,
    pub lines: Vec<Vec<Run>>,
    /// The participant whose session showed it.
    pub participant: String,
}

impl Screen {
    /// Appends `text` in `style` to row `row`, joined to the run before when the style is
    /// the same.
    pub fn push(&mut self, row: usize, text: &str, style: Run) {
        while self.lines.len() <= row {
            self.lines.push(Vec::new());
        }
        let line = &mut self.lines[row];
        match line.last_mut() {
            Some(last) if last.same_style(&style) => last.text.push_str(text),
            _ => line.push(Run {
                text: text.to_owned(),
                ..style
            }),
        }
    }

    /// The screen's text, a line per row, trailing spaces left off.
    pub fn text(&self) -> String {
        let rows: Vec<String> = (self.lines.iter())
            .map(|runs| {
                let row: String = runs.iter().map(|r| r.text.as_str()).collect();
                row.trim_end().to_owned()
            })
            .collect();
        rows.join("\n")
    }

    /// The screen as HTML: a terminal-like block (scaled to fit its box, its width given
    /// as `--cols`), a run per styled span, every character escaped; a caption says whose
    /// session it is and the size it was drawn at.
    pub fn html(&self) -> String {
        let mut out = format!(
            "<figure class=\"screen\"><pre style=\"--cols:{}\">",
            self.cols
        );
        for (i, runs) in self.lines.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            // Trailing unstyled spaces add nothing but width.
            let mut runs: Vec<&Run> = runs.iter().collect();
            while runs
                .last()
                .is_some_and(|r| r.plain() && r.text.trim().is_empty())
            {
                runs.pop();
            }
            let last = runs.len().saturating_sub(1);
            for (j, run) in runs.into_iter().enumerate() {
                match run.plain() {
                    true if j == last => out.push_str(&escape(run.text.trim_end())),
                    true => out.push_str(&escape(&run.text)),
                    false => {
                        let classes: Vec<&str> = [
                            (run.bold, "b"),
                            (run.dim, "d"),
                            (run.italic, "i"),
                            (run.underlined, "u"),
                            (run.reversed, "r"),
                        ]
                        .iter()
                        .filter(|(on, _)| *on)
                        .map(|(_, class)| *class)
                        .collect();
                        let _ = write!(
                            out,
                            "<span class=\"{}\">{}</span>",
                            classes.join(" "),
                            escape(&run.text)
                        );
                    }
                }
            }
        }
        let _ = write!(
            out,
            "</pre><figcaption>as {} saw it, {}×{}</figcaption></figure>",
            escape(&self.participant),
            self.cols,
            self.rows
        );
        out
    }
}

/// A flow version as the report keys it: flow id, variant, flow file digest.
pub type VersionKey = (String, Option<String>, String);

/// Per flow version, each step's screen.
#[derive(Debug, Clone, Default)]
pub struct Screens(pub HashMap<VersionKey, HashMap<String, Screen>>);

impl Screens {
    pub fn get(&self, key: &VersionKey, step: &str) -> Option<&Screen> {
        self.0.get(key)?.get(step)
    }
}

/// Where a replay on the page shows a step: which replay, whose, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moment {
    pub replay: usize,
    pub participant: String,
    pub at_ms: u64,
}

impl Moment {
    /// A link that plays the replay from the moment (the page's script seeks it), or
    /// without scripts goes to the replay.
    pub fn html(&self) -> String {
        format!(
            "<a class=\"moment\" href=\"#replay-{i}\" data-replay=\"{i}\" data-at=\"{at:.3}\">▶ {who} {time}</a>",
            i = self.replay,
            at = self.at_ms as f64 / 1000.0,
            who = escape(&self.participant),
            time = crate::format::minutes_seconds(self.at_ms)
        )
    }
}

/// What the page shows beside each flow version's step rows: the step's screen, and
/// the replays' moments that show it.
#[derive(Debug, Clone, Default)]
pub struct Illustrations {
    pub screens: Screens,
    pub moments: HashMap<VersionKey, HashMap<String, Vec<Moment>>>,
    /// The page's replay of each session it replays, by session id: where a finding's
    /// quote links to.
    pub sessions: HashMap<String, usize>,
}

impl Illustrations {
    pub fn moments(&self, key: &VersionKey, step: &str) -> &[Moment] {
        (self.moments.get(key))
            .and_then(|steps| steps.get(step))
            .map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_one_style_join_and_everything_is_escaped() {
        let mut screen = Screen {
            cols: 12,
            rows: 2,
            participant: "P<1>".into(),
            ..Screen::default()
        };
        let bold = Run {
            bold: true,
            ..Run::default()
        };
        screen.push(0, "<b", bold.clone());
        screen.push(0, ">", bold);
        screen.push(0, " & ", Run::default());
        screen.push(0, "    ", Run::default());
        screen.push(
            1,
            "x",
            Run {
                reversed: true,
                dim: true,
                ..Run::default()
            },
        );
        assert_eq!(screen.lines[0].len(), 2);
        assert_eq!(screen.text(), "<b> &\nx");
        assert_eq!(
            screen.html(),
            "<figure class=\"screen\"><pre style=\"--cols:12\"><span class=\"b\">&lt;b&gt;</span> &amp;\n<span class=\"d r\">x</span></pre><figcaption>as P&lt;1&gt; saw it, 12×2</figcaption></figure>"
        );
    }
}
