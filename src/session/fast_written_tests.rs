//! Every kind of session mvx writes, written by `SessionWriter` from the real `Header` and
//! `Event` values each command fills, is read by the fast path alone (`fast_path`), and
//! reads as serde-saphyr and serde read it.

use std::path::Path;

use super::reader::slow_header;
use super::*;
use crate::flow::study::Design;

/// A browser's user agent as browsers send it: longer than 80 characters, so
/// serde-saphyr folds it over lines (`>-`).
const USER_AGENT: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 \
     (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";

/// When every session here starts: the commands read the clock, tests give it.
fn wall() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-26T14:02:11.123Z")
        .expect("a time")
        .with_timezone(&chrono::Utc)
}

fn flow_ref() -> FlowRef {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("flows/espresso-one-menu.yaml");
    let source = std::fs::read_to_string(&path).expect("the example flow");
    let flow = crate::flow::load(&source).expect("the example flow loads");
    FlowRef::of(&flow, "flows/espresso-one-menu.yaml", &"ab12".repeat(16))
}

/// What `mvx play` records about the terminal it runs in (`tui::terminal`).
fn local_terminal(ssh: bool) -> TerminalInfo {
    TerminalInfo {
        cols: 120,
        rows: 40,
        term: Some("xterm-256color".into()),
        program: Some("WezTerm".into()),
        tmux: !ssh,
        ssh,
    }
}

fn study(design: Design, variant: &str, order: &[&str], slot: u32) -> StudyRef {
    StudyRef {
        id: "espresso-dec".into(),
        path: "studies/espresso.yaml".into(),
        sha256: "cd34".repeat(16),
        design,
        variant: variant.into(),
        order: order.iter().map(|s| (*s).to_owned()).collect(),
        slot,
        seed: 9_876_543_210,
        anticipation_ms: (design == Design::Within).then_some(150),
        visit: (slot == 2).then_some(crate::session::Visit {
            trial: 2,
            trials: 3,
            retention: false,
            since_first_ms: Some(86_400_000),
            since_previous_ms: Some(86_400_000),
            early: false,
            next_from: None,
            next_after_start_ms: None,
        }),
    }
}

fn played(participant: &str, terminal: TerminalInfo) -> Header {
    let started = Started::played(&wall().with_timezone(&chrono::Local));
    let mut header = Header::new(started, flow_ref(), participant.into(), terminal);
    header.researcher = Some("ana".into());
    header
}

/// A served participant's header, with `terminal` and `transport`.
fn served_with(participant: &str, terminal: TerminalInfo, transport: TransportInfo) -> Header {
    let started = Started::played(&wall().with_timezone(&chrono::Local));
    let mut header = Header::new(started, flow_ref(), participant.into(), terminal);
    header.transport = Some(transport);
    header
}

/// As `mvx serve` fills it (`serve::record`): the browser's terminal and transport.
fn served(participant: &str) -> Header {
    let terminal = TerminalInfo {
        term: Some("xterm.js".into()),
        ..TerminalInfo::sized(100, 30)
    };
    let transport = TransportInfo {
        kind: "web".into(),
        user_agent: USER_AGENT.into(),
        client: None,
        rtt_ms: RoundTrips {
            median: 23.5,
            p90: 41.0,
        },
        clock_offset_ms: -1.75,
    };
    served_with(participant, terminal, transport)
}

/// As `mvx ssh` fills it (`serve::record`): the client's terminal and its SSH.
fn over_ssh(participant: &str) -> Header {
    let terminal = TerminalInfo {
        term: Some("xterm-256color".into()),
        ssh: true,
        ..TerminalInfo::sized(80, 24)
    };
    let transport = TransportInfo {
        kind: "ssh".into(),
        user_agent: String::new(),
        client: Some("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u6".into()),
        rtt_ms: RoundTrips {
            median: 0.79,
            p90: 1.5,
        },
        clock_offset_ms: 0.0,
    };
    served_with(participant, terminal, transport)
}

