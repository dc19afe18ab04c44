//! One participant from first screen to last, over any transport: the consent (recorded
//! first), then each session of their plan in its order, each in its own file with its
//! header, the study's questions inside the session that asks them, and the end.
//!
//! `mvx play` runs it over the local terminal, `mvx serve` over a browser, tests over a
//! scripted transport; they differ only in the transport and in the [`Place`] that says
//! what the header sees and where files go. A single flow is a plan of one session with
//! no consent, so nothing here asks whether it is a flow or a study.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Local};

use super::OpenedStudy;
use super::ask::Ask;
use super::assign::Assignment;
use super::part::{self, Consent};
use crate::flow::Flow;
use crate::runner::session::{PlaySession, Recorder};
use crate::runner::shifted::Shifted;
use crate::runner::{self, Stop, Transport};
use crate::session::{
    FlowRef, Header, SessionOutcome, Started, StudyRef, TerminalInfo, TransportInfo, Visit,
};

/// What one participant plays.
#[derive(Debug, Clone)]
pub struct Plan {
    /// A study's consent: its title and text, asked before anything is recorded.
    pub consent: Option<(String, String)>,
    /// Each session, in the participant's order.
    pub sessions: Vec<Planned>,
}

/// One session of a plan: the flow as played and what its header says about it.
#[derive(Debug, Clone)]
pub struct Planned {
    pub flow: Flow,
    pub flow_ref: FlowRef,
    pub study: Option<StudyRef>,
}

impl Plan {
    /// A single flow, read from `path` with these bytes' `sha256`: one session, no consent.
    pub fn flow(flow: Flow, path: &str, sha256: &str) -> Plan {
        let flow_ref = FlowRef::of(&flow, path, sha256);
        Plan {
            consent: None,
            sessions: vec![Planned {
                flow,
                flow_ref,
                study: None,
            }],
        }
    }

    /// The participant of `assignment`: each variant in their order, arranged for them;
    /// `written` is the study's path as headers name it.
    pub fn study(
        opened: &OpenedStudy,
        written: &str,
        assignment: &Assignment,
    ) -> Result<Plan, String> {
        let Some((study, _)) = opened.playable() else {
            return Err("the study has errors".into());
        };
        let mut sessions = Vec::new();
        for name in &assignment.variants {
            let Some(session) = part::session(opened, written, assignment, name) else {
                return Err(format!("the study has no variant `{name}`"));
            };
            let path = session.variant.path.display().to_string();
            sessions.push(Planned {
                flow_ref: FlowRef::of(&session.flow, &path, &session.variant.sha256),
                flow: session.flow,
                study: Some(session.study),
            });
        }
        let consent = (study.consent.clone()).map(|text| (study.title.clone(), text));
        Ok(Plan { consent, sessions })
    }
}

impl Plan {
    /// The plan of a participant in a study with returns: each session's header records
    /// `visit`; a returning participant (`visit.trial` over 1) is not asked the consent
    /// again, which they gave at their first visit (docs/returns.md).
    pub fn with_visit(mut self, visit: Option<Visit>) -> Plan {
        let Some(visit) = visit else { return self };
        if visit.trial > 1 {
            self.consent = None;
        }
        let last = self.sessions.len().saturating_sub(1);
        for (i, planned) in self.sessions.iter_mut().enumerate() {
            if let Some(study) = planned.study.as_mut() {
                let mut visit = visit.clone();
                // The invitation is the trial's last session's to give.
                if i != last {
                    (visit.next_from, visit.next_after_start_ms) = (None, None);
                }
                study.visit = Some(visit);
            }
        }
        self
    }
}

impl Planned {
    /// The tags of the codebook beside the study or the flow (docs/findings.md), for the
    /// researcher's notes: none when there is no codebook; why, when it cannot be opened
    /// (`mvx play` then does not start: a note's tags would go unchecked).
    pub fn codebook_tags(&self) -> Result<Vec<String>, String> {
        let study = self
            .study
            .as_ref()
            .map(|s| std::path::PathBuf::from(&s.path));
        let flow = std::path::PathBuf::from(&self.flow_ref.path);
        match crate::codebook::find(None, study.as_deref(), Some(&flow)) {
            None => Ok(Vec::new()),
            Some(path) => crate::codebook::open(&path).map(|codebook| codebook.names()),
        }
    }
}

