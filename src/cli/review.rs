//! `mvx review`: sessions loaded with a count on stderr, then the review screen.

use std::io::{self, Write};
use std::path::PathBuf;

use super::progress;

#[derive(Debug, clap::Args)]
pub(super) struct ReviewArgs {
    /// Session files, or folders searched for them
    #[arg(value_name = "PATH", default_value = "sessions")]
    paths: Vec<PathBuf>,
}

pub(super) fn run(args: &ReviewArgs, err: &mut dyn Write) -> io::Result<u8> {
    super::ran(review(&args.paths), err)
}

/// The count of sessions read goes to stderr while they load, and is cleared before the
/// screen opens.
fn review(paths: &[PathBuf]) -> Result<(), String> {
    let bar = progress::counting("loading sessions");
    let loaded = crate::review::data::load_telling(paths, &mut || bar.inc(1));
    bar.finish_and_clear();
    crate::review::run(loaded?)
}
