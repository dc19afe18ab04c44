//! `mvx observe`: the session to follow (given, or the newest in a folder), then the
//! observer's screen.

use std::io::{self, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(super) struct ObserveArgs {
    /// The session file to follow
    #[arg(value_name = "SESSION", required_unless_present = "latest")]
    session: Option<PathBuf>,
    /// Follow the newest session in DIR (default sessions/)
    #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = "sessions", conflicts_with = "session")]
    latest: Option<PathBuf>,
    /// Your name on the notes you take (coders compared by `mvx agree` are told apart by it)
    #[arg(long, value_name = "NAME", value_parser = crate::session::moments::coder_name)]
    coder: Option<String>,
    /// The codebook `#tags` complete from (default: codebook.yaml beside the session's
    /// study or flow, else in the current folder)
    #[arg(long, value_name = "FILE")]
    codebook: Option<PathBuf>,
}

pub(super) fn run(args: ObserveArgs, err: &mut dyn Write) -> io::Result<u8> {
    let path = match (args.session, args.latest) {
        (Some(path), _) => Some(path),
        (None, Some(dir)) => crate::observe::latest(&dir),
        (None, None) => None,
    };
    let result = match path {
        Some(path) => crate::observe::run(path, args.coder, args.codebook),
        None => Err("no session found to observe".into()),
    };
    super::ran(result, err)
}
