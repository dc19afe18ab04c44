//! `mvx play`: runs the session, then says where it was saved.

use std::io::{self, Write};

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, PlayArgs};
use crate::play::{self, NotStarted, PlayOptions};
use crate::runner::Stop;
use crate::session::SessionOutcome;
use crate::tui::supervisor::{self, Supervised};

pub(super) fn run(args: PlayArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    if let Supervised::Exited(code) = supervisor::supervise() {
        return Ok(code);
    }
    let options = PlayOptions {
        flow: args.flow,
        participant: args.participant,
        researcher: args.researcher,
        sessions: args.sessions,
    };
    match play::run(&options) {
        Ok(played) => {
            let how = match (played.outcome, played.stopped) {
                (_, Some(Stop::Signal(signal))) => format!("ended by {signal}, saved as aborted"),
                (_, Some(Stop::Closed)) => "ended: the terminal closed, saved as aborted".into(),
                (SessionOutcome::Aborted, None) => "ended early, saved as aborted".into(),
                (SessionOutcome::Complete, None) => "complete".into(),
            };
            let path = crate::text::printable(&played.path.display().to_string());
            // After a hang-up there may be no terminal to tell; the file is what matters.
            let _ = match played.path.is_file() {
                true => writeln!(out, "Session {how}: {path}"),
                false => writeln!(
                    err,
                    "mvx: session {how}, but its file {path} was removed while it was written: nothing of it is saved"
                ),
            };
            Ok(match played.stopped {
                // A terminal that closed is a hang-up, whether or not SIGHUP came.
                Some(Stop::Signal("SIGHUP") | Stop::Closed) => 129,
                Some(Stop::Signal("SIGINT")) => 130,
                Some(Stop::Signal(_)) => 143,
                None => EXIT_OK,
            })
        }
        Err(NotStarted::Usage(message)) => {
            writeln!(err, "mvx: {message}")?;
            Ok(EXIT_USAGE)
        }
        Err(NotStarted::Flow(rendered)) => {
            writeln!(err, "{rendered}")?;
            Ok(EXIT_FINDINGS)
        }
    }
}
