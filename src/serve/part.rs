//! A served participant's part of a study: the assignment when the link first opens,
//! the consent in the browser, then each session, as `mvx play STUDY.yaml` runs them.
#![allow(clippy::disallowed_methods)] // the shell: it stamps when each session starts

use std::time::Duration;

use chrono::Local;

use super::record::{Ended, Opening, declined, header, play};
use super::room::Room;
use super::study::ServedStudy;
use super::transport::WebTransport;
use crate::runner;
use crate::session::FlowRef;
use crate::study::ask::Ask;
use crate::study::part::{self, Consent};

/// The participant's part of the study: assignment, consent, then each session.
pub fn part(
    room: &Room,
    index: usize,
    study: &ServedStudy,
    opening: &Opening,
    transport: &mut WebTransport,
) -> Ended {
    let assignment = match room.assign(index, study) {
        Ok(assignment) => assignment,
        Err(why) => return Ended::refused(why),
    };
    let Some((definition, _)) = study.opened.playable() else {
        return Ended::refused("the study has errors".into());
    };
    let opened_at = Local::now();
    let consent = match &definition.consent {
        Some(text) => {
            room.update(index, |seat| seat.at = Some("consent".into()));
            match ask_consent(&definition.title, text, transport) {
                Ok(consent) => Some(consent),
                Err(why) => return why,
            }
        }
        None => None,
    };
    let written = study.path.display().to_string();
    let mut ended = Ended::refused("the study has no variant to play".into());
    for (i, name) in assignment.variants.iter().enumerate() {
        let first = i == 0;
        let Some(session) = part::session(&study.opened, &written, &assignment, name) else {
            return Ended::refused(format!("the study has no variant `{name}`"));
        };
        let flow_ref = FlowRef::of(
            &session.flow,
            &session.variant.path.display().to_string(),
            &session.variant.sha256,
        );
        let started = if first { opened_at } else { Local::now() };
        let mut header = header(room, index, opening, transport.sync(), flow_ref, started);
        header.study = Some(session.study);
        // The first session counts from the consent screen, later ones from their start.
        let origin = if first {
            Duration::ZERO
        } else {
            transport.now()
        };
        let consent = consent.as_ref().filter(|_| first);
        if consent.is_some_and(|c| !c.given) {
            return declined(room, index, &header, consent);
        }
        ended = play(
            room,
            index,
            transport,
            &session.flow,
            &header,
            consent,
            origin,
        );
        if !ended.complete() {
            break;
        }
    }
    ended
}

/// Shows the consent text in the browser; `Err` says how the part ended without it.
fn ask_consent(title: &str, text: &str, transport: &mut WebTransport) -> Result<Consent, Ended> {
    let mut ask = Ask::new(
        title.to_owned(),
        text.to_owned(),
        "I agree, start",
        "I do not agree",
    );
    if let Err(e) = runner::run(&mut ask, transport) {
        return Err(Ended::stopped(format!("stopped at the consent: {e}")));
    }
    match (ask.answer, ask.stopped) {
        (Some((given, at)), _) => Ok(Consent::new(text, given, at)),
        (None, signal) => Err(Ended::stopped(format!(
            "stopped at the consent ({}), nothing recorded",
            signal.unwrap_or("page closed")
        ))),
    }
}
