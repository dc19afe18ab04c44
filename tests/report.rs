//! Reports over sessions recorded by driving the player: two variants of eight people.

use std::path::Path;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use mvx::flow;
use mvx::player::Player;
use mvx::player::input::{Action, Input, Key};
use mvx::report::comparison::{Measure, Said};
use mvx::report::{ReportBuilder, markdown};
use mvx::session::{
    self, EventKind, FlowRef, Header, SessionWriter, Started, StudyRef, TaskEnding, TerminalInfo,
};

/// Plays `keys` on an example flow as participant `who`, pausing `think_ms` before each
/// key, and writes the session into `dir`. `\n` is Enter, `\x1b` Esc; `!` stops the recording there,
/// as a crash would.
fn record(dir: &Path, flow_file: &str, who: &str, think_ms: u64, keys: &str) {
    let source = std::fs::read_to_string(format!("flows/{flow_file}.yaml")).expect("example flow");
    let flow = flow::load(&source).expect("example loads");
    let header = Header::new(
        Started {
            session: format!("{flow_file}-{who}"),
            at: "2026-11-26T10:00:00.000+01:00".into(),
        },
        FlowRef::of(
            &flow,
            &format!("flows/{flow_file}.yaml"),
            &format!("sha-of-{flow_file}"),
        ),
        who.into(),
        TerminalInfo::sized(80, 24),
    );
    let started = Utc
        .with_ymd_and_hms(2026, 11, 26, 9, 0, 0)
        .single()
        .expect("a time");
    let mut writer = SessionWriter::create(dir, &header, started).expect("session file");
    let mut player = Player::new(&flow);
    let mut now = 0;
    for key in keys.chars() {
        if key == '!' {
            break;
        }
        player.shown(Duration::from_millis(now));
        now += think_ms;
        let key = match key {
            '\n' => Key::Enter,
            '\x1b' => Key::Esc,
            c => Key::Char(c),
        };
        player.handle(Input {
            at: Duration::from_millis(now),
            action: Action::Key(key),
        });
        for event in player.take_events() {
            writer.append(&event).expect("appended");
        }
    }
}

/// Answers: solved (option), seq (digit), change (text).
const ANSWERS: &str = "\n16Nothing\n";

fn two_variants(dir: &Path) {
    for i in 0..8u64 {
        let who = format!("A{i}");
        // One menu: seven of eight brew their espresso; one picks the flat white.
        let keys = if i == 7 {
            format!("2{ANSWERS}")
        } else {
            format!("11{ANSWERS}")
        };
        record(dir, "espresso-one-menu", &who, 800 + i * 100, &keys);
        let who = format!("B{i}");
        // Three menus: three find it, three end on the wrong drink, one is cut off, one
        // goes back from the milk drinks and then finds it.
        let keys = match i {
            0..=2 => format!("1211{ANSWERS}"),
            3..=5 => format!("132{ANSWERS}"),
            6 => "12!".to_owned(),
            _ => format!("13\x1b211{ANSWERS}"),
        };
        record(dir, "espresso-three-menus", &who, 2_000 + i * 300, &keys);
    }
}

