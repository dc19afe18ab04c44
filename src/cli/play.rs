//! `mvx play`: runs the session (a flow's, a study participant's, or a resumed one),
//! then says where it was saved.

use std::io::{self, Write};

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, PlayArgs};
use crate::play::resume::{self, ResumeOptions};
use crate::play::{self, NotStarted, Part, PlayOptions, Played};
use crate::runner::Stop;
use crate::session::SessionOutcome;
use crate::tui::supervisor::{self, Supervised};

pub(super) fn run(args: PlayArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    if let Supervised::Exited(code) = supervisor::supervise() {
        return Ok(code);
    }
    match (args.study.resume, args.flow) {
        (Some(session), _) => {
            let options = ResumeOptions {
                session,
                force: args.study.force,
            };
            match resume::run(&options) {
                Ok(played) => said(&[played], out, err),
                Err(e) => not_started(e, err),
            }
        }
        (None, flow) => {
            let options = PlayOptions {
                flow: flow.unwrap_or_default(),
                participant: args.participant,
                researcher: args.researcher,
                sessions: args.sessions,
                variant: args.study.variant,
                over_target: args.study.over_target,
                seed: args.study.seed,
            };
            part(play::run(&options), out, err)
        }
    }
}

/// Says what the participant's part recorded: a declined consent, a consent screen
/// ended unanswered, or each session.
fn part(
    result: Result<Part, NotStarted>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let played = match result {
        Ok(played) => played,
        Err(e) => return not_started(e, err),
    };
    if let Some(path) = &played.declined {
        let _ = writeln!(
            out,
            "Consent declined; only that was recorded: {}",
            path.display()
        );
        return Ok(EXIT_OK);
    }
    if let Some(signal) = played.unanswered {
        let _ = writeln!(
            out,
            "Ended by {signal} before consent; nothing was recorded"
        );
        return Ok(exit_of(Some(Stop::Signal(signal))));
    }
    said(&played.sessions, out, err)
}

/// Says how each session ended and where it is; the exit code is the last one's.
fn said(played: &[Played], out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    for session in played {
        let how = match (session.outcome, session.stopped) {
            (_, Some(Stop::Signal(signal))) => format!("ended by {signal}, saved as aborted"),
            (_, Some(Stop::Closed)) => "ended: the terminal closed, saved as aborted".into(),
            (SessionOutcome::Aborted, None) => "ended early, saved as aborted".into(),
            (SessionOutcome::Complete, None) => "complete".into(),
        };
        let path = crate::text::printable(&session.path.display().to_string());
        // After a hang-up there may be no terminal to tell; the file is what matters.
        let _ = match session.path.is_file() {
            true => writeln!(out, "Session {how}: {path}"),
            false => writeln!(
                err,
                "mvx: session {how}, but its file {path} was removed while it was written: nothing of it is saved"
            ),
        };
    }
    Ok(exit_of(played.last().and_then(|p| p.stopped)))
}

fn exit_of(stopped: Option<Stop>) -> u8 {
    match stopped {
        // A terminal that closed is a hang-up, whether or not SIGHUP came.
        Some(Stop::Signal("SIGHUP") | Stop::Closed) => 129,
        Some(Stop::Signal("SIGINT")) => 130,
        Some(Stop::Signal(_)) => 143,
        None => EXIT_OK,
    }
}

fn not_started(e: NotStarted, err: &mut dyn Write) -> io::Result<u8> {
    match e {
        NotStarted::Usage(message) => {
            writeln!(err, "mvx: {message}")?;
            Ok(EXIT_USAGE)
        }
        NotStarted::Flow(rendered) => {
            writeln!(err, "{rendered}")?;
            Ok(EXIT_FINDINGS)
        }
    }
}
