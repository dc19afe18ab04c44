//! `mvx report` and `mvx review`'s first screen over 10,000 sessions of about 30 steps each (about 80 MB): discovery,
//! reading, tallying and rendering, as the command does it.
//!
//! The sessions are generated once into `target/bench-sessions/`, where
//! `benches/report.py` (the same aggregation in Python with PyYAML's C loader) reads them
//! too; BENCHMARKS.md records both.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use mvx::report::{ReportBuilder, markdown};
use mvx::review::{Review, data};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

#[path = "support/sessions.rs"]
mod sessions;

const SESSIONS: usize = 10_000;
const STEPS: usize = 30;

/// The sessions, written once (1,000 to a subfolder) and kept for `benches/report.py`.
fn sessions_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../bench-sessions");
    let last = SESSIONS - 1;
    let done = dir.join(format!("{:04}/{last:07}.yaml", last / 1000));
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        sessions::generate(&dir, SESSIONS, STEPS);
    }
    dir
}

/// What `mvx report` does: walk, read on every core, tally, render.
fn report(dir: &Path) -> String {
    let mut builder = ReportBuilder::new(None);
    mvx::report::read_sessions(&mut builder, &[dir.to_owned()], |_, _| (), |_| ()).expect("read");
    markdown::render(&builder.finish())
}

/// What `mvx review` does before its first frame: load every session, then draw.
fn review_first_screen(dir: &Path) -> Buffer {
    let review = Review::new(data::load(&[dir.to_owned()]).expect("loaded"));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
    terminal
        .draw(|f| f.render_widget(&review, f.area()))
        .expect("draws");
    terminal.backend().buffer().clone()
}

fn bench(c: &mut Criterion) {
    let dir = sessions_dir();
    let mut group = c.benchmark_group("report-10000-sessions");
    group.sample_size(10);
    group.bench_function("markdown", |b| b.iter(|| black_box(report(&dir))));
    group.bench_function("review-first-screen", |b| {
        b.iter(|| black_box(review_first_screen(&dir)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
