//! The event line mvx writes, scanned by hand: one flat JSON object of known keys whose
//! strings need no unescaping. This is most of the work of reading a session, so it is
//! done without a general JSON parser; a line with anything else in it (an escape, an
//! unknown or repeated key, a fraction, nesting) gives `None` and is read by serde as
//! before, so every line reads the same whichever way it is read.

use std::borrow::Cow;

use super::raw_event::{RawEvent, Value};

/// The line's fields, when it has exactly the shape this scanner takes.
pub(super) fn scan(json: &str) -> Option<RawEvent<'_>> {
    let mut s = Scanner {
        text: json.as_bytes(),
        json,
        at: 0,
    };
    let mut raw = RawEvent::default();
    let (mut have_at, mut have_kind) = (false, false);
    let mut seen: u32 = 0;
    s.byte(b'{')?;
    if s.peek()? == b'}' {
        return None;
    }
    loop {
        let key = s.string()?;
        s.byte(b':')?;
        let bit = field_number(key)?;
        if seen & (1 << bit) != 0 {
            return None;
        }
        seen |= 1 << bit;
        match key {
            "at_ms" => {
                raw.at_ms = s.unsigned()?;
                have_at = true;
            }
            "kind" => {
                raw.kind = Cow::Borrowed(s.string()?);
                have_kind = true;
            }
            "free_text" => raw.free_text = s.boolean()?,
            // A word where it is written; `null` is an error to serde, so not absent here.
            "input" => raw.input = Some(Cow::Borrowed(s.string()?)),
            "restamped" => {
                s.boolean()?;
            }
            "value" => raw.value = s.value()?,
            _ => s.field(key, &mut raw)?,
        }
        match s.next_byte()? {
            b',' => continue,
            b'}' => break,
            _ => return None,
        }
    }
    s.end()?;
    (have_at && have_kind).then_some(raw)
}

/// Each key this scanner knows, numbered so a repeated one is caught.
fn field_number(key: &str) -> Option<u32> {
    Some(match key {
        "at_ms" => 0,
        "kind" => 1,
        "task" => 2,
        "step" => 3,
        "question" => 4,
        "choice" => 5,
        "to" => 6,
        "name" => 7,
        "text" => 8,
        "reason" => 9,
        "outcome" => 10,
        "screen" => 11,
        "key" => 12,
        "after" => 13,
        "flow_sha256" => 14,
        "hesitation_ms" => 15,
        "decision_ms" => 16,
        "duration_ms" => 17,
        "paused_ms" => 18,
        "early_ms" => 19,
        "gap_ms" => 20,
        "value" => 21,
        "free_text" => 22,
        "answer" => 23,
        "sha256" => 24,
        // A served session's mark on an event stamped again (docs/session-format.md):
        // no field of the event, as serde ignores it.
        "restamped" => 25,
        "input" => 26,
        _ => return None,
    })
}

struct Scanner<'a> {
    text: &'a [u8],
    json: &'a str,
    at: usize,
}

impl<'a> Scanner<'a> {
    /// The next byte that is not JSON whitespace, without taking it.
    fn peek(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.text.get(self.at) {
            self.at += 1;
        }
        self.text.get(self.at).copied()
    }

    fn next_byte(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    fn byte(&mut self, want: u8) -> Option<()> {
        (self.next_byte()? == want).then_some(())
    }

    /// Only whitespace left.
    fn end(&mut self) -> Option<()> {
        self.peek().is_none().then_some(())
    }

    /// A string without escapes or control characters, borrowed from the line.
    fn string(&mut self) -> Option<&'a str> {
        self.byte(b'"')?;
        let start = self.at;
        let mut end = start;
        loop {
            match *self.text.get(end)? {
                b'"' => break,
                b'\\' | 0..0x20 => return None,
                _ => end += 1,
            }
        }
        self.at = end + 1;
        // The quotes are ASCII, so both ends are on character boundaries.
        self.json.get(start..end)
    }

    /// Whether a `null` comes next; it is taken if so.
    fn null(&mut self) -> Option<bool> {
        if self.peek()? == b'n' {
            return self.word("null").map(|()| true);
        }
        Some(false)
    }

