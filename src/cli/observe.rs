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
}

pub(super) fn run(args: ObserveArgs, err: &mut dyn Write) -> io::Result<u8> {
    let path = match (args.session, args.latest) {
        (Some(path), _) => Some(path),
        (None, Some(dir)) => crate::observe::latest(&dir),
        (None, None) => None,
    };
    let result = match path {
        Some(path) => crate::observe::run(path),
        None => Err("no session found to observe".into()),
    };
    super::ran(result, err)
}
