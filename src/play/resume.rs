//! `mvx play --resume SESSION`: a session cut off (a crash, a kill, a hang-up, a power
//! cut) or aborted, carried on in the same file. The player is rebuilt by replaying the
//! recorded events through the same `Player`; the time away is left out of durations.
#![allow(clippy::disallowed_methods)] // the shell: the gap is measured by the wall clock

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Local};

use super::{NotStarted, Played};
use crate::flow::{self, Flow};
use crate::format::minutes_seconds;
use crate::player::script::Script;
use crate::runner::session::PlaySession;
use crate::runner::shifted::Shifted;
use crate::runner::{self};
use crate::session::{
    self, AFTER_ABORT, CUT_OFF, EventKind, Session, SessionEnding, SessionOutcome, SessionWriter,
};
use crate::study::ask::Ask;
use crate::text::printable;
use crate::tui::screen;

#[derive(Debug, Clone)]
pub struct ResumeOptions {
    pub session: PathBuf,
    /// Go on although the flow file changed since the session was recorded.
    pub force: bool,
}

/// What a resume found it can carry on.
struct Resumable {
    recorded: Session,
    flow: Flow,
    after: &'static str,
    /// The flow's SHA-256 now, when `--force` went on with a changed flow.
    forced: Option<String>,
}

pub fn run(options: &ResumeOptions) -> Result<Played, NotStarted> {
    let resumable = check(&options.session, options.force).map_err(NotStarted::Usage)?;
    let recorded = &resumable.recorded;
    let replayed = session::before_abort(&recorded.events);
    let script = Script::new(&resumable.flow, replayed);
    let mut player = script.player_at(&resumable.flow, u64::MAX);
    let last = Duration::from_millis(recorded.events.last().map_or(0, |e| e.at_ms));
    // The terminal is given back before any error is shown.
    screen::run_with(|terminal| {
        terminal.capture_mouse()?;
        // Session time now: by the wall clock since the recorded start, never before the last event.
        let base = since_start(&recorded.header.started_at).max(last);
        let mut ask = Ask::new(
            format!(
                "Resuming {}'s session",
                printable(&recorded.header.participant)
            ),
            notice(&resumable, last, base),
            "resume now",
            "leave it as it is",
        );
        runner::block_on(runner::run(&mut ask, terminal))?;
        let Some((true, at)) = ask.answer else {
            return Err(format!(
                "not resumed; {} is unchanged",
                printable(&options.session.display().to_string())
            ));
        };
        player.carry_on(last, base + at, resumable.after, resumable.forced.clone());
        let writer = SessionWriter::reopen(&options.session)
            .map_err(|e| format!("cannot append to {}: {e}", options.session.display()))?;
        let path = options.session.clone();
        let mut session = PlaySession::new(&resumable.flow, writer, path.display().to_string());
        session.player = player;
        let mut shifted = Shifted {
            inner: terminal,
            origin: Duration::ZERO,
            base,
        };
        runner::block_on(runner::run(&mut session, &mut shifted))?;
        Ok(Played {
            path,
            outcome: session.outcome(),
            stopped: session.stopped,
        })
    })
    .map_err(NotStarted::Usage)
}