/// As `mvx simulate --sessions` fills it (`simulate::study`).
fn simulated(participant: &str) -> Header {
    let started = Started::simulated(format!("sim-7-{participant}"), &wall());
    let mut header = Header::new(
        started,
        flow_ref(),
        participant.into(),
        TerminalInfo::sized(80, 24),
    );
    header.simulated = true;
    header
}

fn at(at_ms: u64, kind: EventKind) -> Event {
    Event { at_ms, kind }
}

fn timing(hesitation_ms: u64, decision_ms: u64) -> Timing {
    Timing {
        hesitation_ms,
        decision_ms,
        input: Default::default(),
    }
}

fn consent(answer: ConsentAnswer) -> Event {
    let sha256 = "ef56".repeat(16);
    at(2400, EventKind::Consent { answer, sha256 })
}

/// A task played through, with every kind of step, answer and variable.
fn task(task: &str) -> Vec<Event> {
    use crate::flow::expr::Value;
    let set = |name: &str, value: Value| EventKind::Set {
        name: name.into(),
        value,
    };
    vec![
        at(0, EventKind::TaskStart { task: task.into() }),
        at(
            12,
            EventKind::Show {
                step: "home".into(),
            },
        ),
        at(1300, set("milk", Value::Bool(true))),
        at(1300, set("cups", Value::Number(2.0))),
        at(1300, set("ratio", Value::Number(2.5))),
        at(1300, set("size", Value::Text("small".into()))),
        at(
            1300,
            EventKind::Choose {
                step: "home".into(),
                choice: "Espresso".into(),
                to: "size".into(),
                timing: timing(900, 1288),
            },
        ),
        at(
            2000,
            EventKind::Back {
                step: "size".into(),
                to: "home".into(),
                timing: timing(500, 690),
            },
        ),
        at(
            2500,
            EventKind::Input {
                step: "name".into(),
                name: "name".into(),
                text: "Ana".into(),
                to: "info".into(),
                timing: timing(300, 480),
            },
        ),
        at(
            2900,
            EventKind::Continue {
                step: "info".into(),
                to: "done".into(),
                timing: timing(200, 390),
            },
        ),
        at(
            2950,
            EventKind::Note {
                text: "paused to think".into(),
            },
        ),
        at(3000, EventKind::Pause { reason: None }),
        at(
            4000,
            EventKind::Pause {
                reason: Some("suspend".into()),
            },
        ),
        at(5000, EventKind::Resume { paused_ms: 1000 }),
        at(
            5001,
            EventKind::EarlyKey {
                step: Some("done".into()),
                question: None,
                task: None,
                screen: None,
                key: "Enter".into(),
                early_ms: 4,
            },
        ),
        at(
            5002,
            EventKind::EarlyKey {
                step: None,
                question: None,
                task: None,
                screen: Some("interlude".into()),
                key: "character".into(),
                early_ms: 1,
            },
        ),
        at(
            5100,
            EventKind::End {
                step: "done".into(),
                outcome: "ordered".into(),
            },
        ),
        at(
            5100,
            EventKind::GiveUp {
                step: "done".into(),
            },
        ),
        at(
            5100,
            EventKind::Timeout {
                step: "done".into(),
            },
        ),
        at(
            5100,
            EventKind::TaskEnd {
                task: task.into(),
                outcome: TaskOutcome::Success,
                duration_ms: 5100,
            },
        ),
    ]
}