    fn word(&mut self, word: &str) -> Option<()> {
        let end = self.at + word.len();
        (self.text.get(self.at..end)? == word.as_bytes()).then(|| self.at = end)
    }

    fn boolean(&mut self) -> Option<bool> {
        match self.peek()? {
            b't' => self.word("true").map(|()| true),
            b'f' => self.word("false").map(|()| false),
            _ => None,
        }
    }

    /// A whole number in JSON's spelling (no leading zeros, no fraction, no exponent).
    fn unsigned(&mut self) -> Option<u64> {
        self.peek()?;
        let start = self.at;
        let len = self.text[start..]
            .iter()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(self.text.len() - start);
        let digits = &self.text[start..start + len];
        if digits.is_empty() || (digits.len() > 1 && digits[0] == b'0') {
            return None;
        }
        if let Some(b'.' | b'e' | b'E') = self.text.get(start + len) {
            return None;
        }
        self.at = start + len;
        digits.iter().try_fold(0u64, |n, d| {
            n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        })
    }

    /// A `value`: a string, a boolean, a number or `null`. A whole number is an `i64`, or
    /// past it a `u64`; any other number (a fraction, an exponent, `-0`, past `u64`) is
    /// what serde_json's own parser makes of the same characters.
    fn value(&mut self) -> Option<Option<Value>> {
        if self.null()? {
            return Some(None);
        }
        let value = match self.peek()? {
            b'"' => Value::Text(self.string()?.to_owned()),
            b't' | b'f' => Value::Bool(self.boolean()?),
            _ => {
                let start = self.at;
                let len = self.text[start..]
                    .iter()
                    .position(|b| !matches!(b, b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-'))
                    .unwrap_or(self.text.len() - start);
                self.at = start + len;
                let number = self.json.get(start..start + len)?;
                match whole(number) {
                    Some(value) => value,
                    None => Value::Fraction(serde_json::from_str::<f64>(number).ok()?),
                }
            }
        };
        Some(Some(value))
    }

    /// A text or number field that may be `null` (read as absent).
    fn field(&mut self, key: &str, raw: &mut RawEvent<'a>) -> Option<()> {
        if self.null()? {
            return Some(());
        }
        let number = match key {
            "hesitation_ms" => &mut raw.hesitation_ms,
            "decision_ms" => &mut raw.decision_ms,
            "duration_ms" => &mut raw.duration_ms,
            "paused_ms" => &mut raw.paused_ms,
            "early_ms" => &mut raw.early_ms,
            "gap_ms" => &mut raw.gap_ms,
            _ => {
                let text = Some(Cow::Borrowed(self.string()?));
                *self.text_field(key, raw)? = text;
                return Some(());
            }
        };
        *number = Some(self.unsigned()?);
        Some(())
    }

    fn text_field<'r>(
        &self,
        key: &str,
        raw: &'r mut RawEvent<'a>,
    ) -> Option<&'r mut Option<Cow<'a, str>>> {
        Some(match key {
            "task" => &mut raw.task,
            "step" => &mut raw.step,
            "question" => &mut raw.question,
            "choice" => &mut raw.choice,
            "to" => &mut raw.to,
            "name" => &mut raw.name,
            "text" => &mut raw.text,
            "reason" => &mut raw.reason,
            "outcome" => &mut raw.outcome,
            "screen" => &mut raw.screen,
            "key" => &mut raw.key,
            "after" => &mut raw.after,
            "flow_sha256" => &mut raw.flow_sha256,
            "answer" => &mut raw.answer,
            "sha256" => &mut raw.sha256,
            _ => return None,
        })
    }
}

/// A whole number in JSON's spelling that serde_json reads as an integer: no leading
/// zero, no fraction or exponent, not `-0`, within `i64` when negative and `u64` when not.
fn whole(number: &str) -> Option<Value> {
    let (negative, digits) = match number.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, number),
    };
    let clean = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    clean.then_some(())?;
    let n: u64 = digits.parse().ok()?;
    match negative {
        true => (n != 0)
            .then(|| 0i64.checked_sub_unsigned(n))
            .flatten()
            .map(Value::Whole),
        false => Some(i64::try_from(n).map_or(Value::Large(n), Value::Whole)),
    }
}
