//! Whether `mvx report` counts a session or an attempt, and why not, as export columns:
//! the same rules as the report's fold (`report::builder`), decided from an index of each
//! participant's first session built in a first reading.

use std::collections::HashMap;

use serde::Serialize;

use crate::flow::study::Design;
use crate::session::Session;

/// Why the report leaves a session or an attempt out by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LeftOut {
    /// Not the participant's first session of the flow (`--all-attempts` counts it).
    Repeat,
    /// Ended by the recording, not the participant (`--count-technical` counts it).
    Technical,
    /// Made up by `mvx simulate`.
    Simulated,
    /// A later session of a study with returns: in the study's returns section and the
    /// long table (`--format long`), not in the first-session figures.
    #[serde(rename = "later session")]
    LaterSession,
    /// Consent was declined: nothing was recorded to count.
    Declined,
}

/// Each participant's first session of each flow: the earliest start as an instant,
/// ties broken by the place in the walk (file order), as the report breaks them.
#[derive(Debug, Default)]
pub struct FirstSessions {
    firsts: HashMap<(String, String), (i64, u64)>,
}

impl FirstSessions {
    /// Notes a session read `place`th; declined, simulated and technically aborted ones
    /// are never first.
    pub fn see(&mut self, session: &Session, place: u64) {
        if session_left_out(session).is_some() {
            return;
        }
        let order = (session.header.started_ms(), place);
        let first = self.firsts.entry(who(session)).or_insert(order);
        *first = (*first).min(order);
    }

    /// Why the session read `place`th is left out, if it is.
    pub fn left_out(&self, session: &Session, place: u64) -> Option<LeftOut> {
        if let Some(why) = session_left_out(session) {
            return Some(why);
        }
        let first = self.firsts.get(&who(session)).copied();
        (first != Some((session.header.started_ms(), place))).then_some(LeftOut::Repeat)
    }
}

/// The participant of a flow, as the report keys them: in a within study, of each
/// variant (each variant is a session of its own, not a repeat).
fn who(session: &Session) -> (String, String) {
    let header = &session.header;
    let within = header
        .study
        .as_ref()
        .filter(|b| b.design == Design::Within)
        .map_or(String::new(), |b| format!("\u{0}{}", b.variant));
    (
        header.flow.id.clone(),
        format!("{}{within}", header.participant),
    )
}

fn session_left_out(session: &Session) -> Option<LeftOut> {
    if session.declined() {
        return Some(LeftOut::Declined);
    }
    if session.header.simulated {
        return Some(LeftOut::Simulated);
    }
    let visit = session.header.study.as_ref().and_then(|b| b.visit.as_ref());
    if visit.is_some_and(|v| v.trial > 1) {
        return Some(LeftOut::LaterSession);
    }
    session.technical_abort().then_some(LeftOut::Technical)
}

/// A start time as a UTC instant, to the millisecond (`2026-11-26T08:05:00.000Z`), so it
/// sorts as time does whatever offset it was recorded with; the text as recorded when it
/// cannot be read.
pub fn utc(started_at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(started_at).map_or_else(
        |_| started_at.to_owned(),
        |t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                .to_string()
        },
    )
}
