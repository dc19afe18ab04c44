//! The little XML that REFI-QDA needs: text and attributes made safe for XML 1.0,
//! deterministic GUIDs, and an indented writer of elements.

use sha2::{Digest, Sha256};

/// A GUID derived from `parts` (a kind, then ids), so the same sessions and codebook
/// export to the same document: SHA-256 of the parts, its first 16 bytes written as
/// `8-4-4-4-12` hex, marked as an RFC 9562 version 8 (custom) UUID.
pub fn guid(parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    hash.update(b"mvx-qda/1");
    for part in parts {
        // Each part is preceded by its length, so ("ab", "c") and ("a", "bc") differ.
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    let digest = hash.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Whether XML 1.0 allows `c` in a document at all (its `Char` production): not the
/// control characters other than tab, newline and carriage return, nor U+FFFE, U+FFFF.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}'
}

/// Text from participants and coders as mvx shows it everywhere: control and invisible
/// characters as visible `\u{..}` escapes (`text::printable`), and what XML 1.0 cannot
/// hold at all replaced by U+FFFD. Newlines are kept.
pub fn clean(text: &str) -> String {
    crate::text::printable(text)
        .chars()
        .map(|c| if allowed(c) { c } else { '\u{FFFD}' })
        .collect()
}

/// `text` as XML character data: cleaned, and `&`, `<`, `>` escaped.
pub fn text(text: &str) -> String {
    escape(&clean(text), false)
}

/// `text` as an attribute value in double quotes: cleaned, quotes escaped, and newlines
/// as character references so a reader's attribute normalisation keeps them.
pub fn attribute(text: &str) -> String {
    escape(&clean(text), true)
}

fn escape(text: &str, in_attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if in_attribute => out.push_str("&quot;"),
            '\n' if in_attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if in_attribute => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

/// An XML document written element by element, indented two spaces a level.
#[derive(Default)]
pub struct Document {
    out: String,
    open: Vec<&'static str>,
}

impl Document {
    pub fn new() -> Self {
        Document {
            out: "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n".to_owned(),
            open: Vec::new(),
        }
    }

    /// Opens `<name attributes...>`; attributes with no value are left out.
    pub fn open(&mut self, name: &'static str, attributes: &[(&str, Option<&str>)]) {
        self.start(name, attributes);
        self.out.push_str(">\n");
        self.open.push(name);
    }

    /// `<name attributes.../>`.
    pub fn empty(&mut self, name: &'static str, attributes: &[(&str, Option<&str>)]) {
        self.start(name, attributes);
        self.out.push_str("/>\n");
    }

    /// `<name>text</name>`, the text escaped.
    pub fn text(&mut self, name: &'static str, content: &str) {
        self.indent();
        self.out
            .push_str(&format!("<{name}>{}</{name}>\n", text(content)));
    }

    /// Closes the element opened last.
    pub fn close(&mut self) {
        if let Some(name) = self.open.pop() {
            self.indent();
            self.out.push_str(&format!("</{name}>\n"));
        }
    }

    /// The document, every element closed.
    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        self.out
    }

    fn start(&mut self, name: &str, attributes: &[(&str, Option<&str>)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attributes {
            if let Some(value) = value {
                self.out
                    .push_str(&format!(" {key}=\"{}\"", attribute(value)));
            }
        }
    }

    fn indent(&mut self) {
        self.out.push_str(&"  ".repeat(self.open.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_stable_well_formed_and_tell_their_parts_apart() {
        let a = guid(&["code", "slow"]);
        assert_eq!(a, guid(&["code", "slow"]));
        assert_ne!(a, guid(&["code", "slo", "w"]));
        assert_ne!(a, guid(&["group", "slow"]));
        let groups: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
        assert_eq!(&a[14..15], "8", "version 8: a custom UUID");
    }

    #[test]
    fn hostile_text_is_escaped_and_what_xml_cannot_hold_is_replaced() {
        assert_eq!(
            text("a < b && c > \"d\""),
            "a &lt; b &amp;&amp; c &gt; \"d\""
        );
        assert_eq!(attribute("say \"hi\"\nthen"), "say &quot;hi&quot;&#10;then");
        assert_eq!(text("bell\u{7} esc\u{1b}[2J"), "bell\\u{7} esc\\u{1b}[2J");
        assert_eq!(text("\u{FFFE}x\u{FFFF}"), "\u{FFFD}x\u{FFFD}");
        assert!(clean("\u{0}\u{8}\u{b}\u{c}").chars().all(allowed));
    }
}
