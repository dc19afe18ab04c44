//! `mvx man`: the manual page (roff), generated from the command list.

use std::io::{self, Write};

use clap::CommandFactory;

use super::{Cli, EXIT_OK};

pub(super) fn run(out: &mut dyn Write) -> io::Result<u8> {
    clap_mangen::Man::new(Cli::command())
        .render(out)
        .map(|()| EXIT_OK)
}
