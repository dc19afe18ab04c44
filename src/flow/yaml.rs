//! The one place that parses YAML for flows: a located node tree, read within a budget.
//!
//! Everything above this module sees `Node`s carrying line and column, never the YAML
//! library, so the library can be swapped here alone.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, DuplicateKeyPolicy, Options, Spanned};

use crate::diagnostic::{Diagnostic, Pos};

/// Budget for flow files. Real flows are small; a 10,000-step flow is about 200,000
/// nodes. The replay limit is what stops "billion laughs" files: reusing one anchored
/// block of 500 nodes a hundred times replays 50,000 events, well inside it, while a
/// list aliased thousands of times breaks it within a fraction of a second.
pub const MAX_NODES: usize = 1_000_000;
pub const MAX_REPLAYED_EVENTS: usize = 200_000;
const MAX_DEPTH: usize = 32;

/// A YAML value with the place it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub at: Pos,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    /// `text` is the scalar as written (`Yes`, `1.50`), `typed` what YAML makes of it.
    Scalar {
        text: String,
        typed: Typed,
    },
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Typed {
    Str,
    Bool(bool),
    Int(i64),
    Float,
}

/// A mapping key. Duplicates are kept so the loader can name both places.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub text: String,
    pub at: Pos,
}

impl Value {
    /// How the value reads in a sentence: "a list", "a mapping", "the number 3".
    pub fn describe(&self) -> String {
        match self {
            Value::Null => "nothing".into(),
            Value::Scalar {
                text,
                typed: Typed::Str,
            } => format!("the text `{text}`"),
            Value::Scalar {
                text,
                typed: Typed::Bool(_),
            } => format!("the boolean `{text}`"),
            Value::Scalar { text, .. } => format!("the number `{text}`"),
            Value::Seq(_) => "a list".into(),
            Value::Map(_) => "a mapping".into(),
        }
    }
}

/// Parses `source` into a node tree, or one diagnostic saying where and why it is not YAML.
pub fn parse(source: &str) -> Result<Node, Diagnostic> {
    let raw: Spanned<Raw> = serde_saphyr::from_str_with_options(source, options())
        .map_err(|e| brace_hint(syntax_error(&e), source))?;
    Ok(convert(raw, source))
}

fn options() -> Options {
    let mut budget = Budget::default();
    budget.max_nodes = MAX_NODES;
    budget.max_events = 4 * MAX_NODES;
    budget.max_depth = MAX_DEPTH;
    budget.max_documents = 1;
    budget.max_total_scalar_bytes = 16 * 1024 * 1024;
    // Anchor reuse is bounded by the replay limit below, not by an alias/anchor ratio,
    // which would refuse a designer reusing one block a hundred times.
    budget.enforce_alias_anchor_ratio = false;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = MAX_REPLAYED_EVENTS;
    // YAML 1.2 booleans only: `options: [Yes, No]` are words, not true and false.
    options.strict_booleans = true;
    options.leading_zero_numbers_as_strings = true;
    options.duplicate_keys = DuplicateKeyPolicy::PassThrough;
    options.with_snippet = false;
    options
}

/// `if: {cups} > 1` reads as a YAML mapping followed by stray text: say to quote it.
fn brace_hint(mut diagnostic: Diagnostic, source: &str) -> Diagnostic {
    let line = usize::try_from(diagnostic.at.line)
        .ok()
        .and_then(|l| source.lines().nth(l.checked_sub(1)?));
    let Some(value) = line.and_then(|l| l.split_once(": {")).map(|(_, v)| v) else {
        return diagnostic;
    };
    let after = value.split_once('}').map_or("", |(_, rest)| rest.trim());
    if !after.is_empty() && !after.starts_with([',', '}', '#']) {
        diagnostic.help = Some(
            "a value that starts with `{` is read as a YAML mapping; put an expression in \
             quotes, e.g. if: \"{cups} > 1\""
                .into(),
        );
    }
    diagnostic
}

fn syntax_error(error: &serde_saphyr::Error) -> Diagnostic {
    let at = error
        .location()
        .map(|l| pos_of(&l))
        .unwrap_or(Pos::new(1, 1, 1));
    let full = error.without_snippet().to_string();
    let message = strip_location(&full);
    let mut diagnostic = Diagnostic::error("yaml", at, explain(message));
    if let Some(help) = hint(message) {
        diagnostic = diagnostic.with_help(help);
    }
    diagnostic
}

/// The library appends " at line L, column C" (and alias notes); we show the place ourselves.
fn strip_location(message: &str) -> &str {
    message.find(" at line ").map_or(message, |i| &message[..i])
}

fn explain(message: &str) -> String {
    if message.starts_with("budget breached") || message.contains("replay") {
        return format!(
            "this file expands past what a flow may hold ({message}); \
             it repeats anchored blocks too often or is far larger than any flow"
        );
    }
    format!("this is not valid YAML: {message}")
}