/// The questions after the tasks, and the end.
fn closing(end: SessionOutcome) -> Vec<Event> {
    vec![
        at(
            6000,
            EventKind::Ask {
                question: "would-use".into(),
            },
        ),
        at(
            6800,
            EventKind::Answer {
                question: "would-use".into(),
                value: AnswerValue::Text("Maybe".into()),
                free_text: false,
                timing: timing(500, 790),
            },
        ),
        at(
            7900,
            EventKind::Answer {
                question: "why".into(),
                value: AnswerValue::Text("quick, but the menu was long".into()),
                free_text: true,
                timing: timing(900, 1090),
            },
        ),
        at(
            8400,
            EventKind::Answer {
                question: "seq".into(),
                value: AnswerValue::Number(6),
                free_text: false,
                timing: timing(300, 480),
            },
        ),
        at(
            8450,
            EventKind::Answer {
                question: "warmth".into(),
                value: AnswerValue::Number(-3),
                free_text: false,
                timing: timing(200, 380),
            },
        ),
        at(8500, EventKind::SessionEnd { outcome: end }),
    ]
}

/// Each task outcome, one to an event.
fn outcomes() -> Vec<Event> {
    let outcomes = [
        TaskOutcome::Failure,
        TaskOutcome::Abandoned,
        TaskOutcome::Timeout,
        TaskOutcome::Aborted,
    ];
    outcomes
        .into_iter()
        .map(|outcome| {
            let task = "again".into();
            at(
                9000,
                EventKind::TaskEnd {
                    task,
                    outcome,
                    duration_ms: 12,
                },
            )
        })
        .collect()
}

/// One session of each kind mvx writes: its name, header and events (with the events
/// the writer marks `restamped`, by index).
fn kinds() -> Vec<(&'static str, Header, Vec<Event>, Vec<usize>)> {
    let mut kinds = Vec::new();
    let whole = |end| [task("order"), outcomes(), closing(end)].concat();
    kinds.push((
        "play",
        played("P01", local_terminal(false)),
        whole(SessionOutcome::Complete),
        vec![],
    ));
    kinds.push((
        "ssh",
        played("P02", local_terminal(true)),
        whole(SessionOutcome::Complete),
        vec![],
    ));
    let mut ssh = over_ssh("S01");
    ssh.study = Some(study(Design::Between, "three-menus", &["order"], 2));
    let mut events = vec![consent(ConsentAnswer::Given)];
    events.extend(whole(SessionOutcome::Complete));
    kinds.push(("mvx ssh", ssh, events, vec![]));
    let mut serve = served("W01");
    serve.study = Some(study(Design::Between, "one-menu", &["order", "again"], 1));
    let mut events = vec![consent(ConsentAnswer::Given)];
    events.extend(whole(SessionOutcome::Complete));
    events.insert(3, at(1400, EventKind::Disconnect));
    events.insert(4, at(1900, EventKind::Resume { paused_ms: 500 }));
    kinds.push(("serve, between", serve, events, vec![2, 3, 8, 9]));
    let mut within = served("W02");
    within.study = Some(study(
        Design::Within,
        "three-menus",
        &["three-menus", "one-menu"],
        2,
    ));
    kinds.push((
        "serve, within",
        within,
        whole(SessionOutcome::Complete),
        vec![1, 6],
    ));
    // Tapped on a phone, clicked with a mouse: the timed events say how.
    let mut tapped = served("W04");
    tapped.study = Some(study(Design::Between, "one-menu", &["order"], 7));
    let mut events = whole(SessionOutcome::Complete);
    for (i, event) in events.iter_mut().enumerate() {
        if let EventKind::Choose { timing, .. } | EventKind::Answer { timing, .. } = &mut event.kind
        {
            timing.input = [crate::keys::Via::Touch, crate::keys::Via::Pointer][i % 2];
        }
    }
    kinds.push(("serve, tapped and clicked", tapped, events, vec![2]));
    let mut declined = served("W03");
    declined.study = Some(study(Design::Between, "one-menu", &["order"], 3));
    kinds.push((
        "serve, declined",
        declined,
        vec![consent(ConsentAnswer::Declined)],
        vec![],
    ));
    let mut aborted = played("P03", local_terminal(false));
    aborted.study = Some(study(
        Design::Within,
        "one-menu",
        &["one-menu", "three-menus"],
        4,
    ));
    let mut events = task("order")[..3].to_vec();
    events.push(at(
        1400,
        EventKind::Abort {
            reason: "researcher".into(),
        },
    ));
    events.push(at(
        1400,
        EventKind::SessionEnd {
            outcome: SessionOutcome::Aborted,
        },
    ));
    kinds.push(("play, technical abort", aborted, events, vec![]));
    let mut sim = simulated("S01");
    sim.study = Some(study(Design::Between, "one-menu", &["order"], 5));
    kinds.push(("simulate", sim, whole(SessionOutcome::Complete), vec![]));
    let mut sim = simulated("S02");
    sim.study = Some(study(
        Design::Within,
        "one-menu",
        &["one-menu", "three-menus"],
        6,
    ));
    kinds.push((
        "simulate, within",
        sim,
        whole(SessionOutcome::Complete),
        vec![],
    ));
    kinds
}

