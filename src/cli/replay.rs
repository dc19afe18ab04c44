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
}

pub(super) fn run(args: &ReplayArgs, err: &mut dyn Write) -> io::Result<u8> {
    super::ran(crate::replay::run(&args.session, args.speed), err)
}
