//! `mvx preview`: a flow tried as participants will see it, reloaded on every save.

use std::io::{self, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(super) struct PreviewArgs {
    /// The flow file to preview
    #[arg(value_name = "FLOW")]
    flow: PathBuf,
    /// Start on this step
    #[arg(long, value_name = "ID")]
    step: Option<String>,
}

pub(super) fn run(args: PreviewArgs, err: &mut dyn Write) -> io::Result<u8> {
    super::ran(crate::preview::run(&args.flow, args.step), err)
}
