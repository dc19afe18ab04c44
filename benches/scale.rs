//! `mvx report` at scale, the real binary in a child process: 10,000 short play
//! sessions, 10,000 served study sessions and 10,000 long sessions against
//! `benches/report.py` (Python + PyYAML's C loader) in the same run, each side timed
//! from the spawn of its process to its exit; then 100,000 short sessions and 100,000
//! study sessions (and, with `MVX_BENCH_MILLION=1`, 1,000,000 short sessions) for time
//! and peak memory (`/usr/bin/time -v`), and `mvx review`'s first screen on each. Every
//! set is generated into a temporary folder and deleted after it is measured.
//! `MVX_BENCH_PART=short,study,long,scale,study-scale` runs those parts alone;
//! `MVX_BENCH_PART=study-million` (never run by default) the report on 1,000,000 study
//! sessions.
//! BENCHMARKS.md records the figures.

#![allow(clippy::disallowed_methods)] // measures the real binary in real time

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use mvx::review::{Action, Review, data};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[path = "support/sessions.rs"]
mod sessions;
#[path = "support/study.rs"]
mod study;

use sessions::generate;

/// Writes the set's dirty pages out before anything is timed: the kernel's write-back
/// would otherwise run during the first measurements, on the same two cores.
fn settle() {
    let _ = Command::new("sync").status();
}

/// Wall seconds and peak resident memory (MB) of `mvx report dir`, from `/usr/bin/time -v`.
fn mvx_report(dir: &Path) -> (f64, f64) {
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_mvx"))
        .arg("report")
        .arg(dir)
        .args(["-o", "/dev/null"])
        .output()
        .expect("mvx report runs");
    let took = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let kb: f64 = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN);
    (took, kb / 1024.0)
}

/// Wall seconds of `mvx report dir`, the binary spawned directly (no `time` in between).
fn mvx_report_time(dir: &Path) -> f64 {
    let start = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_mvx"))
        .arg("report")
        .arg(dir)
        .args(["-o", "/dev/null"])
        .stderr(std::process::Stdio::null())
        .status()
        .expect("mvx report runs");
    assert!(status.success());
    start.elapsed().as_secs_f64()
}

/// Wall seconds of `benches/report.py` on `dir`, from the spawn of `python3` to its exit
/// (as for mvx: the interpreter's start and PyYAML's import are part of its time).
fn python_report(dir: &Path) -> Option<f64> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/report.py");
    let start = Instant::now();
    let out = Command::new("python3").arg(script).arg(dir).output().ok()?;
    let took = start.elapsed().as_secs_f64();
    let text = String::from_utf8_lossy(&out.stdout);
    println!(
        "    python: {} ({took:.2} s from spawn to exit)",
        text.trim()
    );
    out.status.success().then_some(took)
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg").unwrap_or_default()
}

/// mvx against Python on the sessions in `dir`; returns the ratio of the medians.
fn against_python(name: &str, dir: &Path, count: usize, bytes: usize) -> Option<f64> {
    settle();
    println!(
        "{name}: {count} sessions, {:.1} KB each; load {}",
        bytes as f64 / count as f64 / 1024.0,
        load().trim()
    );
    // Warms the page cache for both, and gives the peak memory.
    let (_, mb) = mvx_report(dir);
    // mvx runs a tenth of a second, where a noisy machine moves single runs by a third:
    // five runs around Python's, the median kept (and the fastest shown).
    let mut runs: Vec<f64> = (0..2).map(|_| mvx_report_time(dir)).collect();
    let python = python_report(dir);
    runs.extend((0..3).map(|_| mvx_report_time(dir)));
    runs.sort_by(f64::total_cmp);
    let mvx = runs[runs.len() / 2];
    println!(
        "    mvx report: median {mvx:.3} s of {} runs (fastest {:.3} s), peak {mb:.1} MB",
        runs.len(),
        runs[0]
    );
    let python = python?;
    println!(
        "    ratio: {:.1}x (median), {:.1}x (fastest)",
        python / mvx,
        python / runs[0]
    );
    Some(python / mvx)
}

/// Short or long play sessions against Python.
fn play_against_python(name: &str, count: usize, steps: usize) -> Option<f64> {
    let dir = tempfile::tempdir().expect("temp dir");
    let bytes = generate(dir.path(), count, steps);
    against_python(name, dir.path(), count, bytes)
}

/// Served study sessions (between and within, some played) against Python.
fn study_against_python(count: usize) -> Option<f64> {
    let root = tempfile::tempdir().expect("temp dir");
    let (dir, bytes) = study::generate(root.path(), count, 5);
    against_python("study (served, between and within)", &dir, count, bytes)
}

/// 100,000 (or 1,000,000) study sessions: `mvx report`'s time and peak memory, and (at
/// 100,000) review's first screen.
fn study_at_scale(count: usize) {
    let root = tempfile::tempdir().expect("temp dir");
    let (dir, bytes) = study::generate(root.path(), count, 5);
    settle();
    println!(
        "{count} study sessions, {:.0} MB; load {}",
        bytes as f64 / 1e6,
        load().trim()
    );
    let (took, mb) = mvx_report(&dir);
    println!("    mvx report: {took:.2} s, peak {mb:.1} MB");
    if count <= 100_000 {
        review(&dir);
    }
}