/// What the closing screen of a session with `study` block says after its thanks: when
/// the next session opens, in the local time of the machine that serves it.
pub fn farewell(study: Option<&StudyRef>) -> Option<String> {
    let visit = study?.visit.as_ref()?;
    let from = super::returns::millis(visit.next_from.as_deref()?)?;
    Some(format!(
        "Please come back for session {} of {} from {}.",
        visit.trial + 1,
        visit.trials,
        super::returns::local_time(from)
    ))
}

/// `study` as a visit that started at `start_ms` records it (`returns::from_start`).
fn recorded(study: Option<&StudyRef>, start_ms: i64) -> Option<StudyRef> {
    let mut study = study?.clone();
    if let Some(visit) = study.visit.as_mut() {
        super::returns::from_start(visit, start_ms);
    }
    Some(study)
}

/// Where a participant plays, as the routine needs to know it: the clocks, what the
/// header says about the screen, and where session files go.
pub trait Place<T> {
    type Recorder: Recorder;

    /// Now on the transport's clock, and by the wall clock.
    fn now(&self, transport: &T) -> (Duration, DateTime<Local>);

    /// The header's terminal block, and the transport block of a remote participant.
    fn seen(&self, transport: &T) -> (TerminalInfo, Option<TransportInfo>);

    /// The id and start of the session of `planned` that starts at `wall`: a played
    /// session's, unless the place makes up its sessions.
    fn started(&self, wall: &DateTime<Local>, _planned: &Planned) -> Started {
        Started::played(wall)
    }

    /// Creates the session file of `header` (a place may mark it, as synthetic sessions
    /// are); says why not in words to show.
    fn create(&mut self, header: Header) -> Result<(Self::Recorder, PathBuf), String>;

    /// Sets what differs between places on a session about to run: where the closing
    /// screen says it was saved, whether the researcher's keys reach it.
    fn prepare<'f>(&self, session: &mut PlaySession<'f, Self::Recorder>, path: &Path);

    /// The consent is about to be shown.
    fn consenting(&mut self) {}
}

/// A participant, who they are and what they play.
pub struct Participant<'p> {
    pub id: String,
    pub researcher: Option<String>,
    pub plan: &'p Plan,
}

/// What a participant's part recorded.
#[derive(Debug, Default)]
pub struct Part {
    /// Each session played, in order; a session that did not end complete is the last.
    pub sessions: Vec<Played>,
    /// The session file that records a declined consent: its header and the answer.
    pub declined: Option<PathBuf>,
    /// What ended the consent screen before an answer (a signal, a closed terminal or
    /// page): nothing was recorded.
    pub unanswered: Option<&'static str>,
    /// The study block of the plan's last session as its visit records it, once the visit
    /// has started: the invitation to the next trial, if there is one.
    pub invitation: Option<StudyRef>,
}

/// How one session ended, and where its file is.
#[derive(Debug)]
pub struct Played {
    pub path: PathBuf,
    pub outcome: SessionOutcome,
    /// What ended the session at once (a signal, a closed terminal), if anything did.
    pub stopped: Option<Stop>,
}

/// Why a part could not go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failed {
    /// The consent screen could not be shown.
    Consent(String),
    /// A session file could not be made (or its consent written).
    Create(String),
    /// A session could not go on; its file holds everything recorded until then.
    Session(String),
}

impl Failed {
    pub fn message(self) -> String {
        match self {
            Failed::Consent(m) | Failed::Create(m) | Failed::Session(m) => m,
        }
    }
}