#[test]
fn a_two_variant_study_says_which_did_better_and_how_sure() {
    let dir = tempfile::tempdir().expect("temp dir");
    two_variants(dir.path());
    let (files, problems) = session::discover(&[dir.path().to_owned()]);
    assert!(problems.is_empty());
    assert_eq!(files.len(), 16);
    let mut builder = ReportBuilder::new(None);
    for file in &files {
        builder.add(&session::read(file).expect("recorded session loads"));
    }
    let report = builder.finish();
    let text = markdown::render(&report);
    insta::assert_snapshot!("two_variants_md", text);
    let flow = &report.flows[0];
    let one = flow
        .versions
        .iter()
        .find(|v| v.variant.as_deref() == Some("one-menu"))
        .expect("one-menu");
    let three = flow
        .versions
        .iter()
        .find(|v| v.variant.as_deref() == Some("three-menus"))
        .expect("three");
    assert_eq!((one.tasks[0].successes, one.tasks[0].attempts), (7, 8));
    assert_eq!((three.tasks[0].successes, three.tasks[0].attempts), (4, 8));
    assert_eq!(
        three.sessions.cut_off, 1,
        "the crashed session is counted as cut off"
    );
    assert_eq!(
        three.tasks[0].outcomes.get(&TaskEnding::CutOff),
        Some(&1),
        "and its attempt is not a success"
    );
    let comparison = &flow.comparisons[0];
    assert_eq!(
        comparison.baseline.variant, "one-menu",
        "first named variant by name"
    );
    let completion = &comparison.rows[0];
    assert_eq!(completion.measure, Measure::Completion);
    assert!(completion.test.is_some(), "{completion:?}");
    let time = comparison
        .rows
        .iter()
        .find(|r| r.measure == Measure::Time)
        .expect("times compared");
    assert!(
        matches!(&time.verdict, Said::Different { winner, .. } if winner == "one-menu"),
        "{time:?}"
    );
    assert!(
        time.verdict_text().starts_with("one-menu was faster"),
        "{time:?}"
    );
    assert!(time.test.is_some_and(|t| t.p_value < 0.05));
}

#[test]
fn the_html_report_is_one_self_contained_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    two_variants(dir.path());
    let (files, _) = session::discover(&[dir.path().to_owned()]);
    let mut builder = ReportBuilder::new(None);
    for file in &files {
        builder.add(&session::read(file).expect("recorded session loads"));
    }
    let page = mvx::report::html::render(&builder.finish());
    for forbidden in ["<script", "http://", "https://", "<link", "@import", "src="] {
        assert!(
            !page.contains(forbidden),
            "the page must not contain {forbidden}"
        );
    }
    assert!(page.contains("<style>") && page.matches("<svg").count() >= 6);
    assert_eq!(page.matches("<svg").count(), page.matches("</svg>").count());
    assert_eq!(
        page.matches("<table").count(),
        page.matches("</table>").count()
    );
    assert!(page.contains("no difference detected"));
    // Per question each answer's share with its interval, per task the first choices.
    assert!(
        page.contains("each answer&#39;s share, with its 95% interval"),
        "{page}"
    );
    assert!(
        page.contains(" of 8)</text>"),
        "answers counted of the eight"
    );
    assert!(page.contains("First choice on an expected path, with its 95% interval"));
    // scripts/report-screenshot.sh renders this page in headless Chromium.
    if let Some(path) = std::env::var_os("MVX_DEMO_REPORT") {
        std::fs::write(path, &page).expect("demo report written");
    }
}

/// The report of `dir` as `mvx report` reads it, holding at most `budget` participants
/// in memory, and how many files it read.
fn streamed(dir: &Path, counting: mvx::report::Counting, budget: usize) -> (String, usize) {
    let mut builder = ReportBuilder::counting(None, counting);
    builder.participants_in_memory = budget;
    let mut read = 0;
    mvx::report::read_sessions(&mut builder, &[dir.to_owned()], |_, _| (), |_| read += 1)
        .expect("read");
    (markdown::render(&builder.finish()), read)
}

