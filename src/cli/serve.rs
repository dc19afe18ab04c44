//! `mvx serve`: serves until stopped, then says how each session ended.

use std::io::{self, Write};
use std::time::Duration;

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, ServeArgs};
use crate::serve::{self, NotServed, ServeOptions};

pub(super) fn run(args: ServeArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let options = ServeOptions {
        flow: args.flow,
        listen: args.listen,
        sessions: args.sessions,
        invites: args.invites.max(args.participants.len()),
        participants: args.participants,
        over_target: args.over_target,
        tls: args.tls_cert.zip(args.tls_key),
        researcher: args.researcher,
        resume_within: Duration::from_secs(args.resume_minutes.saturating_mul(60)),
    };
    match serve::run(&options, out) {
        Ok(()) => Ok(EXIT_OK),
        Err(NotServed::Usage(message)) => {
            writeln!(err, "mvx: {message}")?;
            Ok(EXIT_USAGE)
        }
        Err(NotServed::Flow(rendered)) => {
            writeln!(err, "{rendered}")?;
            Ok(EXIT_FINDINGS)
        }
    }
}
