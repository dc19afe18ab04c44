//! `mvx completions`: shell completions, generated from the command list.

use std::io::{self, Write};

use clap::CommandFactory;

use super::{Cli, EXIT_OK};

#[derive(Debug, clap::Args)]
pub(super) struct CompletionsArgs {
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

pub(super) fn run(args: &CompletionsArgs, out: &mut dyn Write) -> io::Result<u8> {
    clap_complete::generate(args.shell, &mut Cli::command(), "mvx", out);
    Ok(EXIT_OK)
}