/// The session, if it can be carried on: a session file, not complete, not declined,
/// whose flow still opens with the recorded SHA-256 (or `force`).
fn check(path: &Path, force: bool) -> Result<Resumable, String> {
    let shown = printable(&path.display().to_string());
    let recorded =
        session::read(path).map_err(|e| format!("{shown} is not a session mvx can resume: {e}"))?;
    if session::being_written(path) {
        return Err(format!(
            "{shown}: {}; resume it once that has ended",
            session::BEING_WRITTEN
        ));
    }
    let after = match recorded.ending() {
        SessionEnding::Ended(SessionOutcome::Complete) => {
            return Err(format!("{shown} is complete; there is nothing to resume"));
        }
        SessionEnding::Declined => {
            return Err(format!(
                "{shown}: the participant declined consent; it cannot be resumed"
            ));
        }
        SessionEnding::Ended(SessionOutcome::Aborted) => AFTER_ABORT,
        SessionEnding::CutOff => CUT_OFF,
    };
    let flow_ref = &recorded.header.flow;
    let opened = flow::open(Path::new(&flow_ref.path))
        .map_err(|e| format!("{e}; resume from the folder the session was recorded in"))?;
    let errors = opened.has_errors();
    let Some(flow) = opened.flow.filter(|_| !errors) else {
        return Err(format!(
            "{} has errors; `mvx check {}` lists them",
            printable(&flow_ref.path),
            printable(&flow_ref.path)
        ));
    };
    let known = recorded.events.iter().rev().find_map(|e| match &e.kind {
        EventKind::Resumed {
            flow_sha256: Some(sha),
            ..
        } => Some(sha.as_str()),
        _ => None,
    });
    let same = opened.sha256 == flow_ref.sha256 || known == Some(opened.sha256.as_str());
    if !same && !force {
        return Err(format!(
            "{} changed since {shown} was recorded (its sha256 was {}, it is {} now); the \
             recorded steps may no longer exist. Add --force to resume anyway (recorded in the session)",
            printable(&flow_ref.path),
            &flow_ref.sha256[..flow_ref.sha256.len().min(12)],
            &opened.sha256[..12]
        ));
    }
    let flow = crate::study::arrange::for_session(&flow, recorded.header.study.as_ref());
    if let Some(missing) = missing_screen(&flow, &recorded.events) {
        return Err(format!(
            "{shown} recorded {missing}, which {} no longer has; it cannot be carried on, \
             even with --force: put it back, or leave the session as it is",
            printable(&flow_ref.path)
        ));
    }
    Ok(Resumable {
        forced: (!same).then(|| opened.sha256.clone()),
        recorded,
        flow,
        after,
    })
}

/// The first step or question the session showed that the flow no longer has, named:
/// the replay could not follow the recording there, nor carry on from it.
fn missing_screen(flow: &crate::flow::Flow, events: &[session::Event]) -> Option<String> {
    events.iter().find_map(|e| match &e.kind {
        EventKind::Show { step } if flow.step(step).is_none() => {
            Some(format!("step `{}`", printable(step)))
        }
        EventKind::Ask { question } if !flow.questions.iter().any(|q| q.id == *question) => {
            Some(format!("question `{}`", printable(question)))
        }
        _ => None,
    })
}

/// Milliseconds since `started_at` by the wall clock; zero if it cannot be read.
fn since_start(started_at: &str) -> Duration {
    DateTime::parse_from_rfc3339(started_at)
        .ok()
        .and_then(|started| (Local::now().fixed_offset() - started).to_std().ok())
        .unwrap_or_default()
}

/// What the researcher reads before carrying on.
fn notice(resumable: &Resumable, last: Duration, now: Duration) -> String {
    let recorded = &resumable.recorded;
    let step = recorded.events.iter().rev().find_map(|e| match &e.kind {
        EventKind::Show { step } => Some(step.as_str()),
        EventKind::Ask { question } => Some(question.as_str()),
        _ => None,
    });
    let gap = crate::player::clock::millis(now.saturating_sub(last));
    let mut lines = vec![
        format!(
            "Flow: {} ({})",
            recorded.header.flow.id,
            recorded
                .header
                .flow
                .variant
                .as_deref()
                .unwrap_or("no variant")
        ),
        format!(
            "The recording stopped ({}) {} into the session, on {}.",
            resumable.after,
            minutes_seconds(crate::player::clock::millis(last)),
            step.unwrap_or("the first screen")
        ),
        format!(
            "Time away so far: {} (left out of every duration).",
            minutes_seconds(gap)
        ),
        String::new(),
        "When the participant is ready, the screen they were on is shown again and its".into(),
        "hesitation is measured afresh. Everything goes on in the same file.".into(),
    ];
    if let Some(sha) = &resumable.forced {
        lines.push(format!(
            "The flow file changed since (now {}): --force goes on anyway.",
            &sha[..12]
        ));
    }
    lines.join("\n")
}
