//! `mvx play`: runs the session (a flow's, a study participant's, or a resumed one),
//! then says where it was saved.

use std::io::{self, Write};
use std::path::PathBuf;

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::play::resume::{self, ResumeOptions};
use crate::play::{self, NotStarted, Part, PlayOptions, Played};
use crate::runner::Stop;
use crate::session::SessionOutcome;
use crate::tui::supervisor::{self, Supervised};

#[derive(Debug, clap::Args)]
pub(super) struct PlayArgs {
    /// The flow file to play, or a study file (its participants' variants, orders, consent)
    #[arg(value_name = "FLOW", required_unless_present = "resume")]
    flow: Option<PathBuf>,
    /// Participant id (letters, digits, - and _); default: P and a random suffix
    #[arg(long, value_name = "ID")]
    participant: Option<String>,
    /// Researcher running the session (letters, digits, - and _)
    #[arg(long, value_name = "NAME")]
    researcher: Option<String>,
    /// Folder the session file is written to
    #[arg(long, value_name = "DIR", default_value = "sessions")]
    sessions: PathBuf,
    #[command(flatten)]
    study: StudyPlayArgs,
}

/// `mvx play`'s options for studies and resumes (see docs/studies.md).
#[derive(Debug, clap::Args)]
pub(super) struct StudyPlayArgs {
    /// A study's variant for this participant (required when the study assigns by hand)
    #[arg(long, value_name = "NAME")]
    variant: Option<String>,
    /// Run a participant although every variant has reached the study's target
    #[arg(long)]
    over_target: bool,
    /// Seed of the study's draws (ties, random orders); default: drawn and recorded
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// A returning participant's next session, played before it opens (recorded)
    #[arg(long)]
    early: bool,
    /// Carry on a session that was cut off or aborted, in the same file
    #[arg(long, value_name = "SESSION", conflicts_with_all = ["flow", "variant", "over_target", "seed", "early"])]
    resume: Option<PathBuf>,
    /// With --resume: go on although the flow file changed since (recorded)
    #[arg(long, requires = "resume")]
    force: bool,
}

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
                early: args.study.early,
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
