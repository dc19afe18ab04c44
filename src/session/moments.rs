//! Moments: every note made on a session, as one kind of thing. A researcher's note in
//! `mvx play` (an event in the session file) and a note kept beside the session (an
//! observer's, a reviewer's, a coder's) are read here into [`Moment`]s, each with who
//! wrote it, when, the step on screen and the codebook's tags. Tags are written `#name`
//! in a note's text, wherever it is typed (docs/findings.md).

use serde::Serialize;

use super::{Event, EventKind, ObserverNote, Session};

/// Who wrote a researcher's note in a session whose header names no researcher.
pub const RESEARCHER: &str = "researcher";
/// Who wrote a note kept beside a session that names no author (files from before
/// authors were written).
pub const OBSERVER: &str = "observer";

/// A tag name as typed after `#` is at most this long (a codebook's ids' limit).
const TAG_MAX: usize = 64;

/// One note on a session, wherever it was made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Moment {
    /// Milliseconds from the session's start.
    pub at_ms: u64,
    /// Where a marked span ends, if the note marks one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_ms: Option<u64>,
    pub author: String,
    /// The step or verdict question on screen at `at_ms`, if any was yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    pub tags: Vec<String>,
    /// The note's words, its `#tags` left in as typed.
    pub text: String,
    /// The participant's own words the note is about (a typed answer), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// Made during the session by the researcher at its terminal (an event in the file),
    /// not kept beside it.
    pub during: bool,
}

impl Moment {
    /// The words to quote for the moment: the participant's, if it is about them, else
    /// the note's own without its tags.
    pub fn words(&self) -> String {
        match &self.quote {
            Some(quote) => quote.clone(),
            None => without_tags(&self.text),
        }
    }
}

/// A coder's name as given (`--coder NAME`): 1 to 64 characters, no control characters,
/// not blank; kept as given (names tell coders apart, case and all).
pub fn coder_name(name: &str) -> Result<String, String> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err("a coder's name cannot be empty".into());
    }
    if trimmed.chars().count() > TAG_MAX || trimmed.chars().any(char::is_control) {
        return Err("a coder's name is at most 64 characters, without control characters".into());
    }
    Ok(trimmed.to_owned())
}

/// The `#tags` written in `text`, in order, each once: `#` at the start of a word, then
/// lowercase letters, digits, `-` and `_` (a trailing `-` or `_` is punctuation, not tag).
pub fn tags_in(text: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let Some(rest) = word.strip_prefix('#') else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_')
            .collect();
        let name = name.trim_end_matches(['-', '_']);
        if name.is_empty() || name.len() > TAG_MAX {
            continue;
        }
        if !tags.iter().any(|t| t == name) {
            tags.push(name.to_owned());
        }
    }
    tags
}

/// Why a note's `#tags` cannot be saved against a codebook's `names`: the first tag it
/// does not have, with the closest it has. None when every tag is known, or when there
/// is no codebook (`names` empty: tags are taken as typed).
pub fn unknown_tag(text: &str, names: &[String]) -> Option<String> {
    if names.is_empty() {
        return None;
    }
    // `#Slow` is no tag (tags are lowercase): said, rather than kept as words.
    let capital = (text.split_whitespace())
        .filter_map(|word| word.strip_prefix('#'))
        .find(|rest| rest.chars().next().is_some_and(char::is_uppercase));
    if let Some(rest) = capital {
        let lower = tags_in(&format!("#{}", rest.to_lowercase()));
        let shown = crate::text::printable(rest);
        return Some(match lower.first().filter(|l| names.contains(l)) {
            Some(tag) => format!("#{shown}: tags are lowercase; did you mean #{tag}?"),
            None => format!("#{shown} is not in the codebook (tags are lowercase)"),
        });
    }
    let unknown = tags_in(text)
        .into_iter()
        .find(|tag| !names.iter().any(|n| n == tag))?;
    let closest = crate::suggest::closest(&unknown, names.iter().map(String::as_str));
    Some(match closest {
        Some(near) => format!("#{unknown} is not in the codebook; did you mean #{near}?"),
        None => format!("#{unknown} is not in the codebook (Tab completes a tag)"),
    })
}

