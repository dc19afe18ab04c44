//! The session header as mvx writes it, read without the general YAML machinery.
//!
//! The header is a handful of block mappings, block sequences and plain or quoted
//! scalars, one to a line, and the folded block (`>-`) serde-saphyr writes a string
//! longer than 80 characters in (a browser's user agent). This reads exactly that
//! shape, typed the way serde-saphyr types it (a plain scalar is its text where a string
//! is wanted, a number where a number is). Anything else (a comment, a blank line, a
//! tab, an anchor, a flow mapping, another multi-line or an escaped string, an unknown or
//! repeated key, a number written in another notation) returns `None`, and serde-saphyr
//! reads the header instead: its results and its error messages stay the only ones a
//! person sees.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::{FlowRef, Header, RoundTrips, StudyRef, TerminalInfo, TransportInfo, Visit};

/// A YAML node of the header's shape.
#[derive(Debug)]
enum Node<'a> {
    Map(Vec<(&'a str, Node<'a>)>),
    Seq(Vec<Node<'a>>),
    Plain(&'a str),
    Quoted(Cow<'a, str>),
}

struct Lines<'a> {
    lines: Vec<(usize, &'a str)>,
}

/// The header above `events:`, when it has the shape mvx writes.
pub(super) fn header(text: &str) -> Option<Header> {
    let lines = super::lines::lines(text)
        .map(|line| {
            let body = line.trim_start_matches(' ');
            (line.len() - body.len(), body)
        })
        .collect::<Vec<_>>();
    if lines.iter().any(|(_, body)| unusual_line(body)) {
        return None;
    }
    let doc = Lines { lines };
    let mut at = 0;
    let node = doc.block(&mut at, 0, 0)?;
    (at == doc.lines.len()).then_some(())?;
    to_header(node)
}

fn unusual_line(body: &str) -> bool {
    body.is_empty()
        || body.starts_with(['#', '%', '&', '*', '!', '?', '|', '>'])
        || body.starts_with("---")
        || body.contains(['\t', '\r'])
}

/// Words a plain scalar does not mean as text.
fn is_word(text: &str) -> bool {
    matches!(
        text,
        "null" | "Null" | "NULL" | "~" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
    )
}

impl<'a> Lines<'a> {
    /// The node starting on line `*at` at column `col`, `skip` bytes into that line's body.
    fn block(&self, at: &mut usize, col: usize, skip: usize) -> Option<Node<'a>> {
        let (indent, body) = *self.lines.get(*at)?;
        let text = &body[skip..];
        if indent + skip != col {
            return None;
        }
        if text.starts_with("- ") {
            return self.seq(at, col);
        }
        if key_of(text).is_some() {
            return self.map(at, col, skip);
        }
        *at += 1;
        inline(text)
    }

    fn seq(&self, at: &mut usize, col: usize) -> Option<Node<'a>> {
        let mut items = Vec::new();
        // The first item may share its line with an outer item (`- - a`).
        let mut skip = col.checked_sub(self.lines.get(*at)?.0)?;
        while let Some(&(indent, body)) = self.lines.get(*at) {
            if indent + skip != col || !body[skip..].starts_with("- ") {
                (indent + skip <= col).then_some(())?;
                break;
            }
            items.push(self.block(at, col + 2, skip + 2)?);
            skip = 0;
        }
        Some(Node::Seq(items))
    }

    fn map(&self, at: &mut usize, col: usize, mut skip: usize) -> Option<Node<'a>> {
        let mut entries: Vec<(&str, Node)> = Vec::new();
        while let Some(&(indent, body)) = self.lines.get(*at) {
            if indent + skip != col {
                // Deeper is a continuation this reader does not take; shallower ends the map.
                (indent + skip < col).then_some(())?;
                break;
            }
            let (key, rest) = key_of(&body[skip..])?;
            if entries.iter().any(|(k, _)| *k == key) {
                return None;
            }
            *at += 1;
            skip = 0;
            let value = if rest == ">-" {
                self.folded(at, col)?
            } else if rest.is_empty() {
                let (next, body) = *self.lines.get(*at)?;
                match next > col || (next == col && body.starts_with("- ")) {
                    true => self.block(at, next, 0)?,
                    false => return None,
                }
            } else {
                inline(rest)?
            };
            entries.push((key, value));
        }
        Some(Node::Map(entries))
    }
}

