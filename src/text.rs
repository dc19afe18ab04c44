//! Text from flows and participants made safe and measurable for a terminal.

use unicode_width::UnicodeWidthStr;

/// The text with every control character (other than a newline), and every invisible
/// or direction-changing one, shown as `\u{..}`, so a flow or an answer can never move
/// the cursor, recolour a terminal, or read differently from what it holds.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if (c.is_control() && c != '\n') || is_invisible(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// Characters that show nothing yet change what is shown: the bidirectional overrides,
/// embeddings and isolates that can make text read in another order than it is stored
/// ("Trojan Source", CVE-2021-42574), zero-width spaces and joiners, direction marks,
/// and the byte order mark inside text.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}'..='\u{200F}' | '\u{FEFF}')
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

/// The text cut to at most `columns` display columns, an ellipsis marking the cut.
pub fn truncate(text: &str, columns: usize) -> String {
    if display_width(text) <= columns {
        return text.to_owned();
    }
    let room = columns.saturating_sub(1);
    let mut cut = String::new();
    let mut used = 0;
    for c in text.chars() {
        let width = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + width > room {
            break;
        }
        used += width;
        cut.push(c);
    }
    if columns > 0 {
        cut.push('…');
    }
    cut
}

/// The text cut or padded with spaces to exactly `columns` display columns, so table
/// columns line up when a cell holds wide characters (`{:<n}` pads by characters).
pub fn fit(text: &str, columns: usize) -> String {
    let mut cell = truncate(text, columns);
    let width = display_width(&cell);
    cell.extend(std::iter::repeat_n(' ', columns.saturating_sub(width)));
    cell
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_invisible_and_direction_changing_characters() {
        assert_eq!(
            printable("admin\u{202E}\u{2066}x\u{2069}\u{202C}\u{200B}\u{FEFF}"),
            "admin\\u{202e}\\u{2066}x\\u{2069}\\u{202c}\\u{200b}\\u{feff}"
        );
        assert_eq!(
            printable("שלום, עולם"),
            "שלום, עולם",
            "right-to-left text is text"
        );
    }

    #[test]
    fn escapes_controls_but_keeps_newlines_and_unicode() {
        assert_eq!(printable("a\u{1b}[2Jé\nb\tc"), "a\\u{1b}[2Jé\nb\\u{9}c");
    }

    #[test]
    fn truncation_counts_display_columns() {
        for (text, columns, cut, fitted) in [
            ("abc", 3, "abc", "abc"),
            ("abcd", 3, "ab…", "ab…"),
            ("ab", 4, "ab", "ab  "),
            ("日本語です", 10, "日本語です", "日本語です"),
            ("日本語です", 6, "日本…", "日本… "),
            ("日本語です", 5, "日本…", "日本…"),
            ("☕☕☕ coffee", 6, "☕☕…", "☕☕… "),
            ("a☕b", 3, "a…", "a… "),
            ("abc", 0, "", ""),
        ] {
            assert_eq!(truncate(text, columns), cut, "{text} in {columns}");
            assert_eq!(fit(text, columns), fitted, "{text} in {columns}");
            assert_eq!(display_width(&fit(text, columns)), columns);
        }
    }

    #[test]
    fn wide_characters_count_two_columns() {
        assert_eq!(display_width("日本"), 4);
        assert_eq!(display_width("☕x"), 3);
        assert_eq!(index_past_width("ab日本", 4), Some(3));
        assert_eq!(index_past_width("abc", 3), None);
    }
}
