//! How close a recorded hesitation is to the truth, through a real pseudo-terminal.
//!
//! mvx plays a two-step flow that loops forever. For each step, the bench notes when the
//! step's text reached the terminal, waits a known delay, sends the choice key, and reads
//! the `hesitation_ms` that mvx recorded. The error is recorded minus observed; criterion
//! reports its absolute value as the "time" of an iteration, and the signed distribution
//! is printed at the end. Run idle, then with both cores kept busy.
#![allow(clippy::disallowed_methods)] // measures the real binary in real time

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use mvx::session::{self, EventKind};
use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

const FLOW: &str = "flow: ping\ntitle: Ping\nsteps:\n  ping:\n    text: PING-MARK\n    choices: [Pong -> pong, Stop -> stop]\n  pong:\n    text: PONG-MARK\n    choices: [Ping -> ping, Stop -> stop]\n  stop:\n    end: success\n";
const DELAY: Duration = Duration::from_millis(20);

/// The screen as the reader thread last saw it, and when.
struct Seen {
    contents: String,
    at: Instant,
}

struct Journey {
    writer: Box<dyn Write + Send>,
    seen: Arc<(Mutex<Seen>, Condvar)>,
    child: Box<dyn Child + Send + Sync>,
    sessions: PathBuf,
    marks: usize,
    errors_ms: Vec<f64>,
    _dir: tempfile::TempDir,
}

impl Journey {
    fn start() -> Journey {
        let dir = tempfile::tempdir().expect("temp dir");
        let flow = dir.path().join("ping.yaml");
        std::fs::write(&flow, FLOW).expect("flow written");
        let sessions = dir.path().join("sessions");
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_mvx"));
        command.args(["play", "--participant", "bench", "--sessions"]);
        command.arg(&sessions);
        command.arg(&flow);
        command.env("TERM", "xterm-256color");
        let child = pair.slave.spawn_command(command).expect("mvx starts");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let seen = Arc::new((
            Mutex::new(Seen {
                contents: String::new(),
                at: Instant::now(),
            }),
            Condvar::new(),
        ));
        let shared = Arc::clone(&seen);
        thread::spawn(move || {
            let _master = pair.master;
            let rows = NonZeroU16::new(24).expect("rows");
            let cols = NonZeroU16::new(80).expect("cols");
            let mut parser = vt100::Parser::new(rows, cols, 0);
            let mut buf = [0u8; 8192];
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                let at = Instant::now();
                parser.process(&buf[..n]);
                let (lock, changed) = &*shared;
                *lock.lock().expect("seen lock") = Seen {
                    contents: parser.screen().contents(),
                    at,
                };
                changed.notify_all();
            }
        });
        Journey {
            writer,
            seen,
            child,
            sessions,
            marks: 0,
            errors_ms: Vec::new(),
            _dir: dir,
        }
    }

    /// Waits for the next step, waits `DELAY`, picks, and returns |recorded - observed|.
    fn step(&mut self) -> Duration {
        let mark = if self.marks.is_multiple_of(2) {
            "PING-MARK"
        } else {
            "PONG-MARK"
        };
        let (lock, changed) = &*self.seen;
        let (guard, waited) = changed
            .wait_timeout_while(
                lock.lock().expect("seen lock"),
                Duration::from_secs(10),
                |s| !s.contents.contains(mark),
            )
            .expect("seen lock");
        assert!(
            !waited.timed_out(),
            "{mark} never appeared; screen:\n{}",
            guard.contents
        );
        let seen_at = guard.at;
        drop(guard);
        thread::sleep(DELAY);
        self.writer.write_all(b"1").expect("key sent");
        self.writer.flush().expect("key flushed");
        let sent_at = Instant::now();
        self.marks += 1;
        let recorded = self.wait_for_choice(self.marks);
        let observed = (sent_at - seen_at).as_secs_f64() * 1000.0;
        let error = recorded as f64 - observed;
        self.errors_ms.push(error);
        Duration::from_secs_f64(error.abs() / 1000.0)
    }

    fn wait_for_choice(&self, count: usize) -> u64 {
        loop {
            if let Some(file) = session_file(&self.sessions) {
                let recorded = session::read(&file).expect("session loads");
                let choices: Vec<u64> = recorded
                    .events
                    .iter()
                    .filter_map(|e| match &e.kind {
                        EventKind::Choose { timing, .. } => Some(timing.hesitation_ms),
                        _ => None,
                    })
                    .collect();
                if choices.len() >= count {
                    return choices[count - 1];
                }
            }
            thread::sleep(Duration::from_millis(1));
        }
    }
}

impl Drop for Journey {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn session_file(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir).ok()?.next()?.ok().map(|e| e.path())
}

fn report(label: &str, errors: &mut [f64]) {
    errors.sort_by(f64::total_cmp);
    let at = |q: f64| errors[((errors.len() - 1) as f64 * q).round() as usize];
    println!(
        "hesitation error, {label}: n={} min={:.2} p50={:.2} p90={:.2} p99={:.2} max={:.2} ms",
        errors.len(),
        errors[0],
        at(0.5),
        at(0.9),
        at(0.99),
        errors[errors.len() - 1]
    );
}

fn measure(c: &mut Criterion, label: &str) {
    let mut journey = Journey::start();
    c.bench_function(&format!("hesitation-error/{label}"), |b| {
        b.iter_custom(|iters| (0..iters).map(|_| journey.step()).sum())
    });
    report(label, &mut journey.errors_ms);
}

fn bench(c: &mut Criterion) {
    measure(c, "idle");
    let stop = Arc::new(AtomicBool::new(false));
    let spinners: Vec<_> = (0..2)
        .map(|_| {
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                let mut x = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
                }
            })
        })
        .collect();
    measure(c, "both-cores-busy");
    stop.store(true, Ordering::Relaxed);
    for spinner in spinners {
        let _ = spinner.join();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(10));
    targets = bench
}
criterion_main!(benches);
