//! The participant routine over a scripted transport and a place that keeps every file
//! in memory: consent recorded first, a declined consent, sessions in order, a flow.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use chrono::{DateTime, Local, TimeZone};

use super::super::returns::rfc3339;
use super::{Failed, Participant, Place, Plan, Planned, farewell};
use crate::flow::study::Design;
use crate::keys::{Key, Press};
use crate::runner::session::{PlaySession, Recorder, Unrecorded};
use crate::runner::{Drawn, Incoming, Transport};
use crate::session::{
    ConsentAnswer, Event, EventKind, FlowRef, Header, SessionOutcome, StudyRef, TerminalInfo,
    TransportInfo,
};

/// One choice, then the end: `1`, Enter past the end, Enter to close.
const FLOW: &str = "flow: tea\ntitle: Tea\nsteps:\n  pot:\n    choices: [Green -> cup]\n  cup:\n    end: success\n";

/// `y` to the consent, then each session of `study_plan`: choose, continue past the end,
/// close.
const CONSENT_AND_BOTH: [(u64, char); 7] = [
    (500, 'y'),
    (1_000, '1'),
    (1_500, '\n'),
    (2_000, '\n'),
    (3_000, '1'),
    (3_500, '\n'),
    (4_000, '\n'),
];

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Keys at scripted times; every frame is shown 10 ms after the last input.
struct Keys {
    inputs: VecDeque<Incoming>,
    now: Duration,
}

impl Keys {
    fn at(keys: &[(u64, char)]) -> Keys {
        let press = |c: char| match c {
            '\n' => Press::plain(Key::Enter),
            c => Press::char(c),
        };
        Keys {
            inputs: (keys.iter())
                .map(|&(at, c)| Incoming::Key {
                    at: ms(at),
                    press: press(c),
                })
                .collect(),
            now: Duration::ZERO,
        }
    }
}

impl<S> Transport<S> for Keys {
    async fn draw(&mut self, _screen: &S) -> Result<Drawn, String> {
        self.now += ms(10);
        Ok(Drawn {
            at: self.now,
            cols: 80,
            rows: 24,
        })
    }

    async fn next(&mut self, _wait: Duration) -> Incoming {
        let incoming = (self.inputs.pop_front()).unwrap_or(Incoming::Closed { at: self.now });
        if let Incoming::Key { at, .. } | Incoming::Closed { at } = incoming {
            self.now = self.now.max(at);
        }
        incoming
    }
}

/// Each file made: its header and its events.
type Files = Rc<RefCell<Vec<(Header, Vec<Event>)>>>;

struct Memory {
    files: Files,
}

struct File {
    files: Files,
    index: usize,
}

impl Recorder for File {
    fn record(&mut self, event: &Event) -> Result<(), Unrecorded> {
        self.files.borrow_mut()[self.index].1.push(event.clone());
        Ok(())
    }
}

impl Place<Keys> for Memory {
    type Recorder = File;

    fn now(&self, keys: &Keys) -> (Duration, DateTime<Local>) {
        let wall = Local.timestamp_millis_opt(1_700_000_000_000).single();
        (keys.now, wall.unwrap_or_default())
    }

    fn seen(&self, _keys: &Keys) -> (TerminalInfo, Option<TransportInfo>) {
        let terminal = TerminalInfo {
            cols: 80,
            rows: 24,
            term: Some("test".into()),
            program: None,
            tmux: false,
            ssh: false,
        };
        (terminal, None)
    }

    fn create(&mut self, header: Header) -> Result<(File, PathBuf), String> {
        let mut files = self.files.borrow_mut();
        files.push((header, Vec::new()));
        let index = files.len() - 1;
        let file = File {
            files: Rc::clone(&self.files),
            index,
        };
        Ok((file, PathBuf::from(format!("file-{index}"))))
    }

    fn prepare<'f>(&self, session: &mut PlaySession<'f, File>, path: &Path) {
        session.saved_to = path.display().to_string();
    }
}

fn flow() -> crate::flow::Flow {
    crate::flow::load(FLOW).expect("the test flow loads")
}