impl<'a> Lines<'a> {
    /// A folded block scalar with its final line break stripped (`>-`), as serde-saphyr
    /// writes a one-line string longer than 80 characters (a browser's user agent, a long
    /// title): its lines, all at one indent deeper than `col`, joined by single spaces.
    /// A blank line, a more-indented line or a tab would mean more than that and is not
    /// taken (a blank line or a tab already sent the whole header aside).
    fn folded(&self, at: &mut usize, col: usize) -> Option<Node<'a>> {
        let (indent, _) = *self.lines.get(*at)?;
        (indent > col).then_some(())?;
        let mut text = String::new();
        while let Some(&(next, body)) = self.lines.get(*at) {
            if next <= col {
                break;
            }
            let plain = next == indent && !body.chars().any(char::is_control);
            plain.then_some(())?;
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(body);
            *at += 1;
        }
        Some(Node::Quoted(Cow::Owned(text)))
    }
}

/// `key: rest` or `key:`, for a plain key of letters, digits, `_` and `-`.
fn key_of(text: &str) -> Option<(&str, &str)> {
    let end = text.find(':')?;
    let key = &text[..end];
    let word_char = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let plain = !key.is_empty()
        && match key.is_ascii() {
            true => key.bytes().all(|b| word_char(char::from(b))),
            false => key.chars().all(word_char),
        }
        && !key.starts_with('-')
        && !is_word(key)
        && !key.bytes().all(|b| b.is_ascii_digit());
    let rest = &text[end + 1..];
    match rest.strip_prefix(' ') {
        _ if !plain => None,
        Some(rest) if !rest.starts_with(' ') => Some((key, rest)),
        None if rest.is_empty() => Some((key, rest)),
        _ => None,
    }
}

/// A scalar or a one-line flow sequence of scalars.
fn inline(text: &str) -> Option<Node<'_>> {
    if let Some(inner) = text.strip_prefix('[') {
        let inner = inner.strip_suffix(']')?;
        if inner.is_empty() {
            return Some(Node::Seq(Vec::new()));
        }
        if inner.contains(['[', ']', '{', '}', '"', '\'']) {
            return None;
        }
        let items = inner.split(", ").map(|item| plain(item, true));
        return items.collect::<Option<Vec<_>>>().map(Node::Seq);
    }
    if let Some(inner) = text.strip_prefix('"') {
        let inner = inner.strip_suffix('"')?;
        let simple = !inner.contains(['"', '\\']) && !inner.chars().any(char::is_control);
        return simple.then_some(Node::Quoted(Cow::Borrowed(inner)));
    }
    if let Some(inner) = text.strip_prefix('\'') {
        let inner = inner.strip_suffix('\'')?;
        let simple =
            !inner.replace("''", "").contains('\'') && !inner.chars().any(char::is_control);
        return simple.then(|| Node::Quoted(Cow::Owned(inner.replace("''", "'"))));
    }
    plain(text, false)
}

/// A plain scalar whose text is all there is to it: no comment, no indicator, no
/// surrounding space, no control character.
fn plain(text: &str, in_flow: bool) -> Option<Node<'_>> {
    let ok = !text.is_empty()
        && !text.starts_with([
            '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%',
            '@', '`', ' ',
        ])
        && !text.ends_with([' ', ':'])
        && plain_inside(text.as_bytes(), in_flow);
    let number = text.starts_with('-')
        && text.len() > 1
        && text[1..].bytes().all(|b| b.is_ascii_digit() || b == b'.');
    (ok || number).then_some(Node::Plain(text))
}

/// No ` #` (a comment), no `: ` (a mapping), no flow indicator inside a flow sequence,
/// and no control character (U+0000-U+001F, U+007F-U+009F, as `char::is_control`):
/// one pass over the bytes, headers being most of what a report reads.
fn plain_inside(bytes: &[u8], in_flow: bool) -> bool {
    let mut previous = 0u8;
    for &b in bytes {
        let bad = match b {
            b'#' => previous == b' ',
            b' ' => previous == b':',
            b',' | b'[' | b']' | b'{' | b'}' => in_flow,
            0..0x20 | 0x7f => true,
            // U+0080-U+009F are C2 80 to C2 9F in UTF-8.
            0x80..=0x9f => previous == 0xc2,
            _ => false,
        };
        if bad {
            return false;
        }
        previous = b;
    }
    true
}

