//! `mvx report` and `mvx review`'s first screen over 10,000 sessions of about 30 steps each (about 80 MB): discovery,
//! reading, tallying and rendering, as the command does it.
//!
//! The sessions are generated once into `target/bench-sessions/`, where
//! `benches/report.py` (the same aggregation in Python with PyYAML's C loader) reads them
//! too; BENCHMARKS.md records both.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use mvx::report::{ReportBuilder, markdown};
use mvx::review::{Review, data};
use mvx::session::{
    self, AnswerValue, Event, EventKind, FlowRef, Header, SCHEMA, SessionOutcome, TaskOutcome,
    TerminalInfo, Timing,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

const SESSIONS: usize = 10_000;
const STEPS: usize = 30;

fn header(i: usize) -> Header {
    let variant = if i.is_multiple_of(2) {
        "one-menu"
    } else {
        "three-menus"
    };
    Header {
        schema: SCHEMA.into(),
        session: format!("bench-{i:05}"),
        flow: FlowRef {
            id: "espresso".into(),
            title: "Make a single espresso".into(),
            variant: Some(variant.into()),
            path: format!("flows/espresso-{variant}.yaml"),
            sha256: format!("{:064x}", i % 2),
            expected: Default::default(),
            scales: Default::default(),
        },
        participant: format!("P{i:05}"),
        researcher: Some("ana".into()),
        started_at: "2026-11-26T14:02:11.123+01:00".into(),
        terminal: TerminalInfo {
            cols: 120,
            rows: 40,
            term: Some("xterm-256color".into()),
            program: None,
            tmux: false,
            ssh: false,
        },
        transport: None,
        mvx: "bench".into(),
        simulated: false,
        study: None,
    }
}

/// A session of `STEPS` steps with a choice on each, two answers, and an outcome that
/// depends on `i`: about 80% succeed, some give up, some are cut off.
fn session_text(i: usize) -> String {
    let mut out = serde_saphyr::to_string(&header(i)).expect("header serialises") + "events:\n";
    let mut at = 0u64;
    let mut push = |at: u64, kind: EventKind| {
        let line = serde_json::to_string(&Event { at_ms: at, kind }).expect("event serialises");
        let _ = writeln!(out, "- {line}");
    };
    push(
        at,
        EventKind::TaskStart {
            task: "espresso".into(),
        },
    );
    for step in 0..STEPS {
        let hesitation = 400 + ((i * 7919 + step * 104_729) % 5_000) as u64;
        push(
            at,
            EventKind::Show {
                step: format!("step-{step}"),
            },
        );
        at += hesitation + 300;
        let timing = Timing {
            hesitation_ms: hesitation,
            decision_ms: hesitation + 300,
        };
        let (choice, to) = (
            format!("Choice {}", (i + step) % 3),
            format!("step-{}", step + 1),
        );
        push(
            at,
            EventKind::Choose {
                step: format!("step-{step}"),
                choice,
                to,
                timing,
            },
        );
    }
    if i.is_multiple_of(37) {
        return out; // cut off: no end
    }
    let outcome = if i.is_multiple_of(5) {
        TaskOutcome::Abandoned
    } else {
        TaskOutcome::Success
    };
    push(
        at,
        EventKind::TaskEnd {
            task: "espresso".into(),
            outcome,
            duration_ms: at,
        },
    );
    let timing = Timing {
        hesitation_ms: 800,
        decision_ms: 1200,
    };
    let solved = if i.is_multiple_of(3) { "No" } else { "Yes" };
    push(
        at,
        EventKind::Answer {
            question: "solved".into(),
            value: AnswerValue::Text(solved.into()),
            free_text: false,
            timing,
        },
    );
    push(
        at,
        EventKind::Answer {
            question: "seq".into(),
            value: AnswerValue::Number((i % 7 + 1) as i64),
            free_text: false,
            timing,
        },
    );
    push(
        at,
        EventKind::SessionEnd {
            outcome: SessionOutcome::Complete,
        },
    );
    out
}

fn sessions_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../bench-sessions");
    let done = dir.join(format!("{:05}.yaml", SESSIONS - 1));
    if !done.exists() {
        std::fs::create_dir_all(&dir).expect("bench folder");
        for i in 0..SESSIONS {
            std::fs::write(dir.join(format!("{i:05}.yaml")), session_text(i))
                .expect("session written");
        }
    }
    dir
}

fn report(dir: &Path) -> String {
    let (files, _) = session::discover(&[dir.to_owned()]);
    let mut builder = ReportBuilder::new(None);
    session::for_each(&files, |_, read| {
        if let Ok(recorded) = read {
            builder.add(&recorded);
        }
    });
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