/// A within study of two variants, with a consent text.
fn study_plan() -> Plan {
    let planned = |variant: &str| Planned {
        flow: flow(),
        flow_ref: FlowRef::of(&flow(), &format!("{variant}.yaml"), "abc"),
        study: Some(StudyRef {
            id: "s".into(),
            path: "s.yaml".into(),
            sha256: "def".into(),
            design: Design::Within,
            variant: variant.into(),
            order: vec!["a".into(), "b".into()],
            slot: 1,
            seed: 7,
            anticipation_ms: None,
            visit: None,
        }),
    };
    Plan {
        consent: Some(("Before we start".into(), "We test a design.".into())),
        sessions: vec![planned("a"), planned("b")],
    }
}

fn run(plan: &Plan, keys: &[(u64, char)]) -> (Result<super::Part, Failed>, Files) {
    let files = Files::default();
    let mut place = Memory {
        files: Rc::clone(&files),
    };
    let participant = Participant {
        id: "P1".into(),
        researcher: Some("R".into()),
        plan,
    };
    let result = crate::runner::block_on(participant.run(&mut place, &mut Keys::at(keys)));
    (result, files)
}

fn kinds(events: &[Event]) -> Vec<String> {
    let kind = |e: &Event| serde_json::to_value(&e.kind).map(|v| v["kind"].to_string());
    events.iter().filter_map(|e| kind(e).ok()).collect()
}

#[test]
fn consent_comes_first_then_each_session_in_order_with_its_header() {
    let (result, files) = run(&study_plan(), &CONSENT_AND_BOTH);
    let part = result.expect("the part runs");
    assert_eq!(part.sessions.len(), 2, "{part:?}");
    assert!(
        (part.sessions.iter()).all(|s| s.outcome == SessionOutcome::Complete),
        "{part:?}"
    );
    let files = files.borrow();
    let variants: Vec<_> = (files.iter())
        .map(|(h, _)| h.study.as_ref().map(|s| s.variant.clone()))
        .collect();
    assert_eq!(variants, [Some("a".to_owned()), Some("b".to_owned())]);
    let (first, second) = (&files[0], &files[1]);
    assert_eq!(first.0.participant, "P1");
    assert_eq!(first.0.researcher.as_deref(), Some("R"));
    assert_eq!(first.0.terminal.term.as_deref(), Some("test"));
    assert!(matches!(
        first.1[0].kind,
        EventKind::Consent {
            answer: ConsentAnswer::Given,
            ..
        }
    ));
    assert_eq!(first.1[0].at_ms, 500);
    // The consent is in the first session's file alone; the second counts from its start.
    assert!(
        !kinds(&second.1).contains(&"\"consent\"".into()),
        "{:?}",
        second.1
    );
    assert!(second.1[0].at_ms < 100, "{:?}", second.1);
    assert_ne!(first.0.session, second.0.session);
}

#[test]
fn a_declined_consent_leaves_a_header_and_the_answer_only() {
    let (result, files) = run(&study_plan(), &[(700, 'n')]);
    let part = result.expect("the part runs");
    assert_eq!(part.declined, Some(PathBuf::from("file-0")));
    assert!(part.sessions.is_empty());
    let files = files.borrow();
    assert_eq!(files.len(), 1);
    assert_eq!(kinds(&files[0].1), ["\"consent\""]);
}

#[test]
fn a_consent_screen_closed_unanswered_records_nothing() {
    let (result, files) = run(&study_plan(), &[]);
    let part = result.expect("the part runs");
    assert_eq!(part.unanswered, Some("terminal closed"));
    assert!(files.borrow().is_empty());
}

#[test]
fn a_session_that_does_not_end_complete_is_the_last() {
    // The first session's terminal closes on its first step.
    let (result, files) = run(&study_plan(), &[(500, 'y')]);
    let part = result.expect("the part runs");
    assert_eq!(part.sessions.len(), 1);
    assert_eq!(part.sessions[0].outcome, SessionOutcome::Aborted);
    assert_eq!(files.borrow().len(), 1);
}

#[test]
fn a_flow_is_a_plan_of_one_session_without_consent() {
    let plan = Plan::flow(flow(), "tea.yaml", "abc");
    let (result, files) = run(&plan, &[(1_000, '1'), (1_500, '\n'), (2_000, '\n')]);
    let part = result.expect("the part runs");
    assert_eq!(part.sessions.len(), 1);
    assert_eq!(part.sessions[0].outcome, SessionOutcome::Complete);
    let files = files.borrow();
    let (header, events) = &files[0];
    assert_eq!(header.study, None);
    assert_eq!(header.flow.path, "tea.yaml");
    let home = EventKind::Show { step: "pot".into() };
    assert!(events.iter().any(|e| e.kind == home), "{events:?}");
}

