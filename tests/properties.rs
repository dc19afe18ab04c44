//! Property-based tests on stable Rust (proptest): whatever bytes reach the flow loader,
//! the session reader or the importers, they answer with a value or a message, never a
//! panic; and a session keeps every good event whatever bad lines surround it.
//!
//! `cargo test` runs each property on proptest's default 256 cases; set
//! `PROPTEST_CASES` for a longer run (docs/reliability.md has the figures of one).

use mvx::flow::{self, graph};
use mvx::import;
use mvx::session::{self, Event, EventKind};
use proptest::prelude::*;

/// Pieces of YAML and of flows, so generated text reaches deep into the loader rather
/// than failing on its first byte.
fn flow_fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("flow: f\n".to_owned()),
        Just("title: T\n".to_owned()),
        Just("steps:\n".to_owned()),
        Just("  a:\n".to_owned()),
        Just("    choices:\n".to_owned()),
        Just("      - Go -> b\n".to_owned()),
        Just("    end: success\n".to_owned()),
        Just("    go: a\n".to_owned()),
        Just("tasks:\n  - id: t\n    start: a\n".to_owned()),
        Just("questions:\n  - id: q\n    ask: Why?\n    text: true\n".to_owned()),
        Just("&x [*x, *x]\n".to_owned()),
        Just("{ a: [ }\n".to_owned()),
        Just("\u{202E}\t\u{1b}[2J\n".to_owned()),
        "[ -~]{0,12}\n",
        any::<String>(),
    ]
}

fn flow_text() -> impl Strategy<Value = String> {
    prop::collection::vec(flow_fragment(), 0..24).prop_map(|parts| parts.concat())
}

fn exercise_flow(bytes: Vec<u8>) {
    let opened = flow::open::opened("f.yaml".into(), bytes);
    for finding in &opened.diagnostics {
        finding.render(&opened.path, &opened.source);
    }
    if let Some(flow) = &opened.flow {
        graph::render(flow, graph::Format::Mermaid);
        graph::render(flow, graph::Format::Dot);
    } else {
        assert!(!opened.diagnostics.is_empty(), "a flow that fails says why");
    }
}

const HEAD: &str = "schema: mvx-session/1\nsession: s-1\nflow:\n  id: shop\n  title: Shop\n  variant: null\n  path: flows/shop.yaml\n  sha256: abc\nparticipant: P07\nresearcher: null\nstarted_at: \"2026-11-26T14:02:11.123+01:00\"\nterminal: { cols: 80, rows: 24, term: xterm, program: null, tmux: false, ssh: false }\nmvx: \"0.1.0\"\nevents:\n";

fn good_event() -> impl Strategy<Value = Event> {
    (0u64..1_000_000, "[a-z]{1,8}", any::<String>()).prop_map(|(at_ms, step, text)| Event {
        at_ms,
        kind: if text.len() % 2 == 0 {
            EventKind::Show { step }
        } else {
            EventKind::Note { text }
        },
    })
}

/// A line that is not a good event: noise, or an event with a value gone wrong.
fn bad_line() -> impl Strategy<Value = String> {
    prop_oneof![
        "[^\n]{0,40}".prop_map(|s| format!("- x{s}")),
        "[^\n]{0,40}".prop_map(|s| format!("x{s}")),
        Just(r#"- {"at_ms":-1,"kind":"show","step":"a"}"#.to_owned()),
        Just(r#"- {"at_ms":1,"at_ms":2,"kind":"show","step":"a"}"#.to_owned()),
        Just(r#"- {"at_ms":99999999999999,"kind":"show","step":"a"}"#.to_owned()),
    ]
}

proptest! {
    #[test]
    fn the_flow_loader_never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        exercise_flow(bytes);
    }

    #[test]
    fn the_flow_loader_never_panics_on_flow_like_text(text in flow_text()) {
        exercise_flow(text.into_bytes());
    }

    #[test]
    fn the_session_reader_never_panics(text in any::<String>(), after_head in any::<bool>()) {
        let text = if after_head { format!("{HEAD}{text}") } else { text };
        let _ = session::parse(&text);
    }

    #[test]
    fn a_session_keeps_every_good_event_and_names_every_bad_line(
        lines in prop::collection::vec(
            prop_oneof![good_event().prop_map(Ok), bad_line().prop_map(Err)],
            0..40,
        )
    ) {
        let mut text = HEAD.to_owned();
        for line in &lines {
            match line {
                Ok(event) => {
                    let json = serde_json::to_string(event).expect("an event serializes");
                    text.push_str(&format!("- {json}\n"));
                }
                Err(bad) => text.push_str(&format!("{bad}\n")),
            }
        }
        let read = session::parse(&text).expect("a good header reads");
        let good: Vec<&Event> = lines.iter().filter_map(|l| l.as_ref().ok()).collect();
        prop_assert_eq!(read.events.iter().collect::<Vec<_>>(), good);
        prop_assert_eq!(read.problems.len(), lines.len() - read.events.len());
    }

    #[test]
    fn the_twine_importer_never_panics(text in any::<String>(), links in "(:: [a-z]{1,5}\n\\[\\[[a-z|>-]{0,8}\\]\\]\n){0,6}") {
        let _ = import::twine::import(&format!("{links}{text}"), "story").to_yaml("story.twee");
    }

    #[test]
    fn the_ink_importer_never_panics(text in any::<String>(), knots in "(=== [a-z]{1,5} ===\n\\* \\[[a-z]{0,5}\\] -> [a-z]{0,5}\n){0,6}") {
        let _ = import::ink::import(&format!("{knots}{text}"), "story").to_yaml("story.ink");
    }
}