/// The report of every session file under `dir`, counting each participant's first
/// session, as `mvx report` reads them (on every core, read again if a participant's
/// first session turns up late); the same sessions added from memory give the same, and
/// so does an index of one participant in memory, the rest going through sorted runs on
/// disk and a second reading (with and without `--all-attempts`).
fn report_of(dir: &Path) -> String {
    let (in_memory, read) = streamed(dir, Default::default(), mvx::report::PARTICIPANTS_IN_MEMORY);
    let (through_runs, _) = streamed(dir, Default::default(), 1);
    assert_eq!(through_runs, in_memory);
    let all = mvx::report::Counting {
        all_attempts: true,
        ..Default::default()
    };
    let (all_in_memory, _) = streamed(dir, all.clone(), mvx::report::PARTICIPANTS_IN_MEMORY);
    let (all_through_runs, _) = streamed(dir, all, 1);
    assert_eq!(all_through_runs, all_in_memory);
    assert!(
        all_in_memory.contains("P01 (2 sessions)"),
        "{all_in_memory}"
    );
    let streamed = in_memory;
    let (files, _) = session::discover(&[dir.to_owned()]);
    assert_eq!(read, files.len());
    let mut builder = ReportBuilder::new(None);
    for file in &files {
        builder.add(&session::read(file).expect("a session"));
    }
    let from_memory = markdown::render(&builder.finish());
    assert_eq!(streamed, from_memory);
    // The data problems name files, which differ between the two folders.
    streamed
        .split("## Data problems")
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn a_first_session_found_after_a_later_one_is_counted_the_same() {
    let fixtures = Path::new("tests/fixtures/sets/three");
    let (in_order, reversed) = (
        tempfile::tempdir().expect("dir"),
        tempfile::tempdir().expect("dir"),
    );
    let (files, _) = session::discover(&[fixtures.to_owned()]);
    let count = files.len();
    for (i, file) in files.iter().enumerate() {
        std::fs::copy(file, in_order.path().join(format!("{i:03}.yaml"))).expect("copied");
        // Read in the opposite order: P01's second session comes before their first.
        std::fs::copy(file, reversed.path().join(format!("{:03}.yaml", count - i)))
            .expect("copied");
    }
    let report = report_of(in_order.path());
    assert!(
        report.contains("P01"),
        "the set has a repeated participant:\n{report}"
    );
    assert_eq!(report_of(reversed.path()), report);
}

/// A move faster than a person responds (under 100 ms) is an anticipation: counted
/// apart, out of the step's hesitation and decision figures.
#[test]
fn a_move_faster_than_a_person_responds_is_counted_apart_from_hesitations() {
    let dir = tempfile::tempdir().expect("temp dir");
    record(dir.path(), "espresso-one-menu", "P01", 40, "1!");
    record(dir.path(), "espresso-one-menu", "P02", 400, "1!");
    record(dir.path(), "espresso-one-menu", "P03", 600, "1!");
    let (files, _) = session::discover(&[dir.path().to_owned()]);
    let mut builder = ReportBuilder::new(None);
    for file in &files {
        builder.add(&session::read(file).expect("a session"));
    }
    let report = builder.finish();
    let home = report.flows[0].versions[0]
        .steps
        .iter()
        .find(|s| s.step == "home")
        .expect("home is reported");
    assert_eq!(home.anticipations, 1);
    assert_eq!(home.hesitations_s.len(), 2);
    assert_eq!(home.hesitation_median_s, Some(0.5));
    assert_eq!(home.visits, 3, "an anticipation is still a visit");
    let json = serde_json::to_value(home).expect("JSON");
    assert_eq!(json["anticipations"], 1);
    let text = markdown::render(&report);
    assert!(
        text.contains(
            "1 anticipation (moves under 100 ms) left out of the hesitation and decision \
             figures: `home` 1."
        ),
        "{text}"
    );
    let page = mvx::report::html::render(&report);
    assert!(
        page.contains("1 anticipation (moves under 100 ms) left out of the hesitation"),
        "{page}"
    );
    assert!(page.contains("<code>home</code> 1."), "{page}");
}

/// A study's own threshold (`anticipation_ms:`, recorded in each session's study block)
/// replaces the default for its sessions, and the report says which threshold it used.
#[test]
fn a_studys_own_anticipation_threshold_sets_moves_apart() {
    let dir = tempfile::tempdir().expect("temp dir");
    record(dir.path(), "espresso-one-menu", "P01", 40, "1!");
    record(dir.path(), "espresso-one-menu", "P02", 400, "1!");
    record(dir.path(), "espresso-one-menu", "P03", 600, "1!");
    let (files, _) = session::discover(&[dir.path().to_owned()]);
    let mut builder = ReportBuilder::new(None);
    for file in &files {
        let mut session = session::read(file).expect("a session");
        session.header.study = Some(StudyRef {
            id: "cafe".into(),
            path: "studies/cafe.yaml".into(),
            sha256: "0123".into(),
            design: mvx::flow::study::Design::Between,
            variant: "espresso-one-menu".into(),
            order: Vec::new(),
            slot: 1,
            seed: 7,
            anticipation_ms: Some(500),
            visit: None,
        });
        builder.add(&session);
    }
    let report = builder.finish();
    let home = report.flows[0].versions[0]
        .steps
        .iter()
        .find(|s| s.step == "home")
        .expect("home is reported");
    assert_eq!(home.anticipations, 2, "40 ms and 400 ms are under 500 ms");
    assert_eq!(home.hesitation_median_s, Some(0.6));
    let text = markdown::render(&report);
    assert!(
        text.contains("2 anticipations (moves under 500 ms) left out"),
        "{text}"
    );
}

/// The report opens with the customer's three numbers per variant: time to resolution
/// (the completed attempts' geometric mean time, its interval), satisfaction (CSAT's
/// top-two share, counted here from the answers themselves, with the adjusted-Wald
/// interval of Sauro & Lewis, *Quantifying the User Experience*, 2nd ed., p. 89) and
/// repeat usage, said to be unmeasured; then the decision.
#[test]
fn the_report_opens_with_time_to_resolution_satisfaction_and_repeat_usage() {
    let fixtures = Path::new("tests/fixtures/sets/three");
    let (files, _) = session::discover(&[fixtures.to_owned()]);
    let mut builder = ReportBuilder::new(None);
    for file in &files {
        builder.add(&session::read(file).expect("a session"));
    }
    let report = builder.finish();
    let text = markdown::render(&report);
    let numbers = text
        .find("## What matters to customers")
        .expect("the numbers");
    let decision = text.find("## Decision summary").expect("the decision");
    assert!(numbers < decision, "{text}");
    // Counted: each participant's first session of the flow (P01 came twice).
    let mut first: std::collections::BTreeMap<String, (String, String, Vec<i64>)> =
        Default::default();
    for file in &files {
        let s = session::read(file).expect("a session");
        let variant = s.header.flow.variant.clone().unwrap_or_default();
        let csat: Vec<i64> = (s.events.iter())
            .filter_map(|e| match &e.kind {
                EventKind::Answer {
                    question,
                    value: session::AnswerValue::Number(n),
                    ..
                } if question == "csat" => Some(*n),
                _ => None,
            })
            .collect();
        let started = s.header.started_at.clone();
        let entry = (first.entry(s.header.participant.clone())).or_insert((
            started.clone(),
            variant.clone(),
            csat.clone(),
        ));
        if started < entry.0 {
            *entry = (started, variant, csat);
        }
    }
    for version in &report.flows[0].versions {
        let variant = version.variant.clone().unwrap_or_default();
        let answers: Vec<i64> = (first.values())
            .filter(|(_, v, _)| *v == variant)
            .flat_map(|(_, _, csat)| csat.iter().copied())
            .collect();
        let (x, n) = (
            answers.iter().filter(|&&a| a >= 4).count() as f64,
            answers.len() as f64,
        );
        let z2 = 1.959_963_984_540_054_f64.powi(2);
        let p = (x + z2 / 2.0) / (n + z2);
        let h = 1.959_963_984_540_054 * (p * (1.0 - p) / (n + z2)).sqrt();
        let satisfaction = format!(
            "{x}/{n} satisfied ({:.0}%, {:.0}–{:.0}%)",
            100.0 * x / n,
            100.0 * (p - h).max(0.0),
            100.0 * (p + h).min(1.0)
        );
        let task = &version.tasks[0];
        let logs: Vec<f64> = task.success_times_s.values().map(f64::ln).collect();
        let geomean = (logs.iter().sum::<f64>() / logs.len() as f64).exp();
        let time = format!("{geomean:.1} s (");
        let row = (text.lines())
            .find(|l| l.starts_with(&format!("| `study` | `{variant}` |")))
            .expect("a row per variant");
        assert!(row.contains(&time), "{time} in {row}");
        assert!(row.contains(&satisfaction), "{satisfaction} in {row}");
        assert!(row.ends_with("| not measured |"), "{row}");
    }
}