fn at_scale(count: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let bytes = generate(dir.path(), count, 5);
    settle();
    println!(
        "{count} short sessions, {:.0} MB; load {}",
        bytes as f64 / 1e6,
        load().trim()
    );
    let (took, mb) = mvx_report(dir.path());
    println!("    mvx report: {took:.2} s, peak {mb:.1} MB");
    if count <= 100_000 {
        review(dir.path());
    }
}

/// `mvx review` as it runs: its first frame with rows (the sessions are read in the
/// background, and the screen opens with the first ones), every row in, then each sort
/// key and a filter typed.
fn review(dir: &Path) {
    let start = Instant::now();
    let mut review = Review::reading(data::load_in_background(vec![dir.to_owned()]));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    let mut draw = |review: &Review| {
        terminal
            .draw(|f| f.render_widget(review, f.area()))
            .expect("draws");
    };
    while review.data.rows.is_empty() && review.loading.is_some() {
        if !review.receive() {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    draw(&review);
    println!(
        "    review first screen ({} rows on it so far): {:.2} s",
        review.data.rows.len(),
        start.elapsed().as_secs_f64()
    );
    // As the screen does between keys: takes in what arrived, and draws it.
    while review.loading.is_some() {
        if review.receive() {
            draw(&review);
        } else {
            std::thread::sleep(Duration::from_millis(40));
        }
    }
    println!(
        "    review every row in ({}), drawn: {:.2} s",
        review.data.rows.len(),
        start.elapsed().as_secs_f64()
    );
    for key in [Action::Sort, Action::Sort, Action::Reverse, Action::Sort] {
        let start = Instant::now();
        review.update(key);
        draw(&review);
        println!(
            "    review {key:?} and redraw: {:.0} ms",
            start.elapsed().as_secs_f64() * 1e3
        );
    }
    review.update(Action::StartFilter);
    for c in ['p', '0', '0'] {
        let start = Instant::now();
        review.update(Action::Edit(mvx::keys::Key::Char(c)));
        draw(&review);
        println!(
            "    review filter `{c}` and redraw: {:.0} ms",
            start.elapsed().as_secs_f64() * 1e3
        );
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let part = std::env::var("MVX_BENCH_PART").unwrap_or_default();
    let runs = |name: &str| part.is_empty() || part.split(',').any(|p| p.trim() == name);
    // `MVX_BENCH_SETS=DIR` only writes the sets (DIR/short, DIR/long, DIR/100k, with
    // `MVX_BENCH_MILLION=1` DIR/1m and DIR/study1m/sessions, and DIR/study/sessions,
    // DIR/study100k/sessions) and keeps them, for profiling `mvx report` by hand; with
    // `MVX_BENCH_PART`, only those of the parts named (`study-million`: DIR/study1m).
    if let Some(dir) = std::env::var_os("MVX_BENCH_SETS") {
        let dir = Path::new(&dir);
        let million = std::env::var_os("MVX_BENCH_MILLION").is_some();
        let sets = [
            ("short", "short", 10_000, 5),
            ("long", "long", 10_000, 30),
            ("scale", "100k", 100_000, 5),
        ];
        let more = million.then_some(("scale", "1m", 1_000_000, 5));
        for (_, name, count, steps) in sets.into_iter().chain(more).filter(|s| runs(s.0)) {
            let bytes = generate(&dir.join(name), count, steps);
            println!("{name}: {count} sessions, {:.0} MB", bytes as f64 / 1e6);
        }
        // Study sets: the sessions under DIR/<name>/sessions, the studies beside them.
        let million = million || (!part.is_empty() && runs("study-million"));
        let more = million.then_some(("study-million", "study1m", 1_000_000));
        let sets = [
            ("study", "study", 10_000),
            ("study-scale", "study100k", 100_000),
        ];
        for (_, name, count) in sets.into_iter().chain(more).filter(|s| runs(s.0)) {
            let (_, bytes) = study::generate(&dir.join(name), count, 5);
            println!(
                "{name}: {count} study sessions, {:.0} MB",
                bytes as f64 / 1e6
            );
        }
        return;
    }
    let mut ratios = Vec::new();
    if runs("short") {
        ratios.push((
            "short play sessions",
            play_against_python("short", 10_000, 5),
        ));
    }
    if runs("study") {
        ratios.push(("served study sessions", study_against_python(10_000)));
    }
    if runs("long") {
        ratios.push(("long sessions", play_against_python("long", 10_000, 30)));
    }
    for (name, ratio) in &ratios {
        match ratio {
            Some(r) => println!("ratio against Python, {name}: {r:.1}x"),
            None => println!("ratio against Python, {name}: no Python (python3 with PyYAML)"),
        }
    }
    if runs("scale") {
        at_scale(100_000);
    }
    if runs("study-scale") {
        study_at_scale(100_000);
    }
    // A million study sessions (2.5 GB written): only when asked for by name.
    if part.split(',').any(|p| p.trim() == "study-million") {
        study_at_scale(1_000_000);
    }
    if std::env::var_os("MVX_BENCH_MILLION").is_some() {
        at_scale(1_000_000);
    }
}