fn to_header(node: Node) -> Option<Header> {
    let mut map = Fields::of(node)?;
    let header = Header {
        schema: string(map.take("schema")?)?,
        session: string(map.take("session")?)?,
        flow: flow(map.take("flow")?)?,
        participant: string(map.take("participant")?)?,
        researcher: opt(map.take("researcher")?, string)?,
        started_at: string(map.take("started_at")?)?,
        terminal: terminal(map.take("terminal")?)?,
        transport: map
            .maybe("transport")
            .map(transport)
            .unwrap_or(Some(None))?,
        mvx: string(map.take("mvx")?)?,
        simulated: map.maybe("simulated").map(boolean).unwrap_or(Some(false))?,
        study: map.maybe("study").map(study).unwrap_or(Some(None))?,
    };
    map.done()?;
    Some(header)
}

/// A mapping's entries, taken one by one; any left over is a key this reader does not know.
struct Fields<'a>(Vec<(&'a str, Node<'a>)>);

impl<'a> Fields<'a> {
    fn of(node: Node<'a>) -> Option<Self> {
        match node {
            Node::Map(entries) => Some(Fields(entries)),
            _ => None,
        }
    }

    fn maybe(&mut self, key: &str) -> Option<Node<'a>> {
        let i = self.0.iter().position(|(k, _)| *k == key)?;
        Some(self.0.swap_remove(i).1)
    }

    fn take(&mut self, key: &str) -> Option<Node<'a>> {
        self.maybe(key)
    }

    fn done(&self) -> Option<()> {
        self.0.is_empty().then_some(())
    }
}

fn is_null(text: &str) -> bool {
    matches!(text, "null" | "Null" | "NULL" | "~")
}

fn string(node: Node) -> Option<String> {
    match node {
        Node::Plain(text) if !is_word(text) => Some(text.to_owned()),
        Node::Quoted(text) => Some(text.into_owned()),
        _ => None,
    }
}

/// `null` (and its spellings) is absent; anything else is read by `read`.
fn opt<T>(node: Node, read: impl Fn(Node) -> Option<T>) -> Option<Option<T>> {
    match node {
        Node::Plain(text) if is_null(text) => Some(None),
        node => read(node).map(Some),
    }
}

/// A whole number in plain decimal; other notations go to serde-saphyr.
fn integer<T: std::str::FromStr>(node: Node) -> Option<T> {
    let Node::Plain(text) = node else { return None };
    let digits = text.strip_prefix('-').unwrap_or(text);
    let clean = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && text != "-0";
    clean.then(|| text.parse().ok()).flatten()
}

/// A number with an optional decimal part, in plain decimal.
fn float(node: Node) -> Option<f64> {
    let Node::Plain(text) = node else { return None };
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let clean = !whole.is_empty()
        && !fraction.is_empty()
        && whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
        && (whole == "0" || !whole.starts_with('0'));
    clean.then(|| text.parse().ok()).flatten()
}

fn boolean(node: Node) -> Option<bool> {
    match node {
        Node::Plain("true") => Some(true),
        Node::Plain("false") => Some(false),
        _ => None,
    }
}

fn strings(node: Node) -> Option<Vec<String>> {
    match node {
        Node::Seq(items) => items.into_iter().map(string).collect(),
        _ => None,
    }
}

fn flow(node: Node) -> Option<FlowRef> {
    let mut map = Fields::of(node)?;
    let flow = FlowRef {
        id: string(map.take("id")?)?,
        title: string(map.take("title")?)?,
        variant: opt(map.take("variant")?, string)?,
        path: string(map.take("path")?)?,
        sha256: string(map.take("sha256")?)?,
        expected: map
            .maybe("expected")
            .map(expected)
            .unwrap_or(Some(BTreeMap::new()))?,
        scales: map
            .maybe("scales")
            .map(scales)
            .unwrap_or(Some(BTreeMap::new()))?,
    };
    map.done()?;
    Some(flow)
}

fn keyed<T>(node: Node, value: impl Fn(Node) -> Option<T>) -> Option<BTreeMap<String, T>> {
    let Fields(entries) = Fields::of(node)?;
    entries
        .into_iter()
        .map(|(k, v)| Some((k.to_owned(), value(v)?)))
        .collect()
}

fn expected(node: Node) -> Option<BTreeMap<String, Vec<Vec<String>>>> {
    keyed(node, |paths| match paths {
        Node::Seq(items) => items.into_iter().map(strings).collect(),
        _ => None,
    })
}

