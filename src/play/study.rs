//! `mvx play STUDY.yaml`: the next participant's variant and order, the consent before
//! anything is recorded, then each session of the participant on the same terminal.
#![allow(clippy::disallowed_methods)] // the shell: it stamps when each session starts

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{Local, SecondsFormat, Utc};

use super::{NotStarted, Played, header, valid_id};
use crate::runner::shifted::Shifted;
use crate::runner::{self, session::PlaySession};
use crate::session::SessionWriter;
use crate::study::ask::Ask;
use crate::study::assign::{self, Assignment, Request};
use crate::study::part::{self, Consent};
use crate::study::progress::Progress;
use crate::study::{self, OpenedStudy};
use crate::tui::terminal::Terminal;

#[derive(Debug, Clone)]
pub struct StudyOptions {
    pub study: PathBuf,
    pub participant: Option<String>,
    pub researcher: Option<String>,
    pub sessions: PathBuf,
    pub variant: Option<String>,
    pub over_target: bool,
    pub seed: Option<u64>,
}

/// What a participant's part of a study recorded.
#[derive(Debug, Default)]
pub struct StudyPlayed {
    /// Each session played, in order (within: one per variant reached).
    pub sessions: Vec<Played>,
    /// The session file that records a declined consent.
    pub declined: Option<PathBuf>,
    /// A signal that ended the consent screen, before anything was recorded.
    pub signal: Option<&'static str>,
}

pub fn run(options: &StudyOptions) -> Result<StudyPlayed, NotStarted> {
    let participant = match &options.participant {
        Some(id) => valid_id(id, "--participant")?,
        None => format!("P{}", crate::session::ids::random_suffix(4)),
    };
    let researcher = (options.researcher.as_deref())
        .map(|r| valid_id(r, "--researcher"))
        .transpose()?;
    let opened = open_playable(options)?;
    let Some((study, variants)) = opened.playable() else {
        return Err(NotStarted::Usage("the study has errors".into()));
    };
    let progress = Progress::read(&study.id, &options.sessions);
    let request = Request {
        variant: options.variant.clone(),
        seed: options.seed.unwrap_or_else(|| fastrand::u64(..)),
        over_target: options.over_target,
    };
    let assignment = assign::next(study, variants, &progress, &request)
        .map_err(|refusal| NotStarted::Usage(refusal.to_string()))?;
    // The terminal first: if it cannot be used, no session file is left behind.
    let mut terminal = Terminal::open().map_err(NotStarted::Usage)?;
    let opened_at = (Instant::now(), Local::now());
    let mut played = StudyPlayed::default();
    let consent = match &study.consent {
        Some(text) => match ask_consent(&study.title, text, &mut terminal)? {
            Ok(consent) => Some(consent),
            Err(signal) => {
                played.signal = Some(signal);
                return Ok(played);
            }
        },
        None => None,
    };
    let who = (participant, researcher);
    let run = Run {
        options,
        opened: &opened,
        assignment: &assignment,
        who: &who,
        opened_at,
    };
    for (i, name) in assignment.variants.iter().enumerate() {
        let first = i == 0;
        let consent = consent.as_ref().filter(|_| first);
        if consent.is_some_and(|c| !c.given) {
            played.declined = Some(run.declined(name, consent, &terminal)?);
            break;
        }
        let session = run.session(name, consent, &mut terminal)?;
        let stop = session.stopped.is_some()
            || session.outcome != crate::session::SessionOutcome::Complete;
        played.sessions.push(session);
        if stop {
            break;
        }
    }
    Ok(played)
}

fn open_playable(options: &StudyOptions) -> Result<OpenedStudy, NotStarted> {
    let opened = study::open(&options.study).map_err(|e| NotStarted::Usage(e.to_string()))?;
    match opened.refusal() {
        Some(refusal) => Err(NotStarted::Flow(refusal)),
        None => Ok(opened),
    }
}

/// Shows the consent text; `Err` holds the signal that ended the screen.
fn ask_consent(
    title: &str,
    text: &str,
    terminal: &mut Terminal,
) -> Result<Result<Consent, &'static str>, NotStarted> {
    let mut ask = Ask::new(
        title.to_owned(),
        text.to_owned(),
        "I agree, start",
        "I do not agree",
    );
    runner::run(&mut ask, terminal).map_err(NotStarted::Usage)?;
    match (ask.answer, ask.stopped) {
        (Some((given, at)), _) => Ok(Ok(Consent::new(text, given, at))),
        (None, signal) => Ok(Err(signal.unwrap_or("terminal closed"))),
    }
}

/// What every session of the participant shares.
struct Run<'a> {
    options: &'a StudyOptions,
    opened: &'a OpenedStudy,
    assignment: &'a Assignment,
    who: &'a (String, Option<String>),
    /// When the terminal opened, monotonic and by the wall clock: the first session's zero.
    opened_at: (Instant, chrono::DateTime<Local>),
}

impl Run<'_> {
    /// The session file for variant `name`, with its header (and the consent) written.
    fn writer(
        &self,
        name: &str,
        consent: Option<&Consent>,
        terminal: &Terminal,
        first: bool,
    ) -> Result<(SessionWriter, crate::flow::Flow), NotStarted> {
        let study_path = self.options.study.display().to_string();
        let part = part::session(self.opened, &study_path, self.assignment, name)
            .expect("assignments name the variants of playable studies");
        let (variant, flow) = (part.variant, part.flow);
        let (participant, researcher) = self.who.clone();
        let mut header = header(
            &variant.path,
            &variant.sha256,
            &flow,
            participant,
            researcher,
            terminal,
        );
        if first {
            header.started_at = self
                .opened_at
                .1
                .to_rfc3339_opts(SecondsFormat::Millis, false);
        }
        header.study = Some(part.study);
        let mut writer = SessionWriter::create(&self.options.sessions, &header, Utc::now())
            .map_err(|e| {
                NotStarted::Usage(format!(
                    "cannot create a session file in {}: {e}",
                    self.options.sessions.display()
                ))
            })?;
        if let Some(consent) = consent {
            let event = consent.event();
            writer.append(&event).map_err(|e| {
                NotStarted::Usage(format!("cannot write to {}: {e}", writer.path().display()))
            })?;
        }
        Ok((writer, flow))
    }

    fn declined(
        &self,
        name: &str,
        consent: Option<&Consent>,
        terminal: &Terminal,
    ) -> Result<PathBuf, NotStarted> {
        let (writer, _) = self.writer(name, consent, terminal, true)?;
        Ok(writer.path().to_owned())
    }

    fn session(
        &self,
        name: &str,
        consent: Option<&Consent>,
        terminal: &mut Terminal,
    ) -> Result<Played, NotStarted> {
        let first = self.assignment.variants.first().is_some_and(|v| v == name);
        // Later sessions count from their own start; the first from the consent screen.
        let origin = match first {
            true => Duration::ZERO,
            false => self.opened_at.0.elapsed(),
        };
        let (writer, flow) = self.writer(name, consent, terminal, first)?;
        let path = writer.path().to_owned();
        let mut session = PlaySession::new(&flow, writer, path.display().to_string());
        let mut shifted = Shifted {
            inner: terminal,
            origin,
            base: Duration::ZERO,
        };
        runner::run(&mut session, &mut shifted).map_err(NotStarted::Usage)?;
        Ok(Played {
            path,
            outcome: session.outcome(),
            stopped: session.stopped,
        })
    }
}
