//! The real binary in a pseudo-terminal: a shell running mvx, its screen as a terminal
//! shows it, its processes, and the terminal's modes once it exits.
//!
//! Waits are deadlines on screen text, never fixed sleeps; `MVX_PTY_DEADLINE_SECS`
//! stretches them on a slow machine.
#![allow(dead_code)] // each test file uses some of these
#![allow(clippy::disallowed_methods)] // measures the real binary in real time

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const ROWS: NonZeroU16 = NonZeroU16::new(24).expect("24 is not zero");
const COLS: NonZeroU16 = NonZeroU16::new(80).expect("80 is not zero");
/// Time for a frame seen on screen to finish drawing and be stamped as shown.
const SETTLE: Duration = Duration::from_millis(40);
/// At most this long more for the program to be idle again after a frame (a loaded
/// machine may leave it waiting for a processor between its frame and the stamp).
const IDLE_WITHIN: Duration = Duration::from_secs(2);

pub fn deadline() -> Duration {
    let secs = std::env::var("MVX_PTY_DEADLINE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15);
    Duration::from_secs(secs)
}

pub struct Pty {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    pub child: Box<dyn Child + Send + Sync>,
    /// Set to make the reading thread let go of the terminal at its next read.
    closing: Arc<AtomicBool>,
}

impl Pty {
    /// Runs `sh -c script` in an 80x24 pseudo-terminal.
    pub fn shell(script: &str, envs: &[(&str, &str)]) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut command = CommandBuilder::new("sh");
        command.args(["-c", script]);
        command.cwd(env!("CARGO_MANIFEST_DIR"));
        command.env("TERM", "xterm-256color");
        for (key, value) in envs {
            command.env(key, value);
        }
        let child = pair.slave.spawn_command(command).expect("spawns");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(ROWS, COLS, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (screen_in, raw_in) = (Arc::clone(&screen), Arc::clone(&raw));
        let closing = Arc::new(AtomicBool::new(false));
        let closing_in = Arc::clone(&closing);
        thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || closing_in.load(Ordering::SeqCst) {
                    break;
                }
                screen_in.lock().expect("screen lock").process(&buf[..n]);
                raw_in
                    .lock()
                    .expect("raw lock")
                    .extend_from_slice(&buf[..n]);
            }
        });
        Pty {
            master: pair.master,
            writer,
            screen,
            raw,
            child,
            closing,
        }
    }

    /// Closes the terminal as a closed window does, with no signal from here: once the
    /// reading thread lets go (at the next output, which a resize brings), the last
    /// handle on the terminal's master side is dropped and the kernel hangs it up.
    pub fn close(self) {
        self.closing.store(true, Ordering::SeqCst);
        self.resize(30, 90);
        let until = Instant::now() + deadline();
        while Arc::strong_count(&self.raw) > 1 {
            assert!(Instant::now() < until, "the terminal is still read");
            thread::sleep(Duration::from_millis(2));
        }
        drop(self);
    }

    /// Waits (up to `IDLE_WITHIN`) until no thread of the programs in the terminal is
    /// running or waiting for a processor, twice in a row: the frame just seen has been
    /// stamped, and a key sent now is read after it. Where there is no `/proc`, the
    /// settling time alone.
    fn wait_idle(&self) {
        let Some(root) = self.child.process_id() else {
            return;
        };
        let until = Instant::now() + IDLE_WITHIN;
        let mut quiet = 0;
        while quiet < 2 && Instant::now() < until {
            match busy(root) {
                Some(false) => quiet += 1,
                Some(true) => quiet = 0,
                None => return,
            }
            thread::sleep(Duration::from_millis(3));
        }
    }

    /// Everything the terminal was sent, as text.
    pub fn raw_output(&self) -> String {
        String::from_utf8_lossy(&self.raw.lock().expect("raw lock")).into_owned()
    }

    /// The device of the terminal's slave side, as `stty -F` takes it.
    pub fn tty_name(&self) -> PathBuf {
        self.master.tty_name().expect("a tty name")
    }

    pub fn contents(&self) -> String {
        self.screen.lock().expect("screen lock").screen().contents()
    }

    /// Waits until `text` is on screen; returns the moment it was seen.
    ///
    /// A frame is visible a moment before its draw returns and "shown" is stamped; a key
    /// sent in that gap is an early key by design (no person reacts that fast) and acts on
    /// nothing. So, once the text is seen, the draw gets a moment to return, and the
    /// programs in the terminal to be idle again (`wait_idle`).
    pub fn wait_for(&self, text: &str) -> Instant {
        let until = Instant::now() + deadline();
        loop {
            if self.contents().contains(text) {
                let seen = Instant::now();
                thread::sleep(SETTLE);
                self.wait_idle();
                return seen;
            }
            assert!(
                Instant::now() < until,
                "`{text}` never appeared; screen:\n{}",
                self.contents()
            );
            thread::sleep(Duration::from_millis(2));
        }
    }

    pub fn wait_for_output(&self, text: &str) {
        let until = Instant::now() + deadline();
        while !String::from_utf8_lossy(&self.raw.lock().expect("raw lock")).contains(text) {
            assert!(
                Instant::now() < until,
                "`{text}` never printed; screen:\n{}",
                self.contents()
            );
            thread::sleep(Duration::from_millis(5));
        }
    }

    pub fn send(&mut self, keys: &str) -> Instant {
        self.writer.write_all(keys.as_bytes()).expect("keys sent");
        self.writer.flush().expect("keys flushed");
        Instant::now()
    }

    /// Clicks the left mouse button on the middle of `words` where the screen shows
    /// them, as a terminal reports it (SGR: press, then release).
    pub fn click(&mut self, words: &str) -> Instant {
        let contents = self.contents();
        let (row, col) = (contents.lines().enumerate())
            .find_map(|(row, line)| {
                let at = line.find(words)?;
                Some((row, line[..at].chars().count() + words.chars().count() / 2))
            })
            .unwrap_or_else(|| {
                panic!(
                    "`{words}` is not on screen:
{contents}"
                )
            });
        let (row, col) = (row + 1, col + 1);
        self.send(&format!("\x1b[<0;{col};{row}M\x1b[<0;{col};{row}m"))
    }

    /// Whether the terminal was asked to report the mouse (and not asked to stop).
    pub fn mouse_reported(&self) -> bool {
        let screen = self.screen.lock().expect("screen lock");
        screen.screen().mouse_protocol_mode() != vt100::MouseProtocolMode::None
    }

    pub fn resize(&self, rows: u16, cols: u16) {
        let size = PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        };
        let (rows, cols) = (
            NonZeroU16::new(rows).expect("rows"),
            NonZeroU16::new(cols).expect("cols"),
        );
        // The screen takes its new size before the program can learn of it, and the
        // reader waits meanwhile: the program's first frame at the new size is never
        // read into the old one (where it would wrap, and stay garbled).
        let mut screen = self.screen.lock().expect("screen lock");
        screen.screen_mut().set_size(rows, cols);
        self.master.resize(size).expect("resized");
    }

    pub fn in_alternate_screen(&self) -> bool {
        self.screen
            .lock()
            .expect("screen lock")
            .screen()
            .alternate_screen()
    }
}