impl Participant<'_> {
    /// Runs the participant's part over `transport`, from its first screen to its last.
    /// The first session counts from the transport's zero (a transport opened for this
    /// participant: the consent screen is in it), later sessions from their own start.
    pub async fn run<P, T>(&self, place: &mut P, transport: &mut T) -> Result<Part, Failed>
    where
        P: Place<T>,
        T: Transport<Ask> + for<'f> Transport<PlaySession<'f, P::Recorder>>,
    {
        let mut part = Part::default();
        let (_, opened) = place.now(transport);
        let consent = match &self.plan.consent {
            Some((title, text)) => {
                place.consenting();
                match ask_consent(title, text, transport).await? {
                    Ok(consent) => Some(consent),
                    Err(why) => {
                        part.unanswered = Some(why);
                        return Ok(part);
                    }
                }
            }
            None => None,
        };
        // A visit starts with its first session: its invitation counts from that start.
        let mut visit_start = None;
        for (i, planned) in self.plan.sessions.iter().enumerate() {
            let (origin, started) = match i {
                0 => (Duration::ZERO, opened),
                _ => place.now(transport),
            };
            let started = place.started(&started, planned);
            let mut header = self.header(planned, started, place.seen(transport));
            let start_ms = *visit_start.get_or_insert(header.started_ms());
            header.study = recorded(planned.study.as_ref(), start_ms);
            if i == 0 {
                let last = self.plan.sessions.last().and_then(|p| p.study.as_ref());
                part.invitation = recorded(last, start_ms);
            }
            let farewell = farewell(header.study.as_ref());
            let consent = consent.as_ref().filter(|_| i == 0);
            let (mut recorder, path) = place.create(header).map_err(Failed::Create)?;
            if let Some(consent) = consent {
                (recorder.record(&consent.event())).map_err(|e| Failed::Create(e.message))?;
                if !consent.given {
                    part.declined = Some(path);
                    return Ok(part);
                }
            }
            let recorder = (recorder, path);
            let played = session(planned, farewell, recorder, origin, place, transport).await?;
            let go_on = played.stopped.is_none() && played.outcome == SessionOutcome::Complete;
            part.sessions.push(played);
            if !go_on {
                break;
            }
        }
        Ok(part)
    }

    fn header(
        &self,
        planned: &Planned,
        started: Started,
        (terminal, transport): (TerminalInfo, Option<TransportInfo>),
    ) -> Header {
        let mut header = Header::new(started, planned.flow_ref.clone(), self.id.clone(), terminal);
        header.researcher = self.researcher.clone();
        header.transport = transport;
        header
    }
}

/// One session of the plan over `transport`, its times counted from `origin`; its
/// closing screen says `farewell` after its thanks.
async fn session<P, T>(
    planned: &Planned,
    farewell: Option<String>,
    (recorder, path): (P::Recorder, PathBuf),
    origin: Duration,
    place: &mut P,
    transport: &mut T,
) -> Result<Played, Failed>
where
    P: Place<T>,
    T: for<'f> Transport<PlaySession<'f, P::Recorder>>,
{
    let mut session = PlaySession::new(&planned.flow, recorder, String::new());
    session.player.set_farewell(farewell);
    place.prepare(&mut session, &path);
    if session.researcher_keys {
        // Checked before the terminal was taken (`play::run`).
        session
            .player
            .set_tags(planned.codebook_tags().unwrap_or_default());
    }
    let mut shifted = Shifted {
        inner: transport,
        origin,
        base: Duration::ZERO,
    };
    runner::run(&mut session, &mut shifted)
        .await
        .map_err(Failed::Session)?;
    Ok(Played {
        path,
        outcome: session.outcome(),
        stopped: session.stopped,
    })
}

/// Shows the consent text; the inner `Err` names what ended the screen unanswered.
async fn ask_consent<T: Transport<Ask>>(
    title: &str,
    text: &str,
    transport: &mut T,
) -> Result<Result<Consent, &'static str>, Failed> {
    let mut ask = Ask::consent(title.to_owned(), text.to_owned());
    runner::run(&mut ask, transport)
        .await
        .map_err(Failed::Consent)?;
    match (ask.answer, ask.stopped) {
        (Some((given, at)), _) => Ok(Ok(Consent::new(text, given, at))),
        (None, stopped) => Ok(Err(stopped.unwrap_or("terminal closed"))),
    }
}

#[cfg(test)]
mod tests;
