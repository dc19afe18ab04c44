//! A report's text as a document: headings, paragraphs, lists and tables whose words
//! mark code and emphasis. The analysis is worded once into blocks; Markdown and HTML
//! only set them, so the two formats cannot say different things.

use std::fmt::Write as _;

use super::escape::escape;
use super::screen::{Moment, Screen};
use super::svg;
pub use super::svg::{Curve, OUTCOMES, OutcomeRow, PathNode};
use crate::stats::Sample;
use crate::text::printable;

/// A piece of a line: plain words, an id set as code, or a name set in bold.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Text(String),
    Code(String),
    Strong(String),
    /// A step's screen, shown on demand beside its figures (HTML only).
    Screen(Box<Screen>),
    /// A link to the moment a replay on the page shows something (HTML only).
    Moment(Moment),
}

/// Words in a line, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Line(pub Vec<Piece>);

/// Where [`Line::with_ids`] marks an id: characters of the private use area, which no
/// wording of ours writes.
const CODE_OPEN: char = '\u{F8F0}';
const CODE_CLOSE: char = '\u{F8F1}';

impl Line {
    pub fn text(text: impl Into<String>) -> Self {
        Line(vec![Piece::Text(text.into())])
    }

    pub fn code(self, id: impl Into<String>) -> Self {
        self.with(Piece::Code(id.into()))
    }

    pub fn strong(self, name: impl Into<String>) -> Self {
        self.with(Piece::Strong(name.into()))
    }

    pub fn and(self, text: impl Into<String>) -> Self {
        self.with(Piece::Text(text.into()))
    }

    pub fn with(mut self, piece: Piece) -> Self {
        self.0.push(piece);
        self
    }

    /// Words with ids set as code where `words` calls its argument on them, as
    /// summaries and notes are written: `words(&|id| ...)`.
    pub fn with_ids(words: impl FnOnce(&dyn Fn(&str) -> String) -> String) -> Self {
        let text = words(&|id| format!("{CODE_OPEN}{id}{CODE_CLOSE}"));
        let mut line = Line::default();
        for (i, part) in text.split([CODE_OPEN, CODE_CLOSE]).enumerate() {
            match (i % 2 == 1, part.is_empty()) {
                (_, true) => {}
                (true, false) => line = line.code(part),
                (false, false) => line = line.and(part),
            }
        }
        line
    }

    /// Markdown: control characters made visible, pipes escaped, one line, so a name
    /// can neither break a table nor start a block; in text, a `<` that could open a
    /// tag, a comment or an autolink as an entity (`p < 0.001` stays as it is) and
    /// brackets escaped, so a participant's words can open no tag and make no link when
    /// the Markdown is rendered as HTML; a code span fenced by more backticks than it
    /// holds in a row, so its text cannot close it.
    fn markdown(&self) -> String {
        let safe = |t: &str| printable(t).replace('|', "\\|").replace('\n', " ");
        let text = |t: &str| no_tags(&safe(t)).replace('[', "\\[").replace(']', "\\]");
        self.0
            .iter()
            .map(|piece| match piece {
                Piece::Text(t) => text(t),
                Piece::Code(t) => code_span(&safe(t)),
                Piece::Strong(t) => format!("**{}**", text(t)),
                Piece::Screen(_) | Piece::Moment(_) => String::new(),
            })
            .collect()
    }

    /// The words alone, as a page's title shows them.
    pub fn plain(&self) -> String {
        (self.0.iter())
            .map(|piece| match piece {
                Piece::Text(t) | Piece::Code(t) | Piece::Strong(t) => t.as_str(),
                Piece::Screen(_) | Piece::Moment(_) => "",
            })
            .collect()
    }

    fn html(&self) -> String {
        self.0
            .iter()
            .map(|piece| match piece {
                Piece::Text(t) => escape(t),
                Piece::Code(t) => format!("<code>{}</code>", escape(t)),
                Piece::Strong(t) => format!("<strong>{}</strong>", escape(t)),
                Piece::Screen(screen) => format!(
                    "<details class=\"shot\"><summary>screen</summary>{}</details>",
                    screen.html()
                ),
                Piece::Moment(moment) => format!(" {}", moment.html()),
            })
            .collect()
    }
}

/// `<` as `&lt;` where it could start raw HTML in Markdown (CommonMark 6.6: a tag name,
/// `/`, `!` or `?` right after it), and nowhere else.
fn no_tags(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        let opens = chars
            .peek()
            .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'));
        match c == '<' && opens {
            true => out.push_str("&lt;"),
            false => out.push(c),
        }
    }
    out
}

/// `` `id` ``, or with backticks inside, a longer fence with spaces (CommonMark 6.1):
/// `` ``a`b`` ``.
fn code_span(t: &str) -> String {
    let longest = t.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    match longest {
        0 => format!("`{t}`"),
        n => {
            let fence = "`".repeat(n + 1);
            format!("{fence} {t} {fence}")
        }
    }
}

/// A table's column: its name, and whether it holds numbers (set right in HTML).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: &'static str,
    pub numeric: bool,
}

