//! `mvx replay`: a recorded session re-played at its recorded pace, or faster.

use std::io::{self, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(super) struct ReplayArgs {
    /// The session file to replay
    #[arg(value_name = "SESSION")]
    session: PathBuf,
    /// Play N times faster than recorded (0.5 plays at half speed)
    #[arg(long, value_name = "N", default_value_t = 1.0)]
    speed: f64,
    /// Your name on the notes you take (`n`; coders compared by `mvx agree` are told
    /// apart by it)
    #[arg(long, value_name = "NAME", value_parser = crate::session::moments::coder_name)]
    coder: Option<String>,
    /// The codebook `#tags` complete from (default: codebook.yaml beside the session's
    /// study or flow, else in the current folder)
    #[arg(long, value_name = "FILE")]
    codebook: Option<PathBuf>,
}

pub(super) fn run(args: &ReplayArgs, err: &mut dyn Write) -> io::Result<u8> {
    let replayed = crate::replay::run(
        &args.session,
        args.speed,
        args.coder.clone(),
        args.codebook.as_deref(),
    );
    super::ran(replayed, err)
}
