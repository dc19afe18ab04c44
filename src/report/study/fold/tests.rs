//! Folded study sessions count as held ones did.

use std::collections::BTreeSet;

use super::*;
use crate::session::{ConsentAnswer, SessionOutcome, TaskOutcome};
use crate::session::{Event, FlowRef, Header, Started, StudyRef, TerminalInfo, Timing};

/// What session `i` of the mix is: participant, variant, and how it went.
fn session(id: &str, design: Design, i: u64) -> Session {
    let variant = ["one-menu", "three-menus"][(i * 7 % 5 % 2) as usize];
    let participant = format!("P{}", i * 13 % 11);
    let started = Started {
        session: format!("s{i}"),
        at: "2026-11-26T14:02:11.123+01:00".into(),
    };
    let flow = FlowRef {
        id: "espresso".into(),
        title: "Espresso".into(),
        variant: Some(variant.into()),
        path: "flows/espresso.yaml".into(),
        sha256: "ab".repeat(32),
        expected: Default::default(),
        scales: Default::default(),
    };
    let mut header = Header::new(started, flow, participant, TerminalInfo::sized(80, 24));
    let order = match i % 2 {
        0 => vec!["one-menu".to_owned(), "three-menus".to_owned()],
        _ => vec!["three-menus".to_owned(), "one-menu".to_owned()],
    };
    header.study = Some(StudyRef {
        // One in nine of another study, which neither way counts.
        id: if i % 9 == 4 {
            "other".into()
        } else {
            id.into()
        },
        path: "studies/x.yaml".into(),
        sha256: "cd".repeat(32),
        design,
        variant: variant.into(),
        order,
        slot: 1,
        seed: 1,
        anticipation_ms: None,
        visit: None,
    });
    let at = |at_ms, kind| Event { at_ms, kind };
    let timing = Timing {
        hesitation_ms: 100,
        decision_ms: 200,
        input: Default::default(),
    };
    let answer = |question: &str, value| EventKind::Answer {
        question: question.into(),
        value,
        free_text: false,
        timing,
    };
    let task = || "t".to_owned();
    let events = match i % 6 {
        // A declined consent, and a technical abort: neither counts.
        0 => vec![at(
            0,
            EventKind::Consent {
                answer: ConsentAnswer::Declined,
                sha256: "ef".repeat(32),
            },
        )],
        1 => vec![
            at(0, EventKind::TaskStart { task: task() }),
            at(
                9,
                EventKind::Abort {
                    reason: "researcher".into(),
                },
            ),
            at(
                9,
                EventKind::SessionEnd {
                    outcome: SessionOutcome::Aborted,
                },
            ),
        ],
        kind => {
            let outcome = match kind {
                2 => TaskOutcome::Failure,
                _ => TaskOutcome::Success,
            };
            let duration_ms = 1000 + i * 37;
            let choice = ["Yes", "Maybe", "No", "The first"][(i % 4) as usize];
            vec![
                at(0, EventKind::TaskStart { task: task() }),
                at(
                    duration_ms,
                    EventKind::TaskEnd {
                        task: task(),
                        outcome,
                        duration_ms,
                    },
                ),
                at(
                    duration_ms,
                    answer("would-use", AnswerValue::Text(choice.into())),
                ),
                at(
                    duration_ms,
                    answer("preferred", AnswerValue::Text(choice.into())),
                ),
                at(
                    duration_ms,
                    answer("seq", AnswerValue::Number((i % 7) as i64 + 1)),
                ),
                at(
                    duration_ms,
                    EventKind::SessionEnd {
                        outcome: SessionOutcome::Complete,
                    },
                ),
            ]
        }
    };
    Session {
        path: None,
        header,
        events,
        cut: false,
        problems: Vec::new(),
    }
}

/// The sessions that count as they were chosen when every session was held: each
/// participant's first per variant (within) or at all (between), in file order.
fn counted<'s>(study: &Study, sessions: &'s [Session]) -> Vec<&'s Session> {
    let mut seen = BTreeSet::new();
    (sessions.iter())
        .filter(|s| {
            let Some(block) = s.header.study.as_ref().filter(|b| b.id == study.id) else {
                return false;
            };
            let variant = match study.design {
                Design::Within => block.variant.clone(),
                Design::Between => String::new(),
            };
            standing(s) == Standing::Counted && seen.insert((s.header.participant.clone(), variant))
        })
        .collect()
}

