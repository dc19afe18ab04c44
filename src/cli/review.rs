//! `mvx review`: sessions loaded with a count on stderr, then the review screen.

use std::io::{self, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(super) struct ReviewArgs {
    /// Session files, or folders searched for them
    #[arg(value_name = "PATH", default_value = "sessions")]
    paths: Vec<PathBuf>,
    /// Your name on the notes you take (coders compared by `mvx agree` are told apart by it)
    #[arg(long, value_name = "NAME", value_parser = crate::session::moments::coder_name)]
    coder: Option<String>,
    /// The codebook `#tags` complete from (default: codebook.yaml beside each session's
    /// study or flow, else in the current folder)
    #[arg(long, value_name = "FILE")]
    codebook: Option<PathBuf>,
}

pub(super) fn run(args: &ReviewArgs, err: &mut dyn Write) -> io::Result<u8> {
    let notes = crate::review::Noting {
        coder: args.coder.clone(),
        codebook: args.codebook.clone(),
    };
    super::ran(crate::review::run_reading(&args.paths, notes), err)
}
