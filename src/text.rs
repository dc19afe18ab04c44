//! Text from flows and participants made safe and measurable for a terminal.

use unicode_width::UnicodeWidthStr;

/// The text with every control character (other than a newline) shown as `\u{..}`,
/// so a flow or an answer can never move the cursor or recolour a terminal.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// The first control character other than a newline, if any.
pub fn first_control(text: &str) -> Option<(usize, char)> {
    text.chars()
        .enumerate()
        .find(|&(_, c)| c.is_control() && c != '\n')
}

/// Columns the text takes in a terminal: wide characters and emoji count two.
pub fn display_width(text: &str) -> usize {
    text.width()
}

/// The character index at which the text passes `columns` display columns.
pub fn index_past_width(text: &str, columns: usize) -> Option<usize> {
    let mut width = 0;
    for (i, c) in text.chars().enumerate() {
        width += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if width > columns {
            return Some(i);
        }
    }
    None
}

/// A span of milliseconds as `m:ss`, as timelines and notes show times.
pub fn minutes_seconds(ms: u64) -> String {
    let seconds = ms / 1000;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_but_keeps_newlines_and_unicode() {
        assert_eq!(printable("a\u{1b}[2Jé\nb\tc"), "a\\u{1b}[2Jé\nb\\u{9}c");
    }

    #[test]
    fn times_read_as_minutes_and_seconds() {
        assert_eq!(minutes_seconds(0), "0:00");
        assert_eq!(minutes_seconds(61_999), "1:01");
        assert_eq!(minutes_seconds(3_600_000), "60:00");
    }

    #[test]
    fn wide_characters_count_two_columns() {
        assert_eq!(display_width("日本"), 4);
        assert_eq!(display_width("☕x"), 3);
        assert_eq!(index_past_width("ab日本", 4), Some(3));
        assert_eq!(index_past_width("abc", 3), None);
    }
}
