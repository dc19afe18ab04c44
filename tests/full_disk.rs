//! The real binary in a pseudo-terminal when the disk fills up: a file-size limit
//! (`ulimit -f`, with SIGXFSZ ignored) makes writes past it fail as a full disk does,
//! cut short first. Nothing saved is lost, the file stays valid YAML, and the
//! researcher is told.
#![allow(clippy::disallowed_methods)] // measures the real binary in real time
mod common;

use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use common::pty::*;
use mvx::session::{self, EventKind};

/// `mvx play` with room for `blocks` of 512 bytes in any file it writes.
fn play_with_room(blocks: u32, sessions: &Path) -> Pty {
    let script = format!(
        "trap '' XFSZ; ulimit -f {blocks}; {} play flows/espresso-one-menu.yaml --participant P01 --sessions {}; echo EXIT=$?; stty -a",
        env!("CARGO_BIN_EXE_mvx"),
        sessions.display()
    );
    Pty::shell(&script, &[])
}

fn printed(pty: &Pty) -> String {
    pty.raw_output()
}

#[test]
fn a_disk_that_fills_mid_session_keeps_every_saved_event_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut pty = play_with_room(2, dir.path());
    pty.wait_for("Where do you tap?");
    // Choices until the file has no more room; each is a line in the file.
    let until = Instant::now() + deadline();
    while !printed(&pty).contains("EXIT=") {
        assert!(Instant::now() < until, "never ran out of room");
        pty.send("1");
        thread::sleep(Duration::from_millis(50));
        pty.send("\r");
        thread::sleep(Duration::from_millis(50));
    }
    pty.wait_for_output("EXIT=2");
    assert_terminal_restored(&pty);
    let out = printed(&pty);
    assert!(out.contains("the disk is full"), "{out}");
    assert!(out.contains("keeps every event before it"), "{out}");
    let path = session_file(dir.path());
    let text = std::fs::read_to_string(&path).expect("the session file");
    assert!(text.ends_with('\n'), "the last line is whole: {text}");
    let as_yaml: Result<serde_json::Value, _> = serde_saphyr::from_str(&text);
    assert!(as_yaml.is_ok(), "valid YAML: {as_yaml:?}");
    let recorded = session::read(&path).expect("the session loads");
    assert!(!recorded.cut);
    assert!(
        matches!(
            recorded.events.first().map(|e| &e.kind),
            Some(EventKind::TaskStart { .. })
        ),
        "{:?}",
        recorded.events
    );
}

#[test]
fn a_session_file_that_cannot_take_its_header_is_removed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pty = play_with_room(0, dir.path());
    pty.wait_for_output("EXIT=2");
    assert_terminal_restored(&pty);
    let out = printed(&pty);
    assert!(out.contains("cannot create a session file in"), "{out}");
    assert!(out.contains("the disk is full"), "{out}");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("sessions folder")
        .collect();
    assert!(left.is_empty(), "nothing left behind: {left:?}");
}