/// Columns of words (`"figure"`) and of numbers (`"#participants"`): a leading `#`
/// marks a numeric column.
pub fn columns(names: &[&'static str]) -> Vec<Column> {
    names
        .iter()
        .map(|name| match name.strip_prefix('#') {
            Some(name) => Column {
                name,
                numeric: true,
            },
            None => Column {
                name,
                numeric: false,
            },
        })
        .collect()
}

/// An item of a list, with the lines under it (a question's written answers).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub line: Line,
    pub under: Vec<Line>,
}

impl From<Line> for Item {
    fn from(line: Line) -> Self {
        Item {
            line,
            under: Vec::new(),
        }
    }
}

/// A chart: what it shows, as numbers; only HTML draws it (inline SVG).
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    /// Label, value, interval low and high, all shares.
    Intervals {
        title: String,
        rows: Vec<(String, f64, f64, f64)>,
    },
    /// Label, every value, the middle marked (median or geometric mean), and its
    /// interval when it has one.
    Strips {
        title: String,
        rows: Vec<(String, Sample, Option<f64>, svg::Band)>,
    },
    /// Label, length, the number written beside the bar.
    Bars {
        title: String,
        rows: Vec<(String, f64, String)>,
    },
    /// How attempts ended, one stacked bar per row: the count of each of [`OUTCOMES`],
    /// the share that succeeded with its interval marked over the bar, and the row in
    /// words for a screen reader.
    Outcomes {
        title: String,
        rows: Vec<OutcomeRow>,
    },
    /// Where attempts went, step by step, as a tree from the first step: each node a
    /// prefix of the paths walked, its height the attempts that walked it, parents
    /// joined to children by bands as wide; those that ended there (and how) marked at
    /// its right.
    Paths { title: String, nodes: Vec<PathNode> },
    /// Learning curves: time by session per series, with intervals and fitted lines,
    /// sessions 1 to `max_x` along the axis.
    Curves {
        title: String,
        max_x: f64,
        lines: Vec<Curve>,
    },
}