/// `mvx play` on an example flow, then (once it exits) its exit code and the terminal's modes.
pub fn play(flow: &str, sessions: &Path, envs: &[(&str, &str)]) -> Pty {
    let script = format!(
        "{} play flows/{flow}.yaml --participant P01 --sessions {}; echo EXIT=$?; stty -a",
        env!("CARGO_BIN_EXE_mvx"),
        sessions.display()
    );
    Pty::shell(&script, envs)
}

pub fn session_file(dir: &Path) -> PathBuf {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("sessions dir")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 1, "one session file in {files:?}");
    files.remove(0)
}

/// Once mvx has exited: the alternate screen is left and the line discipline is cooked again.
pub fn assert_terminal_restored(pty: &Pty) {
    pty.wait_for_output("icanon");
    let raw = String::from_utf8_lossy(&pty.raw.lock().expect("raw lock")).into_owned();
    assert!(!pty.in_alternate_screen(), "still in the alternate screen");
    let modes = &raw[raw.rfind("speed").unwrap_or(0)..];
    assert!(
        modes.contains(" icanon") && modes.contains(" echo"),
        "raw mode left on: {modes}"
    );
    assert!(!modes.contains("-icanon"), "raw mode left on: {modes}");
}

pub fn child_of(parent: &str) -> String {
    let until = Instant::now() + deadline();
    loop {
        let out = std::process::Command::new("pgrep")
            .args(["-P", parent])
            .output()
            .expect("pgrep runs");
        let pid = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if !pid.is_empty() {
            return pid;
        }
        assert!(Instant::now() < until, "no child of {parent}");
        thread::sleep(Duration::from_millis(5));
    }
}

