//! Session files for the report benchmarks, in the shape `mvx play` writes: two
//! variants, a task of `steps` choices, two answers, and an outcome that depends on the
//! session's number (one in 37 cut off, one in 5 given up, the rest successes).

use std::fmt::Write as _;
use std::path::Path;

use mvx::session::{
    AnswerValue, Event, EventKind, FlowRef, Header, SessionOutcome, Started, TaskOutcome,
    TerminalInfo, Timing,
};

pub fn header(i: usize) -> Header {
    let variant = if i.is_multiple_of(2) {
        "one-menu"
    } else {
        "three-menus"
    };
    let started = Started {
        session: format!("20261126-140211-P{i:07}"),
        at: format!("2026-11-26T14:{:02}:{:02}.123+01:00", i / 60 % 60, i % 60),
    };
    let flow = FlowRef {
        id: "espresso".into(),
        title: "Make a single espresso".into(),
        variant: Some(variant.into()),
        path: format!("flows/espresso-{variant}.yaml"),
        sha256: format!("{:064x}", 0xabc0 + i % 2),
        expected: Default::default(),
        scales: Default::default(),
    };
    let terminal = TerminalInfo {
        cols: 120,
        rows: 40,
        term: Some("xterm-256color".into()),
        program: None,
        tmux: false,
        ssh: false,
    };
    let mut header = Header::new(started, flow, format!("P{i:07}"), terminal);
    header.researcher = Some("ana".into());
    header
}

/// The header of session `i` as mvx writes it: serialized once per variant, then the
/// fields that differ between sessions put in (serializing a million headers would take
/// longer than reporting them).
pub fn header_text(i: usize, templates: &[String; 2]) -> String {
    let (template, t) = (&templates[i % 2], header(i % 2));
    let h = header(i);
    template
        .replace(&t.session, &h.session)
        .replace(
            &format!("participant: {}", t.participant),
            &format!("participant: {}", h.participant),
        )
        .replace(&t.started_at, &h.started_at)
}

pub fn templates() -> [String; 2] {
    [0, 1].map(|i| serde_saphyr::to_string(&header(i)).expect("header"))
}

/// A session of `steps` choices, two answers, and an outcome that depends on `i`.
pub fn session_text(i: usize, steps: usize, templates: &[String; 2]) -> String {
    let mut out = header_text(i, templates) + "events:\n";
    let mut at = 0u64;
    let mut push = |at: u64, kind: EventKind| {
        let line = serde_json::to_string(&Event { at_ms: at, kind }).expect("event");
        let _ = writeln!(out, "- {line}");
    };
    push(
        at,
        EventKind::TaskStart {
            task: "espresso".into(),
        },
    );
    for step in 0..steps {
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
            input: Default::default(),
        };
        let choice = format!("Choice {}", (i + step) % 3);
        let (step, to) = (format!("step-{step}"), format!("step-{}", step + 1));
        push(
            at,
            EventKind::Choose {
                step,
                choice,
                to,
                timing,
            },
        );
    }
    if i.is_multiple_of(37) {
        return out;
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
        input: Default::default(),
    };
    let solved = if i.is_multiple_of(3) { "No" } else { "Yes" };
    let value = AnswerValue::Text(solved.into());
    push(
        at,
        EventKind::Answer {
            question: "solved".into(),
            value,
            free_text: false,
            timing,
        },
    );
    let value = AnswerValue::Number((i % 7 + 1) as i64);
    push(
        at,
        EventKind::Answer {
            question: "seq".into(),
            value,
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

/// Writes `count` sessions of `steps` steps, 1,000 to a folder, on both cores; returns
/// the bytes written.
pub fn generate(dir: &Path, count: usize, steps: usize) -> usize {
    let templates = templates();
    for i in [0, 1, 2, 61, 999_999] {
        let whole = serde_saphyr::to_string(&header(i)).expect("header");
        assert_eq!(
            header_text(i, &templates),
            whole,
            "the template holds for {i}"
        );
    }
    let folders = count.div_ceil(1000);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let write_folders = || {
        let mut bytes = 0;
        loop {
            let f = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if f >= folders {
                return bytes;
            }
            let folder = dir.join(format!("{f:04}"));
            std::fs::create_dir_all(&folder).expect("folder");
            for i in f * 1000..((f + 1) * 1000).min(count) {
                let text = session_text(i, steps, &templates);
                bytes += text.len();
                std::fs::write(folder.join(format!("{i:07}.yaml")), text).expect("written");
            }
        }
    };
    std::thread::scope(|scope| {
        let other = scope.spawn(write_folders);
        write_folders() + other.join().expect("generated")
    })
}
