//! Text made safe inside HTML and SVG, for the page and its charts alike.

use crate::text::printable;

/// Markup characters as entities, control characters made visible.
pub fn escape(text: &str) -> String {
    printable(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_controls_cannot_reach_the_page() {
        assert_eq!(
            escape("<b title=\"x\">Tom & 'Jo'</b>\u{1b}"),
            "&lt;b title=&quot;x&quot;&gt;Tom &amp; &#39;Jo&#39;&lt;/b&gt;\\u{1b}"
        );
        assert_eq!(escape("note \u{202E}x"), "note \\u{202e}x");
    }
}