fn scales(node: Node) -> Option<BTreeMap<String, [i64; 2]>> {
    keyed(node, |ends| match ends {
        Node::Seq(items) if items.len() == 2 => {
            let mut items = items.into_iter();
            Some([integer(items.next()?)?, integer(items.next()?)?])
        }
        _ => None,
    })
}

fn terminal(node: Node) -> Option<TerminalInfo> {
    let mut map = Fields::of(node)?;
    let terminal = TerminalInfo {
        cols: integer(map.take("cols")?)?,
        rows: integer(map.take("rows")?)?,
        term: opt(map.take("term")?, string)?,
        program: opt(map.take("program")?, string)?,
        tmux: boolean(map.take("tmux")?)?,
        ssh: boolean(map.take("ssh")?)?,
    };
    map.done()?;
    Some(terminal)
}

fn transport(node: Node) -> Option<Option<TransportInfo>> {
    opt(node, |node| {
        let mut map = Fields::of(node)?;
        let mut rtt = Fields::of(map.take("rtt_ms")?)?;
        let transport = TransportInfo {
            kind: string(map.take("kind")?)?,
            user_agent: match map.take("user_agent") {
                Some(agent) => string(agent)?,
                None => String::new(),
            },
            client: match map.take("client") {
                Some(client) => Some(string(client)?),
                None => None,
            },
            rtt_ms: RoundTrips {
                median: float(rtt.take("median")?)?,
                p90: float(rtt.take("p90")?)?,
            },
            clock_offset_ms: float(map.take("clock_offset_ms")?)?,
        };
        map.done()?;
        rtt.done()?;
        Some(transport)
    })
}

fn study(node: Node) -> Option<Option<StudyRef>> {
    opt(node, |node| {
        let mut map = Fields::of(node)?;
        let study = StudyRef {
            id: string(map.take("id")?)?,
            path: string(map.take("path")?)?,
            sha256: string(map.take("sha256")?)?,
            design: match map.take("design")? {
                Node::Plain("between") => crate::flow::study::Design::Between,
                Node::Plain("within") => crate::flow::study::Design::Within,
                _ => return None,
            },
            variant: string(map.take("variant")?)?,
            order: map
                .maybe("order")
                .map(strings)
                .unwrap_or(Some(Vec::new()))?,
            slot: integer(map.take("slot")?)?,
            seed: integer(map.take("seed")?)?,
            anticipation_ms: match map.maybe("anticipation_ms") {
                Some(node) => Some(integer(node)?),
                None => None,
            },
            visit: map.maybe("visit").map(visit).unwrap_or(Some(None))?,
        };
        map.done()?;
        Some(study)
    })
}

/// A study session's `visit` block (docs/returns.md).
fn visit(node: Node) -> Option<Option<Visit>> {
    opt(node, |node| {
        let mut map = Fields::of(node)?;
        let number = |node: Option<Node>| -> Option<Option<u64>> {
            node.map_or(Some(None), |n| opt(n, integer))
        };
        let visit = Visit {
            trial: integer(map.take("trial")?)?,
            trials: integer(map.take("trials")?)?,
            retention: map.maybe("retention").map_or(Some(false), boolean)?,
            since_first_ms: number(map.maybe("since_first_ms"))?,
            since_previous_ms: number(map.maybe("since_previous_ms"))?,
            early: map.maybe("early").map_or(Some(false), boolean)?,
            next_from: match map.maybe("next_from") {
                Some(node) => opt(node, string)?,
                None => None,
            },
            next_after_start_ms: None,
        };
        map.done()?;
        Some(visit)
    })
}

#[cfg(test)]
mod tests {
    /// The one-pass check says what the checks it replaced said.
    #[test]
    fn plain_inside_matches_the_plain_rules() {
        let old = |text: &str, in_flow: bool| {
            !text.contains(" #")
                && !text.contains(": ")
                && (!in_flow || !text.contains([',', '[', ']', '{', '}']))
                && !text.chars().any(char::is_control)
        };
        let texts = [
            "plain",
            "a #b",
            "a#b",
            "a: b",
            "a:b",
            "a, b",
            "x[1]",
            "tab\there",
            "del\u{7f}",
            "c1\u{85}",
            "c1\u{9f}end",
            "\u{a0}nbsp",
            "é€𝄞",
            "\u{800}",
            "#start",
            "end:",
        ];
        for text in texts {
            for in_flow in [false, true] {
                assert_eq!(
                    super::plain_inside(text.as_bytes(), in_flow),
                    old(text, in_flow),
                    "{text:?} in flow: {in_flow}"
                );
            }
        }
    }
}