/// The fold gives the units and questions of the sessions that count, as holding
/// every session gave them, for both designs.
#[test]
fn folded_sessions_count_as_held_ones_did() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ["studies/espresso.yaml", "studies/espresso-within.yaml"] {
        let opened = crate::study::open(&root.join(file)).expect("the example study");
        let (study, _) = opened.playable().expect("playable");
        let sessions: Vec<Session> = (0..120)
            .map(|i| session(&study.id, study.design, i))
            .collect();
        let mut fold = StudyFold::default();
        (sessions.iter())
            .filter_map(Summary::of)
            .filter(|s| s.study == study.id)
            .for_each(|s| fold.add(s));
        let held: Vec<(String, String, bool, Option<f64>)> = counted(study, &sessions)
            .iter()
            .map(|s| {
                let block = s.header.study.as_ref().expect("a study block");
                let attempts = session::attempts(s);
                let done = attempts.iter().all(|a| a.ending.is_success());
                let ms = attempts.iter().map(|a| a.duration_ms).sum::<Option<u64>>();
                let time = ms.filter(|_| done).map(|ms| ms as f64 / 1000.0);
                (
                    s.header.participant.clone(),
                    block.variant.clone(),
                    done,
                    time,
                )
            })
            .collect();
        let folded = fold.listed(study.design);
        assert!(held.len() >= 10, "{file}: {} counted", held.len());
        assert_eq!(folded, held, "{file}");
        // Gathered by variant as they are listed.
        let units = fold.units(study.design);
        for variant in ["one-menu", "three-menus"] {
            let of = || held.iter().filter(|h| h.1 == variant);
            let group = units.of(variant);
            assert_eq!(group.participants, of().count(), "{file}: {variant}");
            assert_eq!(group.completed, of().filter(|h| h.2).count(), "{file}");
            assert_eq!(group.times.len(), of().filter(|h| h.3.is_some()).count());
        }
        // The questions: each answer of a counted session, by its variant.
        let questions = fold.questions(study);
        assert!(!questions.is_empty(), "{file}");
        for q in &questions {
            let mut tally: BTreeMap<(String, String), usize> = BTreeMap::new();
            for s in counted(study, &sessions) {
                let variant = s.header.study.as_ref().map_or("", |b| b.variant.as_str());
                for (question, text) in answers(s) {
                    if question == q.id {
                        *tally.entry((variant.to_owned(), text)).or_default() += 1;
                    }
                }
            }
            let expected: Vec<(String, String, usize)> =
                tally.into_iter().map(|((v, a), n)| (v, a, n)).collect();
            assert!(!expected.is_empty(), "{file}: {}", q.id);
            assert_eq!(q.answers, expected, "{file}: {}", q.id);
        }
    }
}

/// Past its budget the fold keeps who played what and the counted sessions' numbers in
/// temporary files; the study's section is the one it gives in memory.
#[test]
fn a_fold_past_its_budget_gives_the_section_it_gives_in_memory() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ["studies/espresso.yaml", "studies/espresso-within.yaml"] {
        let opened = crate::study::open(&root.join(file)).expect("the example study");
        let (study, variants) = opened.playable().expect("playable");
        let summaries = || {
            (0..300)
                .map(|i| session(&study.id, study.design, i))
                .filter_map(|s| Summary::of(&s))
                .filter(|s| s.study == study.id)
        };
        let section = |mut fold: StudyFold| {
            summaries().for_each(|s| fold.add(s));
            let status = crate::study::status::status(study, variants, &fold.progress, &[]);
            let report = super::super::build_from(study, status, &fold);
            let pairs_on_disk = fold.units(study.design).on_disk();
            let on_disk = fold.progress.on_disk() && fold.log.lock().expect("log").on_disk();
            let on_disk = on_disk && (study.design == Design::Between || pairs_on_disk);
            (serde_json::to_value(report).expect("json"), on_disk)
        };
        let (in_memory, spilled) = section(StudyFold::default());
        assert!(!spilled, "{file}");
        // Four records, 32 bytes of names, 100 bytes of numbers and three sessions kept
        // for the pairs in memory.
        let tiny = StudyFold::with_budget(Progress::with_budget(4, 32), 100);
        let (on_disk, spilled) = section(tiny.with_pairs_in_memory(3));
        assert!(
            spilled,
            "{file}: the budget forces the index, the log and the pairs to disk"
        );
        assert_eq!(on_disk, in_memory, "{file}");
        let counted = &in_memory["status"]["variants"][0]["counted"];
        assert!(
            counted.as_u64().is_some_and(|n| n >= 10),
            "{file}: {counted}"
        );
        assert!(
            in_memory["status"]["seen_twice"]
                .as_array()
                .is_some_and(|s| !s.is_empty())
        );
    }
}