/// The `mvx play` the shell started: the supervisor that restores the terminal.
pub fn mvx_pid(pty: &Pty) -> String {
    child_of(&pty.child.process_id().expect("shell pid").to_string())
}

/// The process playing the session, under the supervisor.
pub fn session_pid(pty: &Pty) -> String {
    child_of(&mvx_pid(pty))
}

pub fn kill(pid: &str, signal: &str) {
    let status = std::process::Command::new("kill")
        .args([signal, pid])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// The CPU time a process has used, in clock ticks (user + system), while it lives.
pub fn cpu_ticks(pid: &str) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 2..].split(' ').collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// The process's state letter (`R`, `S`, `T` for stopped, ...), while it lives.
pub fn process_state(pid: &str) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat[stat.rfind(')')? + 2..].chars().next()
}

/// Waits until `pid` is in `state`.
pub fn wait_for_state(pid: &str, state: char) {
    let until = Instant::now() + deadline();
    while process_state(pid) != Some(state) {
        assert!(
            Instant::now() < until,
            "{pid} never reached state {state}: {:?}",
            process_state(pid)
        );
        thread::sleep(Duration::from_millis(5));
    }
}

/// The terminal's modes as `stty -a` prints them, read from outside.
pub fn stty(tty: &Path) -> String {
    let out = std::process::Command::new("stty")
        .arg("-a")
        .arg("-F")
        .arg(tty)
        .output()
        .expect("stty runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Cooked: canonical input and echo on.
pub fn cooked(modes: &str) -> bool {
    modes.contains(" icanon") && modes.contains(" echo") && !modes.contains("-icanon")
}

/// Whether a thread of `root` or of a process below it is running or waiting for a
/// processor or a disk (`R` or `D` in `/proc/PID/task/TID/stat`); `None` without `/proc`.
fn busy(root: u32) -> Option<bool> {
    // A process's state and parent follow the name, which ends at the last ')'.
    let fields = |stat: &str| -> Option<(char, u32)> {
        let rest = &stat[stat.rfind(')')? + 1..];
        let mut fields = rest.split_whitespace();
        let state = fields.next()?.chars().next()?;
        let parent = fields.next()?.parse().ok()?;
        Some((state, parent))
    };
    let mut parents = Vec::new();
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        if let Some((_, parent)) = fields(&stat) {
            parents.push((pid, parent));
        }
    }
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let pid = tree[i];
        tree.extend(parents.iter().filter(|(_, p)| *p == pid).map(|(c, _)| *c));
        i += 1;
    }
    let running = tree.iter().any(|pid| {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
            return false;
        };
        tasks.flatten().any(|task| {
            let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
            fields(&stat).is_some_and(|(state, _)| matches!(state, 'R' | 'D'))
        })
    });
    Some(running)
}