impl Chart {
    /// What it shows, as its caption says.
    pub fn title(&self) -> &str {
        match self {
            Chart::Intervals { title, .. }
            | Chart::Strips { title, .. }
            | Chart::Bars { title, .. }
            | Chart::Outcomes { title, .. }
            | Chart::Paths { title, .. }
            | Chart::Curves { title, .. } => title,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Level 1 is the document's title.
    Heading(u8, Line),
    Paragraph(Line),
    /// A paragraph set apart: `Note`, `Warning`.
    Aside(&'static str, Line),
    List(Vec<Item>),
    Numbered(Vec<Line>),
    Table {
        columns: Vec<Column>,
        rows: Vec<Vec<Line>>,
    },
    Chart(Chart),
}

impl Block {
    pub fn list(lines: Vec<Line>) -> Self {
        Block::List(lines.into_iter().map(Item::from).collect())
    }
}

/// Blocks in reading order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document(pub Vec<Block>);

impl Document {
    pub fn push(&mut self, block: Block) {
        self.0.push(block);
    }

    /// Puts `blocks` right after its title (its first block), as what it opens with.
    pub fn open_with(&mut self, blocks: Vec<Block>) {
        let at = usize::from(!self.0.is_empty());
        self.0.splice(at..at, blocks);
    }

    /// The words of its first title (level 1 heading), if it has one.
    pub fn title(&self) -> Option<String> {
        self.0.iter().find_map(|block| match block {
            Block::Heading(1, line) => Some(line.plain()),
            _ => None,
        })
    }

    /// The blocks as Markdown, a blank line between two; charts and empty lists leave
    /// no trace.
    pub fn markdown(&self) -> String {
        let blocks: Vec<String> = self
            .0
            .iter()
            .map(markdown)
            .filter(|b| !b.is_empty())
            .collect();
        blocks.join("\n")
    }

    /// The blocks as HTML, to be set inside a page.
    pub fn html(&self) -> String {
        self.0.iter().map(html).collect()
    }
}

/// One block as Markdown, ending with a newline.
pub fn markdown(block: &Block) -> String {
    let mut out = String::new();
    match block {
        Block::Heading(level, line) => {
            let marks = "#".repeat(usize::from(*level).clamp(1, 6));
            let _ = writeln!(out, "{marks} {}", line.markdown());
        }
        Block::Paragraph(line) => {
            let _ = writeln!(out, "{}", line.markdown());
        }
        Block::Aside(kind, line) => {
            let _ = writeln!(out, "> **{kind}:** {}", line.markdown());
        }
        Block::List(items) => {
            for item in items {
                let _ = writeln!(out, "- {}", item.line.markdown());
                for under in &item.under {
                    let _ = writeln!(out, "  - {}", under.markdown());
                }
            }
        }
        Block::Numbered(items) => {
            for (i, item) in items.iter().enumerate() {
                let _ = writeln!(out, "{}. {}", i + 1, item.markdown());
            }
        }
        Block::Chart(_) => {}
        Block::Table { columns, rows } => {
            let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
            let _ = writeln!(out, "| {} |", names.join(" | "));
            let _ = writeln!(out, "|{}", "---|".repeat(columns.len()));
            for row in rows {
                let cells: Vec<String> = row.iter().map(|c| c.markdown()).collect();
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
        }
    }
    out
}

/// One block as HTML.
pub fn html(block: &Block) -> String {
    let mut out = String::new();
    match block {
        Block::Heading(level, line) => {
            let level = level.clamp(&1, &6);
            let _ = write!(out, "<h{level}>{}</h{level}>", line.html());
        }
        Block::Paragraph(line) => {
            let _ = write!(out, "<p>{}</p>", line.html());
        }
        Block::Aside(kind, line) => {
            let _ = write!(out, "<p class=\"warning\">{kind}: {}</p>", line.html());
        }
        Block::List(items) if items.is_empty() => {}
        Block::List(items) => {
            out.push_str("<ul>");
            for item in items {
                let _ = write!(out, "<li>{}", item.line.html());
                if !item.under.is_empty() {
                    out.push_str("<ul>");
                    for under in &item.under {
                        let _ = write!(out, "<li>{}</li>", under.html());
                    }
                    out.push_str("</ul>");
                }
                out.push_str("</li>");
            }
            out.push_str("</ul>");
        }
        Block::Numbered(items) => {
            out.push_str("<ol>");
            for item in items {
                let _ = write!(out, "<li>{}</li>", item.html());
            }
            out.push_str("</ol>");
        }
        Block::Chart(chart) => {
            let _ = write!(
                out,
                "<figure class=\"figure\"><figcaption>{}</figcaption>{}</figure>",
                escape(chart.title()),
                draw(chart)
            );
        }
        Block::Table { columns, rows } => {
            // A wide table scrolls inside its own box, never the page; on a phone each
            // row is a card whose cells carry their column's name (`data-label`).
            out.push_str("<div class=\"table\"><table><tr>");
            for column in columns {
                let _ = write!(out, "<th>{}</th>", escape(column.name));
            }
            out.push_str("</tr>");
            for row in rows {
                out.push_str("<tr>");
                for (cell, column) in row.iter().zip(columns) {
                    let class = if column.numeric { " class=\"n\"" } else { "" };
                    let name = escape(column.name);
                    let _ = write!(out, "<td{class} data-label=\"{name}\">{}</td>", cell.html());
                }
                out.push_str("</tr>");
            }
            out.push_str("</table></div>");
        }
    }
    out
}

/// A chart as inline SVG.
fn draw(chart: &Chart) -> String {
    match chart {
        Chart::Intervals { title, rows } => svg::intervals(title, rows),
        Chart::Bars { title, rows } => svg::bars(title, rows),
        Chart::Outcomes { title, rows } => svg::outcomes(title, rows),
        Chart::Paths { title, nodes } => svg::paths(title, nodes),
        Chart::Curves {
            title,
            max_x,
            lines,
        } => svg::curves(title, *max_x, lines),
        Chart::Strips { title, rows } => {
            let rows: Vec<(&str, &Sample, Option<f64>, svg::Band)> = rows
                .iter()
                .map(|(label, values, middle, band)| (label.as_str(), values, *middle, *band))
                .collect();
            svg::strips(title, &rows)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_and_html_set_the_same_words() {
        let document = Document(vec![
            Block::Heading(2, Line::text("Compared with ").code("a|b")),
            Block::list(vec![Line::default().strong("quick").and(" was <faster>")]),
            Block::Table {
                columns: columns(&["figure", "#n"]),
                rows: vec![vec![Line::text("x|y"), Line::text("3")]],
            },
        ]);
        assert_eq!(
            document.markdown(),
            "## Compared with `a\\|b`\n\n- **quick** was &lt;faster>\n\n| figure | n |\n|---|---|\n| x\\|y | 3 |\n"
        );
        assert_eq!(
            document.html(),
            "<h2>Compared with <code>a|b</code></h2><ul><li><strong>quick</strong> was &lt;faster&gt;</li></ul><div class=\"table\"><table><tr><th>figure</th><th>n</th></tr><tr><td data-label=\"figure\">x|y</td><td class=\"n\" data-label=\"n\">3</td></tr></table></div>"
        );
    }

    /// Words from a session file (a participant's typed answer, a step's label) open no
    /// tag, make no link and leave no code span when the Markdown is rendered as HTML;
    /// a comparison sign stays as it is.
    #[test]
    fn markdown_gives_foreign_words_no_markup() {
        let line = Line::text("<script>alert(1)</script> [click](javascript:x) p < 0.001 <!-- -->")
            .code("a`b``c");
        assert_eq!(
            Document(vec![Block::Paragraph(line)]).markdown(),
            "&lt;script>alert(1)&lt;/script> \\[click\\](javascript:x) p < 0.001 &lt;!-- -->``` a`b``c ```\n"
        );
        assert_eq!(code_span("plain"), "`plain`");
    }

    #[test]
    fn ids_marked_in_words_become_code() {
        let line = Line::with_ids(|id| format!("{} then {}", id("a<b"), id("c")));
        assert_eq!(line.html(), "<code>a&lt;b</code> then <code>c</code>");
        assert_eq!(line.markdown(), "`a<b` then `c`");
    }
}
