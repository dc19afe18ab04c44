//! The real binary in a pseudo-terminal when its terminal or its supervisor goes away
//! without a word, and when it is suspended: it never outlives either, never spins,
//! always records how it ended, and leaves the terminal as it found it.
#![allow(clippy::disallowed_methods)] // measures the real binary in real time
mod common;

use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use common::pty::*;
use mvx::session::{self, EventKind, SessionOutcome};

/// Clock ticks (10 ms each) a player may use between losing its terminal and exiting.
const TICKS_AFTER_LOSS: u64 = 2;

fn assert_ended_as(dir: &Path, reason: &str) {
    let recorded = session::read(&session_file(dir)).expect("the session loads");
    let kinds: Vec<&EventKind> = recorded.events.iter().map(|e| &e.kind).collect();
    let abort = EventKind::Abort {
        reason: reason.into(),
    };
    let end = EventKind::SessionEnd {
        outcome: SessionOutcome::Aborted,
    };
    assert!(
        kinds.contains(&&abort) && kinds.last() == Some(&&end),
        "not ended as {reason}: {kinds:?}"
    );
}

/// Waits, reading its CPU time, until `pid` has exited; returns when it did and the
/// CPU ticks it used from `since_ticks` on.
fn watch_until_gone(pid: &str, since_ticks: u64) -> (Instant, u64) {
    let until = Instant::now() + Duration::from_secs(5);
    let mut last = since_ticks;
    // A zombie has exited: only its parent has yet to hear of it.
    while let (Some(ticks), false) = (cpu_ticks(pid), process_state(pid) == Some('Z')) {
        last = ticks;
        assert!(
            Instant::now() < until,
            "the player still runs, {} ticks used since the loss",
            last - since_ticks
        );
        thread::sleep(Duration::from_millis(5));
    }
    (Instant::now(), last - since_ticks)
}

#[test]
fn a_player_whose_terminal_closes_without_sighup_records_it_and_exits_129() {
    let dir = tempfile::tempdir().expect("temp dir");
    let exit = dir.path().join("exit");
    let sessions = dir.path().join("sessions");
    // A shell that ignores hang-ups, as some do: no SIGHUP reaches mvx when the window closes.
    let script = format!(
        "trap '' HUP; {} play flows/espresso-one-menu.yaml --participant P01 --sessions {}; echo $? > {}",
        env!("CARGO_BIN_EXE_mvx"),
        sessions.display(),
        exit.display()
    );
    let mut pty = Pty::shell(&script, &[]);
    pty.wait_for("Where do you tap?");
    pty.send("j");
    let player = session_pid(&pty);
    let before = cpu_ticks(&player).expect("the player runs");
    let closed = Instant::now();
    pty.close();
    let (gone, ticks) = watch_until_gone(&player, before);
    assert!(
        gone - closed < Duration::from_secs(1),
        "ended {:?} after",
        gone - closed
    );
    assert!(
        ticks <= TICKS_AFTER_LOSS,
        "{ticks} ticks of CPU after the loss"
    );
    assert_ended_as(&sessions, "terminal closed");
    let until = Instant::now() + deadline();
    // The shell creates the file before it writes the code into it: wait for the code.
    let code = loop {
        let written = std::fs::read_to_string(&exit).unwrap_or_default();
        if written.ends_with('\n') {
            break written;
        }
        assert!(Instant::now() < until, "the supervisor never exited");
        thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(code.trim(), "129", "a closed terminal is a hang-up");
}

#[test]
fn a_player_whose_supervisor_is_killed_restores_the_terminal_and_records_its_end() {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = format!(
        "{} play flows/espresso-one-menu.yaml --participant P01 --sessions {}; echo EXIT=$?; read line; stty -a",
        env!("CARGO_BIN_EXE_mvx"),
        dir.path().display()
    );
    let mut pty = Pty::shell(&script, &[]);
    pty.wait_for("Where do you tap?");
    pty.send("j");
    let player = session_pid(&pty);
    let before = cpu_ticks(&player).expect("the player runs");
    let killed = Instant::now();
    kill(&mvx_pid(&pty), "-KILL");
    let (gone, ticks) = watch_until_gone(&player, before);
    assert!(
        gone - killed < Duration::from_secs(1),
        "{:?}",
        gone - killed
    );
    assert!(
        ticks <= TICKS_AFTER_LOSS,
        "{ticks} ticks of CPU after the loss"
    );
    assert_ended_as(dir.path(), "SIGHUP");
    assert!(
        cooked(&stty(&pty.tty_name())),
        "the player gave the terminal back"
    );
    pty.send("\n");
    assert_terminal_restored(&pty);
}

/// Suspends with `suspend`, checks the terminal is given back and every process stopped,
/// waits `stopped`, continues the group, and waits for the step to be drawn again.
fn suspend_and_continue(pty: &mut Pty, suspend: impl FnOnce(&mut Pty), stopped: Duration) {
    let player = session_pid(pty);
    suspend(pty);
    wait_for_state(&player, 'T');
    wait_for_state(&mvx_pid(pty), 'T');
    assert!(!pty.in_alternate_screen(), "the shell's screen is back");
    assert!(
        cooked(&stty(&pty.tty_name())),
        "keys echo again while stopped"
    );
    thread::sleep(stopped);
    let group = pty.child.process_id().expect("shell pid").to_string();
    let status = std::process::Command::new("kill")
        .args(["-CONT", "--", &format!("-{group}")])
        .status()
        .expect("kill runs");
    assert!(status.success());
    pty.wait_for("Where do you tap?");
    assert!(pty.in_alternate_screen());
    assert!(!cooked(&stty(&pty.tty_name())), "raw again");
}

#[test]
fn ctrl_z_and_sigtstp_suspend_the_session_and_the_stopped_time_counts_nowhere() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut pty = play("espresso-one-menu", dir.path(), &[]);
    pty.wait_for("Where do you tap?");
    let stopped = Duration::from_millis(1200);
    suspend_and_continue(&mut pty, |pty| _ = pty.send("\x1a"), stopped);
    // A stop signal sent to the supervisor alone suspends the whole session too.
    let supervisor = mvx_pid(&pty);
    suspend_and_continue(&mut pty, |_| kill(&supervisor, "-TSTP"), stopped);
    thread::sleep(Duration::from_millis(100));
    pty.send("1");
    pty.wait_for("[ Brew now ]");
    pty.send("\x03");
    pty.wait_for("End the session now?");
    pty.send("y");
    pty.wait_for("The session was ended early.");
    pty.send("\r");
    pty.wait_for_output("EXIT=0");
    assert_terminal_restored(&pty);

    let recorded = session::read(&session_file(dir.path())).expect("the session loads");
    let kinds: Vec<&EventKind> = recorded.events.iter().map(|e| &e.kind).collect();
    let suspends = kinds
        .iter()
        .filter(|k| matches!(k, EventKind::Pause { reason: Some(r) } if r == "suspend"))
        .count();
    assert_eq!(suspends, 2, "{kinds:?}");
    let resumed: Vec<u64> = kinds
        .iter()
        .filter_map(|k| match k {
            EventKind::Resume { paused_ms } => Some(*paused_ms),
            _ => None,
        })
        .collect();
    assert_eq!(resumed.len(), 2, "{kinds:?}");
    assert!(resumed.iter().all(|&ms| ms >= 1200), "{resumed:?}");
    let hesitation = recorded
        .events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::Choose { timing, .. } => Some(timing.hesitation_ms),
            _ => None,
        })
        .expect("a choice");
    assert!(
        hesitation < 1200,
        "{hesitation} ms: the stopped time is left out"
    );
}