/// `text` with its `#tags` taken out and its spaces tidied: the words to quote.
pub fn without_tags(text: &str) -> String {
    let tags = tags_in(text);
    text.split_whitespace()
        .filter(|word| {
            let Some(rest) = word.strip_prefix('#') else {
                return true;
            };
            let bare =
                rest.trim_end_matches(|c: char| c.is_ascii_punctuation() && c != '-' && c != '_');
            !tags.iter().any(|t| t == bare.trim_end_matches(['-', '_']))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where a note taken at `at` with a span marked at `mark` starts, and where it ends:
/// the span between the two, whichever comes first; a moment when nothing (or the same
/// moment) is marked.
pub fn span(mark: Option<u64>, at: u64) -> (u64, Option<u64>) {
    match mark {
        Some(mark) if mark != at => (mark.min(at), Some(mark.max(at))),
        _ => (at, None),
    }
}

/// The step (or verdict question) whose screen was shown last at or before `at_ms`.
pub fn step_at(session: &Session, at_ms: u64) -> Option<String> {
    step_among(&session.events, at_ms)
}

/// [`step_at`] over the events read so far (a session still being written).
pub fn step_among(events: &[Event], at_ms: u64) -> Option<String> {
    events
        .iter()
        .take_while(|e| e.at_ms <= at_ms)
        .filter_map(|e| match &e.kind {
            EventKind::Show { step } => Some(step.clone()),
            EventKind::Ask { question } => Some(question.clone()),
            _ => None,
        })
        .last()
}

/// One showing of a step or verdict question, from its frame to the next screen (or the
/// session's last event): the unit moments are counted and coders compared over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepVisit {
    pub step: String,
    pub from_ms: u64,
    /// When the next screen was shown, or the session's last event.
    pub to_ms: u64,
}

impl StepVisit {
    /// Whether a moment at `at_ms` (to `end_ms`) falls in this showing: it starts in it,
    /// or its span reaches into it.
    pub fn holds(&self, at_ms: u64, end_ms: Option<u64>) -> bool {
        let end = end_ms.unwrap_or(at_ms).max(at_ms);
        at_ms < self.to_ms.max(self.from_ms + 1) && end >= self.from_ms
    }
}

/// Every showing of a screen in `session`, in order.
pub fn step_visits(session: &Session) -> Vec<StepVisit> {
    let last = session.events.last().map_or(0, |e| e.at_ms);
    let mut visits: Vec<StepVisit> = Vec::new();
    for event in &session.events {
        let step = match &event.kind {
            EventKind::Show { step } => step,
            EventKind::Ask { question } => question,
            _ => continue,
        };
        if let Some(open) = visits.last_mut() {
            open.to_ms = event.at_ms;
        }
        visits.push(StepVisit {
            step: step.clone(),
            from_ms: event.at_ms,
            to_ms: last.max(event.at_ms),
        });
    }
    visits
}

/// Every note on `session`, in time order: the researcher's notes in its events and the
/// notes kept beside it.
pub fn moments(session: &Session, notes: &[ObserverNote]) -> Vec<Moment> {
    let researcher = session
        .header
        .researcher
        .clone()
        .unwrap_or_else(|| RESEARCHER.to_owned());
    let mut moments: Vec<Moment> = session
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Note { text } => Some(Moment {
                at_ms: e.at_ms,
                end_ms: None,
                author: researcher.clone(),
                step: step_at(session, e.at_ms),
                tags: tags_in(text),
                text: text.clone(),
                quote: None,
                during: true,
            }),
            _ => None,
        })
        .collect();
    moments.extend(notes.iter().map(|note| {
        let mut tags = note.tags.clone();
        for tag in tags_in(&note.text) {
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        Moment {
            at_ms: note.at_ms,
            end_ms: note.end_ms.filter(|end| *end > note.at_ms),
            author: note.author.clone().unwrap_or_else(|| OBSERVER.to_owned()),
            step: note.step.clone().or_else(|| step_at(session, note.at_ms)),
            tags,
            text: note.text.clone(),
            quote: note.quote.clone(),
            during: false,
        }
    }));
    moments.sort_by_key(|m| (m.at_ms, !m.during));
    moments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_hash_words_of_codebook_letters() {
        assert_eq!(
            tags_in("lost #cant-find-order-status, then #slow. #Upper # #x-"),
            ["cant-find-order-status", "slow", "x"]
        );
        assert_eq!(tags_in("issue#12 is not a tag; #a #a"), ["a"]);
        assert_eq!(
            without_tags("#slow looks for it, #lost. then finds it"),
            "looks for it, then finds it"
        );
    }

    #[test]
    fn a_span_runs_from_the_earlier_of_the_mark_and_the_moment() {
        assert_eq!(span(None, 900), (900, None));
        assert_eq!(
            span(Some(900), 900),
            (900, None),
            "marked where noted: a moment"
        );
        assert_eq!(span(Some(200), 900), (200, Some(900)));
        assert_eq!(
            span(Some(1_500), 900),
            (900, Some(1_500)),
            "marked after: the same span"
        );
    }

    /// Against a codebook, a capitalised `#Tag` is said (tags are lowercase), with the
    /// tag it would be; a lone `#` or `issue#12` is no tag and passes.
    #[test]
    fn a_capitalised_tag_is_said_against_a_codebook() {
        let names = ["slow".to_owned(), "lost".to_owned()];
        assert_eq!(
            unknown_tag("waits #Slow", &names).as_deref(),
            Some("#Slow: tags are lowercase; did you mean #slow?")
        );
        assert_eq!(
            unknown_tag("#Zzz", &names).as_deref(),
            Some("#Zzz is not in the codebook (tags are lowercase)")
        );
        assert_eq!(unknown_tag("# issue#12 #slow", &names), None);
        assert_eq!(unknown_tag("#Slow", &[]), None, "no codebook: as typed");
    }
}