/// Writes the session as the commands do: the header, then each event as it happens.
fn write(dir: &Path, header: &Header, events: &[Event], restamped: &[usize]) -> String {
    let mut writer = SessionWriter::create(dir, header, wall()).expect("created");
    for (i, event) in events.iter().enumerate() {
        if restamped.contains(&i) {
            writer.flag_next("restamped");
        }
        writer.append(event).expect("appended");
    }
    std::fs::read_to_string(writer.path()).expect("read back")
}

/// The file's every line, as the general reader (serde-saphyr, serde) reads it.
fn general(text: &str) -> (Header, Vec<Event>) {
    let at = text.find("\nevents:\n").expect("an events line") + 1;
    let header = slow_header(&text[..at]).expect("serde-saphyr reads it");
    let events = text[at + "events:\n".len()..]
        .lines()
        .map(|line| {
            let json = line.strip_prefix("- ").expect("an event line");
            serde_json::from_str(json).expect("serde reads it")
        })
        .collect();
    (header, events)
}

/// A number for each kind of event: a kind added to `EventKind` fails to compile here
/// until it is counted, and then the test below fails until a session writes it.
fn kind_number(kind: &EventKind) -> usize {
    match kind {
        EventKind::TaskStart { .. } => 0,
        EventKind::Show { .. } => 1,
        EventKind::Ask { .. } => 2,
        EventKind::Choose { .. } => 3,
        EventKind::Continue { .. } => 4,
        EventKind::Input { .. } => 5,
        EventKind::Back { .. } => 6,
        EventKind::Answer { .. } => 7,
        EventKind::Note { .. } => 8,
        EventKind::Set { .. } => 9,
        EventKind::Pause { .. } => 10,
        EventKind::Disconnect => 11,
        EventKind::Resume { .. } => 12,
        EventKind::GiveUp { .. } => 13,
        EventKind::Timeout { .. } => 14,
        EventKind::End { .. } => 15,
        EventKind::TaskEnd { .. } => 16,
        EventKind::EarlyKey { .. } => 17,
        EventKind::Abort { .. } => 18,
        EventKind::SessionEnd { .. } => 19,
        EventKind::Consent { .. } => 20,
        EventKind::Resumed { .. } => 21,
    }
}
const KINDS: usize = 22;

fn accepted(name: &str, text: &str, header: &Header, events: &[Event]) {
    let Some((fast_header, fast_events)) = fast_path(text) else {
        panic!("the fast path stepped aside for the {name} session:\n{text}");
    };
    assert_eq!(&fast_header, header, "{name}");
    assert_eq!(fast_events, events, "{name}");
    assert_eq!((fast_header, fast_events), general(text), "{name}");
    // Every line by the hand scanner, not only by the fast event path's serde reading.
    for line in text.lines().filter_map(|l| l.strip_prefix("- ")) {
        assert!(super::fast_scan::scan(line).is_some(), "{name}: {line}");
    }
    let read = parse(text).expect("the reader reads it");
    assert_eq!(&read.header, header, "{name}");
    assert!(read.problems.is_empty(), "{name}: {:?}", read.problems);
}

