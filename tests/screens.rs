//! `mvx review` and `mvx replay` in a pseudo-terminal: each opens the terminal through
//! the one helper every screen uses (`tui::screen`), quits on `q` with exit 0, and gives
//! the terminal back (main screen, cooked mode).
//!
//! Waits are deadlines on screen text, never fixed sleeps; `MVX_PTY_DEADLINE_SECS`
//! stretches them on a slow machine.
mod common;

use std::path::Path;

use common::pty::*;

/// Two synthetic sessions of an example flow written to `dir` by `mvx simulate`, then
/// `mvx ARGS`, then (once it exits) its exit code and the terminal's modes; all in the
/// pseudo-terminal, so no mvx is ever started on the terminal the tests run in.
fn mvx_on_sessions(dir: &Path, args: &str) -> Pty {
    let mvx = env!("CARGO_BIN_EXE_mvx");
    let script = format!(
        "{mvx} simulate flows/espresso-one-menu.yaml --participants 2 --sessions {} >/dev/null && \
         {mvx} {args}; echo EXIT=$?; stty -a",
        dir.display()
    );
    Pty::shell(&script, &[])
}

#[test]
fn review_opens_the_sessions_quits_on_q_and_gives_the_terminal_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut pty = mvx_on_sessions(dir.path(), &format!("review {}", dir.path().display()));
    pty.wait_for("2 sessions");
    assert!(pty.in_alternate_screen());
    pty.send("q");
    pty.wait_for_output("EXIT=0");
    assert_terminal_restored(&pty);
}

#[test]
fn replay_shows_the_recorded_session_quits_on_q_and_gives_the_terminal_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = format!("replay {}/*_S01_espresso.yaml", dir.path().display());
    let mut pty = mvx_on_sessions(dir.path(), &first);
    pty.wait_for("Replay of S01");
    assert!(pty.in_alternate_screen());
    pty.send("q");
    pty.wait_for_output("EXIT=0");
    assert_terminal_restored(&pty);
}