fn hint(message: &str) -> Option<String> {
    let m = message.to_ascii_lowercase();
    if m.contains("flow mapping") || m.contains("flow sequence") {
        Some(
            "inside `{ ... }` or `[ ... ]`, a `: `, `,`, `?` or `#` in a text ends it early; \
             put the text in quotes, e.g. { label: \"Status: shipped\", go: status }"
                .into(),
        )
    } else if m.contains("mapping values are not allowed") || m.contains("':' indicator") {
        Some(
            "a `: ` inside a text starts a new key; put the whole text in quotes, \
             e.g. text: \"Note: this is final\""
                .into(),
        )
    } else if m.contains("tab") {
        Some("indent with spaces; YAML does not allow tabs for indentation".into())
    } else if m.contains("did not find expected key") || m.contains("indentation") {
        Some("check the indentation: keys of one mapping line up in the same column".into())
    } else if m.contains("budget") || m.contains("replay") {
        Some("see docs/yaml.md for the limits and why they exist".into())
    } else {
        None
    }
}

fn pos_of(location: &serde_saphyr::Location) -> Pos {
    let len = location.span().len().max(1);
    Pos::new(
        u32::try_from(location.line()).unwrap_or(u32::MAX),
        u32::try_from(location.column()).unwrap_or(u32::MAX),
        u32::try_from(len).unwrap_or(u32::MAX),
    )
}

/// The text a scalar was written as, taken from the source so `1.50` stays `1.50`.
fn written(source: &str, location: &serde_saphyr::Location) -> Option<String> {
    let span = location.span();
    let start = usize::try_from(span.byte_offset()?).ok()?;
    let len = usize::try_from(span.byte_len()?).ok()?;
    source
        .get(start..start.checked_add(len)?)
        .map(str::to_owned)
}

fn convert(raw: Spanned<Raw>, source: &str) -> Node {
    let at = pos_of(&raw.referenced);
    let value = match raw.value {
        Raw::Null => Value::Null,
        Raw::Str(text) => Value::Scalar {
            text,
            typed: Typed::Str,
        },
        Raw::Bool(b) => scalar(source, &raw.defined, b.to_string(), Typed::Bool(b)),
        Raw::Int(i) => scalar(source, &raw.defined, i.to_string(), Typed::Int(i)),
        Raw::Float(f) => scalar(source, &raw.defined, f.to_string(), Typed::Float),
        Raw::Seq(items) => Value::Seq(items.into_iter().map(|n| convert(n, source)).collect()),
        Raw::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let key = Key {
                        at: pos_of(&k.referenced),
                        text: k.value,
                    };
                    (key, convert(v, source))
                })
                .collect(),
        ),
    };
    Node { at, value }
}

fn scalar(source: &str, location: &serde_saphyr::Location, shown: String, typed: Typed) -> Value {
    let text = written(source, location).unwrap_or(shown);
    Value::Scalar { text, typed }
}

/// What the YAML library hands us, before positions become ours.
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<String>, Spanned<Raw>)>),
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
        Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key()? {
            entries.push((key, map.next_value()?));
        }
        Ok(Raw::Map(entries))
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Raw, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(node: &Node) -> &[(Key, Node)] {
        match &node.value {
            Value::Map(entries) => entries,
            other => panic!("expected a mapping, got {other:?}"),
        }
    }

    #[test]
    fn scalars_keep_their_written_text_and_position() {
        let node = parse("a: Yes\nb: 1.50\nc: 007\nd: true\n").expect("valid YAML");
        let entries = map(&node);
        let texts: Vec<_> = entries
            .iter()
            .map(|(_, v)| match &v.value {
                Value::Scalar { text, typed } => (text.as_str(), *typed),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            texts,
            [
                ("Yes", Typed::Str),
                ("1.50", Typed::Float),
                ("007", Typed::Str),
                ("true", Typed::Bool(true))
            ]
        );
        assert_eq!(entries[1].1.at, Pos::new(2, 4, 4));
        assert_eq!(entries[2].0.at, Pos::new(3, 1, 1));
    }

    #[test]
    fn duplicate_keys_reach_the_loader() {
        let node = parse("a: 1\na: 2\n").expect("duplicates are the loader's to report");
        assert_eq!(map(&node).len(), 2);
    }

    #[test]
    fn a_colon_in_a_flow_mapping_gets_a_quoting_hint() {
        let error = parse("- { label: Status: shipped, go: x }\n").expect_err("not YAML");
        assert_eq!((error.at.line, error.at.col), (1, 18));
        assert!(
            error.help.as_deref().unwrap_or("").contains("quotes"),
            "{error:?}"
        );
    }

    #[test]
    fn an_anchored_block_reused_a_hundred_times_loads() {
        let mut text = String::from("base: &b {a: 1, b: [x, y, z], c: {d: e}}\nuses:\n");
        for _ in 0..100 {
            text.push_str("  - *b\n");
        }
        assert!(parse(&text).is_ok());
    }

    #[test]
    fn an_alias_bomb_is_refused() {
        let list = vec!["xxxxxxxxxx"; 18_000].join(",");
        let text = format!("a: &a [{list}]\nb: [{}]\n", vec!["*a"; 4_000].join(","));
        let error = parse(&text).expect_err("must stay within budget");
        assert!(error.message.contains("expands past"), "{}", error.message);
    }
}
