//! Findings about a designer's file: where (`file:line:col`), what, and how to fix it.

use std::fmt::Write as _;

use serde::Serialize;
use unicode_width::UnicodeWidthChar;

use crate::text::printable;

/// A place in a source file: 1-based line and column (in characters), and a length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Pos {
    pub line: u32,
    #[serde(rename = "column")]
    pub col: u32,
    #[serde(skip)]
    pub len: u32,
}

impl Pos {
    pub const fn new(line: u32, col: u32, len: u32) -> Self {
        Self { line, col, len }
    }

    /// The same place moved `chars` characters to the right, `len` long.
    pub fn shifted(self, chars: usize, len: usize) -> Self {
        let chars = u32::try_from(chars).unwrap_or(u32::MAX);
        Self::new(
            self.line,
            self.col.saturating_add(chars),
            u32::try_from(len).unwrap_or(1),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    fn word(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable name for the kind of finding, for editors and CI filters.
    pub code: &'static str,
    #[serde(flatten)]
    pub at: Pos,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, at: Pos, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            at,
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(code: &'static str, at: Pos, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            code,
            at,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_suggestion(self, suggestion: Option<&str>) -> Self {
        match suggestion {
            Some(s) => self.with_help(format!("did you mean `{s}`?")),
            None => self,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col: error: message`, the source line, a caret under the place, and help.
    pub fn render(&self, path: &str, source: &str) -> String {
        let mut out = String::new();
        let Pos { line, col, len } = self.at;
        let _ = writeln!(
            out,
            "{}:{line}:{col}: {}: {}",
            printable(path),
            self.severity.word(),
            printable(&self.message)
        );
        let source_line = usize::try_from(line)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| source.lines().nth(i));
        // rustc's layout: the `|` and the `=` of help line up after the line number.
        let gutter = " ".repeat(line.to_string().len());
        if let Some(text) = source_line {
            let (shown, caret_at, caret_len) = caret(text, col, len);
            let _ = writeln!(out, "{gutter} |");
            let _ = writeln!(out, "{line} | {shown}");
            let _ = writeln!(
                out,
                "{gutter} | {}{}",
                " ".repeat(caret_at),
                "^".repeat(caret_len.max(1))
            );
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{gutter} = help: {}", printable(help));
        }
        out
    }
}

/// Source lines wider than this are cropped around the caret.
const MAX_SHOWN_WIDTH: usize = 100;
/// How much of the line stays visible left of the caret when cropping.
const CONTEXT_LEFT: usize = 40;

/// The line as shown (tabs expanded, controls made visible, long lines cropped) and the
/// caret's display column and width, so the caret sits under wide characters correctly.
fn caret(text: &str, col: u32, len: u32) -> (String, usize, usize) {
    let start = usize::try_from(col.saturating_sub(1)).unwrap_or(usize::MAX);
    let end = start.saturating_add(usize::try_from(len.max(1)).unwrap_or(1));
    // Each character as shown, with the display column it starts at.
    let mut pieces = Vec::new();
    let (mut width, mut caret_at, mut caret_end) = (0, None, None);
    for (i, c) in text.chars().enumerate() {
        if i == start {
            caret_at = Some(width);
        }
        if i == end {
            caret_end = Some(width);
        }
        let piece = if c == '\t' {
            "    ".to_string()
        } else {
            printable(&c.to_string())
        };
        let piece_width: usize = piece.chars().map(|c| c.width().unwrap_or(0)).sum();
        pieces.push((width, piece));
        width += piece_width;
    }
    let caret_at = caret_at.unwrap_or(width);
    let caret_end = caret_end.unwrap_or(width).max(caret_at + 1);
    if width <= MAX_SHOWN_WIDTH {
        let shown = pieces.into_iter().map(|(_, p)| p).collect();
        return (shown, caret_at, caret_end - caret_at);
    }
    let from = caret_at.saturating_sub(CONTEXT_LEFT);
    let to = from + MAX_SHOWN_WIDTH;
    let mut shown: String = if from > 0 {
        "…".into()
    } else {
        String::new()
    };
    let lead = usize::from(from > 0);
    shown.extend(
        pieces
            .into_iter()
            .filter(|(at, _)| *at >= from && *at < to)
            .map(|(_, p)| p),
    );
    if to < width {
        shown.push('…');
    }
    let caret_len = caret_end.min(to) - caret_at;
    (shown, caret_at - from + lead, caret_len.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_line_caret_and_help() {
        let d = Diagnostic::error("unknown-key", Pos::new(2, 3, 7), "unknown key `chioces`")
            .with_suggestion(Some("choices"));
        let out = d.render("f.yaml", "home:\n  chioces: []\n");
        assert_eq!(
            out,
            "f.yaml:2:3: error: unknown key `chioces`\n  |\n2 |   chioces: []\n  |   ^^^^^^^\n  = help: did you mean `choices`?\n"
        );
    }

    #[test]
    fn caret_accounts_for_wide_characters() {
        let d = Diagnostic::warning("x", Pos::new(1, 4, 1), "m");
        let out = d.render("f", "a: 日本x\n");
        assert!(out.ends_with("1 | a: 日本x\n  |    ^^\n"), "{out}");
        let d = Diagnostic::warning("x", Pos::new(1, 6, 1), "m");
        assert!(
            d.render("f", "a: 日本x\n").ends_with("  |        ^\n"),
            "{}",
            d.render("f", "a: 日本x\n")
        );
    }

    #[test]
    fn long_lines_are_cropped_around_the_caret() {
        let line = format!("b: [{}]", "*a,".repeat(4_000));
        let d = Diagnostic::error("yaml", Pos::new(1, 6_000, 2), "m");
        let out = d.render("f", &line);
        let shown = out.lines().nth(2).expect("the source line");
        assert!(
            shown.starts_with("1 | …") && shown.ends_with('…'),
            "{shown}"
        );
        assert!(shown.chars().count() < 110);
        let caret = out.lines().nth(3).expect("the caret line");
        assert_eq!(caret, format!("  | {}^^", " ".repeat(41)));
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let d = Diagnostic::error("x", Pos::new(1, 1, 1), "bad \u{1b}[31m");
        let out = d.render("f", "a: \u{1b}[2J\n");
        assert!(!out.contains('\u{1b}'), "{out:?}");
    }
}