fn visit(trial: u32) -> crate::session::Visit {
    crate::session::Visit {
        trial,
        trials: 3,
        retention: false,
        since_first_ms: (trial > 1).then_some(86_400_000),
        since_previous_ms: (trial > 1).then_some(86_400_000),
        early: false,
        next_from: Some("2026-12-14T09:00:00.000Z".into()),
        next_after_start_ms: None,
    }
}

#[test]
fn a_returning_participant_skips_the_consent_and_only_the_trial_s_last_session_invites() {
    let plan = study_plan().with_visit(Some(visit(2)));
    assert_eq!(plan.consent, None);
    // No consent screen: each session at once.
    let keys = [
        (1_000, '1'),
        (1_500, '\n'),
        (2_000, '\n'),
        (3_000, '1'),
        (3_500, '\n'),
        (4_000, '\n'),
    ];
    let (result, files) = run(&plan, &keys);
    assert_eq!(result.expect("the part runs").sessions.len(), 2);
    let files = files.borrow();
    let visits: Vec<_> = (files.iter())
        .map(|(h, _)| h.study.as_ref().and_then(|s| s.visit.clone()))
        .collect();
    let mut first = visit(2);
    first.next_from = None;
    assert_eq!(visits, [Some(first), Some(visit(2))]);
    assert!(!kinds(&files[0].1).contains(&"\"consent\"".into()));
    // The first trial keeps its consent; a study without returns is as it was.
    assert!(study_plan().with_visit(Some(visit(1))).consent.is_some());
    let plain = study_plan().with_visit(None);
    assert!((plain.sessions.iter()).all(|p| p.study.as_ref().is_some_and(|s| s.visit.is_none())));
}

#[test]
fn the_last_session_of_a_trial_says_when_the_next_opens() {
    let plan = study_plan().with_visit(Some(visit(1)));
    let last = plan.sessions.last().expect("a session");
    let words = farewell(last.study.as_ref()).expect("an invitation");
    assert!(
        words.starts_with("Please come back for session 2 of 3 from "),
        "{words}"
    );
    assert!(
        words.contains(" 2026 ") && words.contains("(UTC"),
        "{words}"
    );
    assert_eq!(farewell(plan.sessions[0].study.as_ref()), None);
}

/// A first visit planned a minute and a half before the participant's part started (the
/// plan is made before the terminal or the page opens): its invitation counts from the
/// start its first session records, as the next trial's `since_first_ms` will, and the
/// part hands the researcher the same invitation.
#[test]
fn a_first_visit_invites_from_its_recorded_start_not_from_its_plan() {
    const DAY: u64 = 86_400_000;
    let started_ms = 1_700_000_000_000_i64; // what `Memory` says the wall clock is
    let planned_ms = started_ms - 90_000;
    // A first trial's visit as planned (`after`: how long after its start the next
    // opens) or as recorded (none).
    let visit = |next_from: Option<String>, after: Option<u64>| crate::session::Visit {
        trial: 1,
        trials: 3,
        retention: false,
        since_first_ms: None,
        since_previous_ms: None,
        early: false,
        next_from,
        next_after_start_ms: after,
    };
    let first = visit(Some(rfc3339(planned_ms + DAY as i64)), Some(DAY));
    let (result, files) = run(&study_plan().with_visit(Some(first)), &CONSENT_AND_BOTH);
    let part = result.expect("the part runs");
    let invited = rfc3339(started_ms + DAY as i64);
    let files = files.borrow();
    let recorded: Vec<_> = (files.iter())
        .map(|(h, _)| h.study.as_ref().and_then(|s| s.visit.clone()))
        .collect();
    let as_recorded = visit(Some(invited), None);
    assert_eq!(
        recorded,
        [Some(visit(None, None)), Some(as_recorded.clone())]
    );
    let handed = part.invitation.and_then(|s| s.visit);
    assert_eq!(handed, Some(as_recorded));
}