#[test]
fn every_session_mvx_writes_is_read_by_the_fast_path_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut seen = [false; KINDS];
    let mut folded = 0;
    for (name, header, events, restamped) in kinds() {
        let text = write(dir.path(), &header, &events, &restamped);
        if name.contains("tapped") {
            assert!(text.contains(",\"input\":\"touch\""), "{text}");
            assert!(text.contains(",\"input\":\"pointer\""), "{text}");
        } else {
            assert!(!text.contains("\"input\":"), "{name}: keys write no input");
        }
        folded += usize::from(text.contains("user_agent: >-\n"));
        assert_eq!(
            text.matches("\"restamped\":true").count(),
            restamped.len(),
            "{name}"
        );
        accepted(name, &text, &header, &events);
        events
            .iter()
            .for_each(|e| seen[kind_number(&e.kind)] = true);
    }
    assert_eq!(folded, 4, "served sessions fold their user agent");
    // A session carried on by `mvx play --resume`: reopened, `resumed`, then on.
    let header = played("P04", local_terminal(false));
    let before = task("order");
    let text = write(dir.path(), &header, &before[..4], &[]);
    let path = std::fs::read_dir(dir.path())
        .expect("listed")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| std::fs::read_to_string(p).is_ok_and(|t| t == text))
        .expect("the file just written");
    let mut writer = SessionWriter::reopen(&path).expect("reopened");
    let mut after = vec![at(
        1300,
        EventKind::Resumed {
            gap_ms: 60_000,
            after: CUT_OFF.into(),
            flow_sha256: Some("9a9a".repeat(16)),
        },
    )];
    after.extend(before[4..].iter().cloned());
    after.extend(closing(SessionOutcome::Complete));
    after
        .iter()
        .for_each(|e| writer.append(e).expect("appended"));
    let text = std::fs::read_to_string(&path).expect("read back");
    let events: Vec<Event> = before[..4].iter().chain(&after).cloned().collect();
    accepted("resumed", &text, &header, &events);
    events
        .iter()
        .for_each(|e| seen[kind_number(&e.kind)] = true);
    let missing: Vec<usize> = (0..KINDS).filter(|&k| !seen[k]).collect();
    assert!(
        missing.is_empty(),
        "kinds of event no session wrote: {missing:?}"
    );
}

/// Long texts in every field a person names (a title, a participant, a researcher, a
/// terminal program) are folded by serde-saphyr; the fast path reads them as it does.
#[test]
fn folded_texts_read_the_same_by_either_path() {
    let long =
        "A title long enough to be folded over more than one line when the header is written";
    let texts = [
        long.to_owned(),
        format!("{long}  with  double  spaces  where  the  line  may  break  across {long}"),
        format!("{long}{}", "x".repeat(200)),
        "y".repeat(200),
        format!("{long} and a trailing space "),
        format!("{long}: a colon and # a hash"),
        format!("{long} é café ünïcödé {long}"),
        format!("{long} - a dash and 'quotes' and \"double\" {long}"),
    ];
    for text in texts {
        let mut header = served("P01");
        header.flow.title = text.clone();
        header.participant = text.clone();
        header.researcher = Some(text.clone());
        header.terminal.program = Some(text.clone());
        let yaml = serde_saphyr::to_string(&header).expect("header as YAML");
        let fast = super::fast_header::header(&yaml);
        let slow = slow_header(&yaml).expect("serde-saphyr reads it");
        assert_eq!(slow, header, "round trip of {text:?}");
        // Where the fast path reads it, it agrees; it reads every one that was folded.
        if let Some(fast) = fast {
            assert_eq!(fast, slow, "{text:?}");
        } else {
            assert!(!yaml.contains(">-"), "a folded text stepped aside:\n{yaml}");
        }
    }
}
