//! The real binary spawned without a terminal: in a session of its own, so it has no
//! controlling terminal and cannot open `/dev/tty` (the terminal `cargo test` runs in stays
//! the user's), with nothing on standard input unless the test gives it something.
//!
//! Every test that runs `mvx` outside a pseudo-terminal starts it from here;
//! `tests/cli.rs` holds that rule (`every_spawned_mvx_has_no_terminal`). `setsid(1)`
//! (util-linux) does what the test itself cannot without `unsafe` (`setsid()` in
//! `pre_exec`): the spawned process is never a process group leader, so `setsid` execs
//! mvx in place, and the child's pid, exit code and signals are mvx's own.
#![allow(dead_code)] // each test file uses some of these

use std::process::{Command, Stdio};

/// The binary under test.
pub const MVX: &str = env!("CARGO_BIN_EXE_mvx");

/// `mvx` as a plain command, in a new session, standard input from `/dev/null`.
pub fn mvx() -> Command {
    let mut command = Command::new("setsid");
    command.arg(MVX).stdin(Stdio::null());
    command
}

/// The same, for `assert_cmd`'s assertions (`write_stdin` still replaces the null input).
pub fn assert_mvx() -> assert_cmd::Command {
    assert_cmd::Command::from_std(mvx())
}
