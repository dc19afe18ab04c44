//! Files every command refuses the same way: not UTF-8, folders, pipes, runaway sizes.

mod common;

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

fn mvx() -> Command {
    let mut command = common::spawn::assert_mvx();
    // A command that blocks on a pipe fails the test instead of hanging it.
    command.timeout(Duration::from_secs(20));
    command
}

/// A named pipe at `path`, made by coreutils' `mkfifo`: a test that could not make one
/// fails, rather than passing without having run.
fn make_fifo(path: &Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status();
    assert!(
        made.is_ok_and(|s| s.success()),
        "mkfifo (coreutils) could not make {}",
        path.display()
    );
}

/// A flow whose first bad byte is on line 3, column 5, after an escape sequence that
/// must not reach the terminal.
const NOT_UTF8: &[u8] = b"flow: f\ntitle: T\n\x1b[2J\xff: x\n";

fn sparse_file(path: &Path, mib: u64) {
    let file = std::fs::File::create(path).expect("created");
    file.set_len(mib * 1024 * 1024).expect("sized");
}

#[test]
fn check_reports_bytes_that_are_not_utf8_as_a_finding_where_they_are() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("latin1.yaml");
    std::fs::write(&path, NOT_UTF8).expect("written");
    let shown = path.display().to_string();
    let output = mvx().arg("check").arg(&path).assert().code(1).stderr("");
    let stdout = std::str::from_utf8(&output.get_output().stdout).expect("UTF-8 output");
    assert!(
        stdout.starts_with(&format!(
            "{shown}:3:5: error: byte 0xFF is not UTF-8; save the file as UTF-8 text\n  |\n\
             3 | \\u{{1b}}[2J\u{fffd}: x\n  |          ^\n"
        )),
        "{stdout}"
    );
    assert!(
        !stdout.contains('\x1b'),
        "no raw escape reaches the terminal"
    );
    assert!(
        stdout.contains("checked 1 flow: 1 error, no warnings"),
        "{stdout}"
    );
}

#[test]
fn play_refuses_a_flow_that_is_not_utf8_and_says_where() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("latin1.yaml");
    std::fs::write(&path, NOT_UTF8).expect("written");
    mvx()
        .arg("play")
        .arg(&path)
        .arg("--sessions")
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(contains("latin1.yaml:3:5: error: byte 0xFF is not UTF-8"));
}

#[test]
fn check_names_a_folder_and_counts_it_as_unread() {
    mvx()
        .args(["check", "flows", "tests/fixtures/invalid/no-steps.yaml"])
        .assert()
        .code(2)
        .stderr(contains(
            "mvx: flows is a folder; name the flow files in it, e.g. flows/*.yaml",
        ))
        .stdout(contains(
            "checked 2 files: 1 could not be read, 1 error, no warnings",
        ));
}

#[test]
fn check_of_a_missing_file_never_says_all_is_well() {
    mvx()
        .args(["check", "flows/no-such-flow.yaml"])
        .assert()
        .code(2)
        .stdout(contains(
            "checked 1 file: 1 could not be read, no errors, no warnings",
        ))
        .stdout(contains("checked 1 flow").not());
}

#[cfg(unix)]
#[test]
fn check_refuses_a_named_pipe_without_waiting_for_a_writer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pipe = dir.path().join("flow.yaml");
    make_fifo(&pipe);
    mvx()
        .arg("check")
        .arg(&pipe)
        .assert()
        .code(2)
        .stderr(contains("flow.yaml is a named pipe (FIFO), not a file"))
        .stdout(contains("1 could not be read"));
}

#[test]
fn check_and_play_refuse_a_file_over_16_mib() {
    let dir = tempfile::tempdir().expect("temp dir");
    let big = dir.path().join("big.yaml");
    sparse_file(&big, 17);
    let refusal = "big.yaml is 17 MiB; flow files are limited to 16 MiB";
    mvx()
        .arg("check")
        .arg(&big)
        .assert()
        .code(2)
        .stderr(contains(refusal))
        .stdout(contains("1 could not be read"));
    let sessions = dir.path().join("sessions");
    mvx()
        .arg("play")
        .arg(&big)
        .arg("--sessions")
        .arg(&sessions)
        .assert()
        .code(2)
        .stderr(contains(refusal));
    assert!(!sessions.exists(), "no session is started");
}

#[test]
fn graph_and_import_read_the_same_way() {
    let dir = tempfile::tempdir().expect("temp dir");
    let big = dir.path().join("big.twee");
    sparse_file(&big, 17);
    mvx()
        .args(["import", "twine"])
        .arg(&big)
        .assert()
        .code(2)
        .stderr(contains(
            "big.twee is 17 MiB; story files are limited to 16 MiB",
        ));
    mvx()
        .args(["graph", "flows"])
        .assert()
        .code(2)
        .stderr(contains("flows is a folder"));
}

#[cfg(unix)]
#[test]
fn check_refuses_an_endless_device_at_once() {
    if !Path::new("/dev/zero").exists() {
        return;
    }
    mvx()
        .args(["check", "/dev/zero"])
        .timeout(Duration::from_secs(5))
        .assert()
        .code(2)
        .stderr(contains("/dev/zero is a character device, not a file"))
        .stdout(contains("1 could not be read"));
}

#[cfg(unix)]
#[test]
fn play_and_report_refuse_a_named_pipe_and_claim_nothing_was_saved() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pipe = dir.path().join("pipe.yaml");
    make_fifo(&pipe);
    let sessions = dir.path().join("sessions");
    mvx()
        .arg("play")
        .arg(&pipe)
        .arg("--sessions")
        .arg(&sessions)
        .timeout(Duration::from_secs(5))
        .assert()
        .code(2)
        .stderr(contains("pipe.yaml is a named pipe (FIFO), not a file"))
        .stderr(contains("keeps every event").not());
    assert!(!sessions.exists(), "no session is started");
    mvx()
        .arg("report")
        .arg(&pipe)
        .timeout(Duration::from_secs(5))
        .assert()
        .stderr(contains("pipe.yaml is a named pipe (FIFO), not a file"));
}
