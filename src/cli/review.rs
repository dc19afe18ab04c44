//! `mvx review`: sessions loaded with a count on stderr, then the review screen.

use std::io::{self, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(super) struct ReviewArgs {
    /// Session files, or folders searched for them
    #[arg(value_name = "PATH", default_value = "sessions")]
    paths: Vec<PathBuf>,
}

pub(super) fn run(args: &ReviewArgs, err: &mut dyn Write) -> io::Result<u8> {
    super::ran(review(&args.paths), err)
}

/// The screen opens as soon as the first sessions are read, and rows arrive while it is
/// up (`review::run_reading`).
fn review(paths: &[PathBuf]) -> Result<(), String> {
    crate::review::run_reading(paths)
}
