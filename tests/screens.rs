//! `mvx review` and `mvx replay` in a pseudo-terminal: each opens the terminal through
//! the one helper every screen uses (`tui::screen`), quits on `q` with exit 0, and gives
//! the terminal back (main screen, cooked mode).
//!
//! Waits are deadlines on screen text, never fixed sleeps; `MVX_PTY_DEADLINE_SECS`
//! stretches them on a slow machine.
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::pty::*;

/// Two synthetic sessions of an example flow, written by `mvx simulate`.
fn recorded(dir: &Path) -> Vec<PathBuf> {
    let status = Command::new(env!("CARGO_BIN_EXE_mvx"))
        .args([
            "simulate",
            "flows/espresso-one-menu.yaml",
            "--participants",
            "2",
        ])
        .arg("--sessions")
        .arg(dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .expect("mvx simulate runs");
    assert!(status.success(), "mvx simulate: {status}");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("sessions dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    files
}

/// `mvx ARGS`, then (once it exits) its exit code and the terminal's modes.
fn mvx(args: &str) -> Pty {
    let script = format!(
        "{} {args}; echo EXIT=$?; stty -a",
        env!("CARGO_BIN_EXE_mvx")
    );
    Pty::shell(&script, &[])
}

#[test]
fn review_opens_the_sessions_quits_on_q_and_gives_the_terminal_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    recorded(dir.path());
    let mut pty = mvx(&format!("review {}", dir.path().display()));
    pty.wait_for("2 sessions");
    assert!(pty.in_alternate_screen());
    pty.send("q");
    pty.wait_for_output("EXIT=0");
    assert_terminal_restored(&pty);
}

#[test]
fn replay_shows_the_recorded_session_quits_on_q_and_gives_the_terminal_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let files = recorded(dir.path());
    let mut pty = mvx(&format!("replay {}", files[0].display()));
    pty.wait_for("Replay of S01");
    assert!(pty.in_alternate_screen());
    pty.send("q");
    pty.wait_for_output("EXIT=0");
    assert_terminal_restored(&pty);
}
