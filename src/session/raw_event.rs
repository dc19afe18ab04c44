//! An event line's fields, one struct of every field any kind has, strings borrowed
//! from the line where they need no unescaping: what the hand scanner
//! (`fast_scan.rs`) and serde_json both read a line into, and `fast_event.rs` builds
//! the event from.

use std::borrow::Cow;

use serde::Deserialize;

use super::AnswerValue;

#[derive(Deserialize, Default)]
pub(super) struct RawEvent<'a> {
    pub(super) at_ms: u64,
    #[serde(borrow)]
    pub(super) kind: Cow<'a, str>,
    #[serde(borrow)]
    pub(super) task: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) step: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) question: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) choice: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) to: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) text: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) reason: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) outcome: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) screen: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) key: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) after: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) flow_sha256: Option<Cow<'a, str>>,
    pub(super) hesitation_ms: Option<u64>,
    pub(super) decision_ms: Option<u64>,
    pub(super) duration_ms: Option<u64>,
    pub(super) paused_ms: Option<u64>,
    pub(super) early_ms: Option<u64>,
    pub(super) gap_ms: Option<u64>,
    pub(super) value: Option<Value>,
    /// `null` is an error here as in `Event`, so not an `Option`.
    #[serde(default)]
    pub(super) free_text: bool,
}

/// An answer's value, as `AnswerValue`'s untagged reading takes it: a whole number that
/// fits an `i64`, or a string; anything else is an error.
pub(super) struct Value(pub(super) AnswerValue);

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl serde::de::Visitor<'_> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a whole number or a string")
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value(AnswerValue::Number(v)))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        i64::try_from(v)
            .map(|v| Value(AnswerValue::Number(v)))
            .map_err(E::custom)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value(AnswerValue::Text(v.to_owned())))
    }
}
