//! Study sessions for the scale benchmark, in the shape `mvx serve` and `mvx play` write
//! them for a study: the example studies (`studies/espresso.yaml`, between, and
//! `studies/espresso-within.yaml`, within) copied beside the sessions so the report can
//! open them; half the sessions between, half within (two per participant, in a
//! counterbalanced order); three in four served (a `transport:` block whose browser user
//! agent serde-saphyr folds over two lines, some events marked `restamped`), the rest
//! played in a terminal; a consent before each participant's first session; one in 37
//! cut off, one in 5 given up, the rest successes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use mvx::flow::study::Design;
use mvx::session::{
    AnswerValue, ConsentAnswer, Event, EventKind, FlowRef, Header, RoundTrips, SessionOutcome,
    Started, StudyRef, TaskOutcome, TerminalInfo, Timing, TransportInfo,
};

const USER_AGENT: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 \
     (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
const VARIANTS: [&str; 2] = ["one-menu", "three-menus"];
/// Placeholders of the header templates' own width, replaced per session.
const PARTICIPANT: &str = "W9999999";
const SESSION: &str = "20261126-140211-W9999999-x";
const STARTED: &str = "2026-11-26T14:00:00.123+01:00";
const SLOT: u32 = 9_999_999;

/// The example studies and flows, copied under `root` (`studies/`, `flows/`): the
/// sessions name the study files by their path there, with their SHA-256.
pub struct Studies {
    between: (String, String),
    within: (String, String),
}

impl Studies {
    pub fn copy(root: &Path) -> Studies {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        for folder in ["studies", "flows"] {
            std::fs::create_dir_all(root.join(folder)).expect("folder");
        }
        for flow in ["espresso-one-menu.yaml", "espresso-three-menus.yaml"] {
            let from = repo.join("flows").join(flow);
            std::fs::copy(from, root.join("flows").join(flow)).expect("flow copied");
        }
        let study = |name: &str| {
            let to: PathBuf = root.join("studies").join(name);
            let bytes = std::fs::read(repo.join("studies").join(name)).expect("study");
            std::fs::write(&to, &bytes).expect("study copied");
            let path = to.display().to_string();
            (path, mvx::flow::open::sha256_hex(&bytes))
        };
        Studies {
            between: study("espresso.yaml"),
            within: study("espresso-within.yaml"),
        }
    }
}

/// Who session `i` of `count` is: the design, the participant's number, the variant
/// played, their order, and whether it is their first session.
struct Part {
    design: Design,
    participant: usize,
    variant: usize,
    order: [usize; 2],
    first: bool,
    served: bool,
}

fn part(i: usize, count: usize) -> Part {
    let half = count / 2;
    let served = i % 4 != 3;
    if i < half {
        return Part {
            design: Design::Between,
            participant: i,
            variant: i % 2,
            order: [i % 2, i % 2],
            first: true,
            served,
        };
    }
    let (j, k) = ((i - half) / 2, (i - half) % 2);
    let order = if j % 2 == 0 { [0, 1] } else { [1, 0] };
    Part {
        design: Design::Within,
        participant: half + j,
        variant: order[k],
        order,
        first: k == 0,
        served,
    }
}

/// A header of the part's kind, with the placeholders in.
fn template(
    studies: &Studies,
    design: Design,
    variant: usize,
    order: [usize; 2],
    served: bool,
) -> Header {
    let name = VARIANTS[variant];
    let flow = FlowRef {
        id: "espresso".into(),
        title: "Make a single espresso with the app".into(),
        variant: Some(name.into()),
        path: format!("flows/espresso-{name}.yaml"),
        sha256: format!("{:064x}", 0xabc0 + variant),
        expected: Default::default(),
        scales: [("seq".to_owned(), [1, 7])].into(),
    };
    let started = Started {
        session: SESSION.into(),
        at: STARTED.into(),
    };
    let terminal = match served {
        true => TerminalInfo {
            cols: 100,
            rows: 30,
            term: Some("xterm.js".into()),
            program: None,
            tmux: false,
            ssh: false,
        },
        false => TerminalInfo {
            cols: 120,
            rows: 40,
            term: Some("xterm-256color".into()),
            program: None,
            tmux: false,
            ssh: false,
        },
    };
    let mut header = Header::new(started, flow, PARTICIPANT.into(), terminal);
    header.researcher = Some("ana".into());
    header.transport = served.then(|| TransportInfo {
        kind: "web".into(),
        user_agent: USER_AGENT.into(),
        client: None,
        rtt_ms: RoundTrips {
            median: 23.5,
            p90: 41.0,
        },
        clock_offset_ms: -1.75,
    });
    let ((path, sha256), order) = match design {
        Design::Between => (&studies.between, vec!["espresso".to_owned()]),
        Design::Within => (
            &studies.within,
            order.map(|v| VARIANTS[v].to_owned()).to_vec(),
        ),
    };
    header.study = Some(StudyRef {
        id: match design {
            Design::Between => "espresso-dec".into(),
            Design::Within => "espresso-within".into(),
        },
        path: path.clone(),
        sha256: sha256.clone(),
        design,
        variant: name.into(),
        order,
        slot: SLOT,
        seed: 424_242,
        anticipation_ms: None,
        visit: None,
    });
    header
}

/// Every kind of header a set holds, serialized once: (design, variant, order, served).
/// What a header's template is chosen by: design, variant, order, served.
type Kind = (Design, usize, [usize; 2], bool);

pub struct Templates(Vec<(Kind, String)>);

impl Templates {
    pub fn new(studies: &Studies) -> Templates {
        let mut all = Vec::new();
        for design in [Design::Between, Design::Within] {
            for variant in 0..2 {
                for order in [[0, 1], [1, 0], [variant, variant]] {
                    for served in [true, false] {
                        let h = template(studies, design, variant, order, served);
                        let yaml = serde_saphyr::to_string(&h).expect("header");
                        all.push(((design, variant, order, served), yaml));
                    }
                }
            }
        }
        Templates(all)
    }

    fn of(&self, p: &Part) -> &str {
        let key = (p.design, p.variant, p.order, p.served);
        let (_, text) = (self.0.iter())
            .find(|(k, _)| *k == key)
            .expect("a template");
        text
    }
}

fn participant(p: &Part) -> String {
    format!("W{:07}", p.participant)
}

fn started_at(i: usize) -> String {
    format!(
        "2026-11-26T{:02}:{:02}:{:02}.123+01:00",
        10 + i / 3600 % 12,
        i / 60 % 60,
        i % 60
    )
}

/// The header of session `i`, from its template.
fn header_text(i: usize, count: usize, templates: &Templates) -> String {
    let p = part(i, count);
    templates
        .of(&p)
        .replace(
            SESSION,
            &format!("20261126-140211-W{i:07}-{}", VARIANTS[p.variant]),
        )
        .replace(PARTICIPANT, &participant(&p))
        .replace(STARTED, &started_at(i))
        .replace(
            &format!("slot: {SLOT}\n"),
            &format!("slot: {}\n", p.participant + 1),
        )
}

/// The same header made whole, to check the template against.
fn header(i: usize, count: usize, studies: &Studies) -> Header {
    let p = part(i, count);
    let mut h = template(studies, p.design, p.variant, p.order, p.served);
    h.session = format!("20261126-140211-W{i:07}-{}", VARIANTS[p.variant]);
    h.participant = participant(&p);
    h.started_at = started_at(i);
    if let Some(block) = h.study.as_mut() {
        block.slot = p.participant as u32 + 1;
    }
    h
}

/// Session `i` of `count`: a consent before the participant's first, a task of `steps`
/// choices (served: every third restamped), the study's question and SEQ, the end.
pub fn session_text(i: usize, count: usize, steps: usize, templates: &Templates) -> String {
    let p = part(i, count);
    let mut out = header_text(i, count, templates) + "events:\n";
    let mut push = |at: u64, kind: EventKind, restamped: bool| {
        let event = Event { at_ms: at, kind };
        let line = match restamped {
            false => serde_json::to_string(&event).expect("event"),
            true => {
                let mut value = serde_json::to_value(&event).expect("event");
                if let Some(fields) = value.as_object_mut() {
                    fields.insert("restamped".into(), true.into());
                }
                value.to_string()
            }
        };
        let _ = writeln!(out, "- {line}");
    };
    if p.first {
        let sha256 = format!("{:064x}", 0xc0de);
        let answer = ConsentAnswer::Given;
        push(2400, EventKind::Consent { answer, sha256 }, false);
    }
    let mut at = 3000u64;
    let task = "espresso".to_owned();
    push(at, EventKind::TaskStart { task: task.clone() }, false);
    for step in 0..steps {
        let hesitation = 400 + ((i * 7919 + step * 104_729) % 5_000) as u64;
        let restamped = p.served && step % 3 == 1;
        let step_name = format!("step-{step}");
        push(
            at,
            EventKind::Show {
                step: step_name.clone(),
            },
            restamped,
        );
        at += hesitation + 300;
        let timing = Timing {
            hesitation_ms: hesitation,
            decision_ms: hesitation + 300,
            input: Default::default(),
        };
        let choose = EventKind::Choose {
            step: step_name,
            choice: format!("Choice {}", (i + step) % 3),
            to: format!("step-{}", step + 1),
            timing,
        };
        push(at, choose, restamped);
    }
    if i.is_multiple_of(37) {
        return out;
    }
    let outcome = match i.is_multiple_of(5) {
        true => TaskOutcome::Abandoned,
        false => TaskOutcome::Success,
    };
    let duration_ms = at - 3000;
    push(
        at,
        EventKind::TaskEnd {
            task,
            outcome,
            duration_ms,
        },
        false,
    );
    let timing = Timing {
        hesitation_ms: 800,
        decision_ms: 1200,
        input: Default::default(),
    };
    let (question, options) = match p.design {
        Design::Between => ("would-use", ["Yes", "Maybe", "No"]),
        Design::Within => ("preferred", ["The first", "The second", "No preference"]),
    };
    let answers = [
        (question, AnswerValue::Text(options[i % 3].into())),
        ("seq", AnswerValue::Number((i % 7 + 1) as i64)),
    ];
    for (question, value) in answers {
        at += 1300;
        push(
            at,
            EventKind::Ask {
                question: question.into(),
            },
            false,
        );
        let free_text = false;
        let question = question.into();
        push(
            at,
            EventKind::Answer {
                question,
                value,
                free_text,
                timing,
            },
            p.served,
        );
    }
    let outcome = SessionOutcome::Complete;
    push(at, EventKind::SessionEnd { outcome }, false);
    out
}

/// Writes `count` study sessions of `steps` steps under `root/sessions`, 1,000 to a
/// folder, on both cores, and the studies they name under `root`; returns the folder of
/// sessions and the bytes written.
pub fn generate(root: &Path, count: usize, steps: usize) -> (PathBuf, usize) {
    let studies = Studies::copy(root);
    let templates = Templates::new(&studies);
    let half = count / 2;
    for i in [0, 1, 2, 3, half, half + 1, half + 2, half + 3, count - 1] {
        let whole = serde_saphyr::to_string(&header(i, count, &studies)).expect("header");
        assert_eq!(
            header_text(i, count, &templates),
            whole,
            "the template holds for {i}"
        );
        let text = session_text(i, count, steps, &templates);
        assert!(
            mvx::session::fast_path(&text).is_some(),
            "fast path for {i}"
        );
    }
    let dir = root.join("sessions");
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
                let text = session_text(i, count, steps, &templates);
                bytes += text.len();
                std::fs::write(folder.join(format!("{i:07}.yaml")), text).expect("written");
            }
        }
    };
    let bytes = std::thread::scope(|scope| {
        let other = scope.spawn(write_folders);
        write_folders() + other.join().expect("generated")
    });
    (dir, bytes)
}
