//! A report's text as a document: headings, paragraphs, lists and tables whose words
//! mark code and emphasis. The analysis is worded once into blocks; Markdown and HTML
//! only set them, so the two formats cannot say different things.

use std::fmt::Write as _;

use super::escape::escape;
use crate::text::printable;

/// A piece of a line: plain words, an id set as code, or a name set in bold.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Text(String),
    Code(String),
    Strong(String),
}

/// Words in a line, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Line(pub Vec<Piece>);

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

    fn with(mut self, piece: Piece) -> Self {
        self.0.push(piece);
        self
    }

    /// Markdown: control characters made visible; in a table cell, pipes escaped and
    /// one line.
    fn markdown(&self, in_cell: bool) -> String {
        let safe = |t: &str| match in_cell {
            true => printable(t).replace('|', "\\|").replace('\n', " "),
            false => printable(t),
        };
        self.0
            .iter()
            .map(|piece| match piece {
                Piece::Text(t) => safe(t),
                Piece::Code(t) => format!("`{}`", safe(t)),
                Piece::Strong(t) => format!("**{}**", safe(t)),
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
            })
            .collect()
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

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Level 1 is the document's title.
    Heading(u8, Line),
    Paragraph(Line),
    List(Vec<Line>),
    Table {
        columns: Vec<Column>,
        rows: Vec<Vec<Line>>,
    },
}

/// Blocks in reading order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document(pub Vec<Block>);

impl Document {
    pub fn push(&mut self, block: Block) {
        self.0.push(block);
    }

    /// The blocks as Markdown, a blank line between two.
    pub fn markdown(&self) -> String {
        let blocks: Vec<String> = self.0.iter().map(markdown).collect();
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
            let _ = writeln!(out, "{marks} {}", line.markdown(false));
        }
        Block::Paragraph(line) => {
            let _ = writeln!(out, "{}", line.markdown(false));
        }
        Block::List(items) => {
            for item in items {
                let _ = writeln!(out, "- {}", item.markdown(false));
            }
        }
        Block::Table { columns, rows } => {
            let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
            let _ = writeln!(out, "| {} |", names.join(" | "));
            let _ = writeln!(out, "|{}", "---|".repeat(columns.len()));
            for row in rows {
                let cells: Vec<String> = row.iter().map(|c| c.markdown(true)).collect();
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
        Block::List(items) => {
            out.push_str("<ul>");
            for item in items {
                let _ = write!(out, "<li>{}</li>", item.html());
            }
            out.push_str("</ul>");
        }
        Block::Table { columns, rows } => {
            out.push_str("<table><tr>");
            for column in columns {
                let _ = write!(out, "<th>{}</th>", escape(column.name));
            }
            out.push_str("</tr>");
            for row in rows {
                out.push_str("<tr>");
                for (cell, column) in row.iter().zip(columns) {
                    let class = if column.numeric { " class=\"n\"" } else { "" };
                    let _ = write!(out, "<td{class}>{}</td>", cell.html());
                }
                out.push_str("</tr>");
            }
            out.push_str("</table>");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_and_html_set_the_same_words() {
        let document = Document(vec![
            Block::Heading(2, Line::text("Compared with ").code("a|b")),
            Block::List(vec![Line::default().strong("quick").and(" was <faster>")]),
            Block::Table {
                columns: columns(&["figure", "#n"]),
                rows: vec![vec![Line::text("x|y"), Line::text("3")]],
            },
        ]);
        assert_eq!(
            document.markdown(),
            "## Compared with `a|b`\n\n- **quick** was <faster>\n\n| figure | n |\n|---|---|\n| x\\|y | 3 |\n"
        );
        assert_eq!(
            document.html(),
            "<h2>Compared with <code>a|b</code></h2><ul><li><strong>quick</strong> was &lt;faster&gt;</li></ul><table><tr><th>figure</th><th>n</th></tr><tr><td>x|y</td><td class=\"n\">3</td></tr></table>"
        );
    }
}
