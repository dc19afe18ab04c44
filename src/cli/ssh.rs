//! `mvx ssh`: serves until stopped, participants coming in over SSH.

use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Duration;

use super::serve::{Served, serve};
use crate::serve::ServeOptions;
use crate::serve::ssh::SshOptions;

#[derive(Debug, clap::Args)]
pub(super) struct SshArgs {
    #[command(flatten)]
    served: Served,
    /// Address and port to listen on; anything but loopback is reachable from elsewhere
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:2222")]
    listen: std::net::SocketAddr,
    /// Researchers' public keys (OpenSSH authorized_keys): they may log in as a
    /// participant's id to watch that participant's screen
    #[arg(long, value_name = "PATH")]
    authorized_keys: Option<PathBuf>,
    /// Minutes a connection may send nothing before it is closed
    #[arg(long, value_name = "MINUTES", default_value_t = 30)]
    idle_minutes: u64,
    /// Minutes a connection may last, whatever it does
    #[arg(long, value_name = "MINUTES", default_value_t = 180)]
    longest_minutes: u64,
    /// Both limits in seconds, not minutes (tests)
    #[arg(long, hide = true)]
    limits_in_seconds: bool,
}

pub(super) fn run(args: SshArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let unit = if args.limits_in_seconds { 1 } else { 60 };
    let minutes = |m: u64| Duration::from_secs(m.max(1).saturating_mul(unit));
    let options = ServeOptions {
        ssh: Some(SshOptions {
            authorized_keys: args.authorized_keys,
            idle: minutes(args.idle_minutes),
            longest: minutes(args.longest_minutes),
        }),
        ..args.served.options(args.listen)
    };
    serve(&options, out, err)
}
