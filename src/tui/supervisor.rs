//! A parent process that puts the terminal back even when the player is killed outright.
//!
//! Nothing survives SIGKILL (or an out-of-memory kill) inside the process itself, so
//! `mvx play` runs the session in a child and waits. The parent saved the terminal's
//! modes before the child started and restores them, and leaves the alternate screen,
//! however the child ended.

use std::io::{self, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::Command;

use ratatui::crossterm::terminal::LeaveAlternateScreen;
use ratatui::crossterm::{cursor, execute};
use rustix::process::{Pid, Signal, kill_process};
use rustix::termios::{OptionalActions, tcgetattr, tcsetattr};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGTSTP};
use signal_hook::iterator::Signals;

/// Set in the child's environment, so that it plays instead of supervising again.
const CHILD: &str = "MVX_SUPERVISED";

pub enum Supervised {
    /// This process is the child, or cannot supervise (no terminal): play here.
    PlayHere,
    /// The child ran; exit with this code.
    Exited(u8),
}

/// Runs this same command again as a child and waits for it. Signals that ask the
/// session to stop or suspend are passed on to the child, which records them.
pub fn supervise() -> Supervised {
    if let Some(supervisor) = std::env::var_os(CHILD) {
        return watch_supervisor(&supervisor.to_string_lossy());
    }
    let (Ok(exe), Ok(modes)) = (std::env::current_exe(), tcgetattr(io::stdin())) else {
        return Supervised::PlayHere;
    };
    let Ok(mut child) = Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(CHILD, std::process::id().to_string())
        .spawn()
    else {
        return Supervised::PlayHere;
    };
    forward_signals(Pid::from_child(&child));
    let status = child.wait();
    let _ = tcsetattr(io::stdin(), OptionalActions::Now, &modes);
    let code = match status.as_ref().map(|s| (s.code(), s.signal())) {
        Ok((Some(code), _)) => u8::try_from(code).unwrap_or(1),
        Ok((None, Some(signal))) => killed(signal),
        _ => 1,
    };
    Supervised::Exited(code)
}

/// The child could not restore the terminal itself; the modes are back, the screen next.
fn killed(signal: i32) -> u8 {
    let _ = execute!(io::stdout(), LeaveAlternateScreen, cursor::Show);
    let _ = writeln!(
        io::stderr(),
        "mvx: the session was killed (signal {signal}); a session file, if one was started, keeps every event recorded until then"
    );
    u8::try_from(128 + signal).unwrap_or(1)
}

/// In the child: a supervisor killed outright (SIGKILL) cannot restore the terminal, so
/// its death reaches the child as a hang-up (`SIGHUP`), and the child gives the terminal
/// back and records the end itself. A supervisor already gone before that was set up
/// leaves nothing to play for.
fn watch_supervisor(supervisor: &str) -> Supervised {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let _ = rustix::process::set_parent_process_death_signal(Some(Signal::HUP));
    }
    let parent = rustix::process::getppid().map(|p| p.as_raw_nonzero().get().to_string());
    match parent.as_deref() {
        Some(parent) if parent != supervisor => Supervised::Exited(129),
        _ => Supervised::PlayHere,
    }
}

fn forward_signals(child: Pid) {
    let Ok(mut signals) = Signals::new([SIGTERM, SIGHUP, SIGINT, SIGTSTP]) else {
        return;
    };
    std::thread::spawn(move || {
        for signal in signals.forever() {
            // A suspend reaches the child, which gives the terminal back, records the
            // pause, and stops the whole group, this process included.
            let signal = match signal {
                SIGHUP => Signal::HUP,
                SIGINT => Signal::INT,
                SIGTSTP => Signal::TSTP,
                _ => Signal::TERM,
            };
            let _ = kill_process(child, signal);
        }
    });
}
