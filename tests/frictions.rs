//! The friction map end to end: 200 support tickets imported from a CSV, tagged through
//! the tags column and the tagging screen's actions, ranked (counts checked against the
//! CSV read here on its own), the CLI's journey, and the report answering per friction a
//! flow `addresses:`.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use mvx::frictions::{self, FrictionMap};
use mvx::player::Player;
use mvx::player::input::{Action, Input, Key};
use mvx::session::{FlowRef, Header, SessionWriter, Started, TerminalInfo};

const TICKETS: &str = "tests/fixtures/frictions/tickets.csv";
const CODEBOOK: &str = "tests/fixtures/frictions/codebook.yaml";

/// What the CSV holds, read here without mvx: rows with a text, which of them carry
/// tags, and the items per tag.
struct Expected {
    rows: usize,
    empty: usize,
    tagged: usize,
    per_tag: BTreeMap<String, usize>,
}

fn expected() -> Expected {
    let mut reader = csv::Reader::from_path(TICKETS).expect("the fixture reads");
    let mut expected = Expected {
        rows: 0,
        empty: 0,
        tagged: 0,
        per_tag: BTreeMap::new(),
    };
    for record in reader.records() {
        let record = record.expect("a row");
        expected.rows += 1;
        if record[3].trim().is_empty() {
            expected.empty += 1;
            continue;
        }
        let cell = record[4].replace(['#', ';', ','], " ");
        let mut tags: Vec<&str> = cell.split_whitespace().collect();
        tags.sort_unstable();
        tags.dedup();
        if !tags.is_empty() {
            expected.tagged += 1;
        }
        for tag in tags {
            *expected.per_tag.entry(tag.to_owned()).or_default() += 1;
        }
    }
    expected
}

fn codebook() -> mvx::codebook::Codebook {
    mvx::codebook::open(Path::new(CODEBOOK)).expect("the fixture codebook opens")
}

#[test]
fn two_hundred_tickets_import_with_their_tags_and_rank_as_counted_by_hand() {
    let expected = expected();
    assert_eq!(expected.rows, 200);
    let bytes = std::fs::read(TICKETS).expect("the fixture reads");
    let imported = frictions::import(&bytes, None).expect("imports");
    assert_eq!(imported.text_column, "text");
    assert_eq!(imported.empty, expected.empty);
    assert_eq!(imported.items.len(), expected.rows - expected.empty);
    assert!(imported.findings.is_empty(), "{:?}", imported.findings);
    let quoted = (imported.items.iter())
        .find(|i| i.id == "1005")
        .expect("the ticket with quotes");
    assert!(quoted.text.contains(r#"says "shipped", but"#));
    let broken = (imported.items.iter())
        .find(|i| i.id == "1018")
        .expect("a multi-line ticket");
    assert_eq!(broken.text, "Hi,\nwhere is my order?\nThanks, Jo");
    let control = (imported.items.iter())
        .find(|i| i.id == "1034")
        .expect("control characters");
    assert!(
        control.text.contains('\u{1b}'),
        "kept as written, escaped where shown"
    );
    assert_eq!(
        quoted
            .columns
            .iter()
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>(),
        ["date", "channel"]
    );
    let by_tags_column = imported.items.iter().filter(|i| i.is_tagged());
    assert!(
        by_tags_column
            .clone()
            .all(|i| i.by.as_deref() == Some(frictions::IMPORTED))
    );
    assert_eq!(by_tags_column.count(), expected.tagged);

    let ranking = frictions::rank(&imported.items, Some(&codebook()));
    assert_eq!(ranking.tagged, expected.tagged);
    assert_eq!(
        ranking.untagged,
        expected.rows - expected.empty - expected.tagged
    );
    let counted: BTreeMap<String, usize> = (ranking.frictions.iter())
        .map(|f| (f.tag.clone(), f.items))
        .collect();
    assert_eq!(counted, expected.per_tag);
    let most = expected.per_tag.values().max().expect("tags");
    let first = &ranking.frictions[0];
    assert_eq!((first.rank, first.items), (1, *most));
    assert_eq!(first.tag, "cant-find-order-status");
    assert!((first.share - *most as f64 / expected.tagged as f64).abs() < 1e-12);
    for pair in ranking.frictions.windows(2) {
        let rank = match pair[1].items == pair[0].items {
            true => pair[0].rank,
            false => {
                ranking
                    .frictions
                    .iter()
                    .position(|f| f.tag == pair[1].tag)
                    .expect("in")
                    + 1
            }
        };
        assert_eq!(pair[1].rank, rank, "ties share a rank: {}", pair[1].tag);
    }
    assert!(first.quotes.len() == frictions::MAX_QUOTES);
    assert_eq!(first.group.as_deref(), Some("orders"));
}

#[test]
fn the_tagging_screens_actions_tag_an_untagged_ticket_into_the_file() {
    use mvx::runner::Screen;
    use mvx::tui::frictions::{Action as Tag, Tagging};
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(frictions::FILE_NAME);
    let bytes = std::fs::read(TICKETS).expect("the fixture reads");
    let items = frictions::import(&bytes, None).expect("imports").items;
    let untagged = items.iter().filter(|i| !i.is_tagged()).count();
    let first = items
        .iter()
        .position(|i| !i.is_tagged())
        .expect("an untagged one");
    let map = FrictionMap {
        source: "tickets.csv".into(),
        items,
    };
    frictions::write(&path, &map).expect("written");
    let mut screen = Tagging::new(path.clone(), map, codebook().names(), Some("ben".into()));
    assert_eq!(screen.at, first);
    let mut act = |action| Screen::update(&mut screen, Duration::ZERO, action).expect("updates");
    act(Tag::StartTag);
    for c in "sl".chars() {
        act(Tag::Edit(mvx::keys::Key::Char(c)));
    }
    act(Tag::Complete);
    act(Tag::Save);
    let saved = frictions::read(&path).expect("read back");
    assert_eq!(saved.items[first].tags, ["slow-delivery"]);
    assert_eq!(saved.items[first].by.as_deref(), Some("ben"));
    assert_eq!(saved.items.len() - saved.tagged(), untagged - 1);
}

fn mvx() -> assert_cmd::Command {
    common::spawn::assert_mvx()
}

fn root(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(path)
        .display()
        .to_string()
}

#[test]
fn import_refuses_to_overwrite_tags_and_rank_prints_json_and_escaped_text() {
    let expected = expected();
    let dir = tempfile::tempdir().expect("temp dir");
    let items = expected.rows - expected.empty;
    let out = mvx()
        .current_dir(dir.path())
        .args(["frictions", "import", &root(TICKETS)])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).expect("UTF-8");
    assert_eq!(
        out,
        format!(
            "Read {items} items from tickets.csv (text column `text`; 1 row with an empty text skipped).\n\
             {} already tagged, {} to tag. Wrote frictions.yaml.\n\
             Next: mvx frictions tag frictions.yaml\n",
            expected.tagged,
            items - expected.tagged
        )
    );
    let again = mvx()
        .current_dir(dir.path())
        .args(["frictions", "import", &root(TICKETS)])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert_eq!(
        String::from_utf8(again).expect("UTF-8"),
        format!(
            "mvx: frictions.yaml exists and it holds {} tagged items; --force replaces it, or --out names another file\n",
            expected.tagged
        )
    );
    mvx()
        .current_dir(dir.path())
        .args(["frictions", "import", &root(TICKETS), "--force"])
        .assert()
        .success();
    let json = mvx()
        .current_dir(dir.path())
        .args([
            "frictions",
            "rank",
            "--codebook",
            &root(CODEBOOK),
            "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
    assert_eq!(json["items"], items);
    assert_eq!(json["tagged"], expected.tagged);
    let first = &json["frictions"][0];
    assert_eq!(first["tag"], "cant-find-order-status");
    assert_eq!(first["rank"], 1);
    assert_eq!(first["items"], expected.per_tag["cant-find-order-status"]);
    assert_eq!(
        json["frictions"].as_array().map(Vec::len),
        Some(expected.per_tag.len())
    );
    let text = mvx()
        .current_dir(dir.path())
        .args(["frictions", "--codebook", &root(CODEBOOK)])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).expect("UTF-8");
    assert!(
        !text.contains('\u{1b}'),
        "no raw escape reaches the terminal:\n{text}"
    );
    assert!(text.contains(&format!(
        "  1. cant-find-order-status {:>5} items",
        expected.per_tag["cant-find-order-status"]
    )));
    mvx()
        .current_dir(dir.path())
        .args(["frictions", "import", "missing.csv", "--out", "other.yaml"])
        .assert()
        .code(2)
        .stderr("mvx: cannot read missing.csv: no such file\n");
}

/// A flow of one task that addresses a friction: the account finds the order, help
/// does not; then the `solved` question.
fn flow(variant: &str) -> String {
    format!(
        "flow: order-status
title: Where is my order
variant: {variant}
start: home
addresses: [cant-find-order-status]
steps:
  home:
    text: Your parcel is late. Where do you look?
    choices:
      - Account -> orders
      - Help -> faq
  orders:
    text: Your order arrives tomorrow.
    end: success
  faq:
    text: Only questions about returns.
    end: failure
questions:
  - id: solved
    ask: Do you know where your order is?
    options: [Yes, No]
"
    )
}

/// Plays `keys` on `flow` as `who`, `think_ms` before each key, into `dir`.
fn record(dir: &Path, flow_path: &str, source: &str, who: &str, think_ms: u64, keys: &str) {
    let flow = mvx::flow::load(source).expect("the flow loads");
    let header = Header::new(
        Started {
            session: format!("{who}-session"),
            at: "2026-11-26T10:00:00.000+01:00".into(),
        },
        FlowRef::of(
            &flow,
            flow_path,
            &mvx::flow::open::sha256_hex(source.as_bytes()),
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
        player.shown(Duration::from_millis(now));
        now += think_ms;
        let key = match key {
            '\n' => Key::Enter,
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

#[test]
fn the_report_says_how_each_variant_did_on_the_friction_its_flow_addresses() {
    let expected = expected();
    let dir = tempfile::tempdir().expect("temp dir");
    let flows = dir.path().join("flows");
    let sessions = dir.path().join("sessions");
    std::fs::create_dir_all(&flows).expect("folders");
    std::fs::create_dir_all(&sessions).expect("folders");
    for variant in ["a", "b"] {
        std::fs::write(
            flows.join(format!("order-status-{variant}.yaml")),
            flow(variant),
        )
        .expect("flow written");
    }
    // Variant a: of ten, eight find the order (seven say Yes), taking 1 to 8 s.
    // Variant b: of ten, five find it (all say Yes), taking 2 to 6 s.
    for i in 0..10u64 {
        let (keys, think) = match i {
            0..=6 => ("1\n1", 1_000 * (i + 1)),
            7 => ("1\n2", 8_000),
            _ => ("2\n2", 500),
        };
        let a = flow("a");
        record(
            &sessions,
            "flows/order-status-a.yaml",
            &a,
            &format!("A{i}"),
            think,
            keys,
        );
        let (keys, think) = match i {
            0..=4 => ("1\n1", 1_000 * (i + 2)),
            _ => ("2\n2", 700),
        };
        let b = flow("b");
        record(
            &sessions,
            "flows/order-status-b.yaml",
            &b,
            &format!("B{i}"),
            think,
            keys,
        );
    }
    mvx()
        .current_dir(dir.path())
        .args(["frictions", "import", &root(TICKETS)])
        .assert()
        .success();
    let json = mvx()
        .current_dir(dir.path())
        .args(["report", "sessions", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
    let section = &json["frictions_addressed"];
    assert_eq!(section["map"], "frictions.yaml");
    let friction = &section["frictions"][0];
    assert_eq!(friction["friction"], "cant-find-order-status");
    let items = expected.rows - expected.empty;
    let in_map = expected.per_tag["cant-find-order-status"];
    assert_eq!(
        friction["ranked"],
        serde_json::json!({ "rank": 1, "of": expected.per_tag.len(), "items": in_map, "map_items": items })
    );
    let a = &friction["by"][0];
    assert_eq!(
        (a["flow"].as_str(), a["variant"].as_str()),
        (Some("order-status"), Some("a"))
    );
    assert_eq!(
        (
            a["tasks"][0]["successes"].as_u64(),
            a["tasks"][0]["counted"].as_u64()
        ),
        (Some(8), Some(10))
    );
    // The median of 1, 2, ... 8 s.
    assert_eq!(a["tasks"][0]["median_s"].as_f64(), Some(4.5));
    let version = &json["flows"][0]["versions"][0];
    assert_eq!(version["variant"], "a");
    let (own, summary) = (a["summary"].as_str(), version["summary"].as_str());
    assert!(
        own.zip(summary)
            .is_some_and(|(own, all)| all.starts_with(own)),
        "the decision summary's own words: {own:?} in {summary:?}"
    );
    assert!(
        a["summary"]
            .as_str()
            .is_some_and(|s| s.contains("7/10 answered Yes to `solved`")),
        "{a}"
    );
    let markdown = mvx()
        .current_dir(dir.path())
        .args(["report", "sessions"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let markdown = String::from_utf8(markdown).expect("UTF-8");
    let of = expected.per_tag.len();
    let heading = format!(
        "- `cant-find-order-status` (ranked 1st of {of}, {in_map} of {items} items): addressed by `order-status`"
    );
    let at = markdown
        .find(&heading)
        .unwrap_or_else(|| panic!("{heading}\nin:\n{markdown}"));
    let said: Vec<&str> = markdown[at..].lines().take(3).collect();
    let start = markdown
        .find("## Frictions addressed")
        .expect("the section");
    let end = markdown[start + 2..]
        .find("\n## ")
        .map_or(markdown.len(), |e| start + 2 + e);
    insta::assert_snapshot!("frictions_addressed_md", &markdown[start..end]);
    assert!(
        said[1].contains("variant `a`: 8/10 completed ("),
        "{said:?}"
    );
    assert!(
        said[1].ends_with("; 7/10 answered Yes to `solved`; median 4.5 s to resolution"),
        "{said:?}"
    );
    assert!(
        said[2].contains("variant `b`: 5/10 completed ("),
        "{said:?}"
    );
    assert!(
        said[2].ends_with("; 5/10 answered Yes to `solved`; median 4.0 s to resolution"),
        "{said:?}"
    );
}

/// Tags a CSV brings that the codebook beside the friction file lacks are said at
/// import, with how many items carry each, as are a quote left open and cells beyond the
/// header, by the file's line.
#[test]
fn import_says_tags_the_codebook_lacks_and_rows_it_cannot_read_as_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(root(CODEBOOK), dir.path().join("codebook.yaml")).expect("codebook");
    std::fs::write(
        dir.path().join("in.csv"),
        "id,text,tags\nA,where is it,#cant-find-order-status\nB,late again,not-a-tag\nC,no idea,not-a-tag;slow-delivery,extra\nD,\"open quote\nE,x,y\nF,z,w\n",
    )
    .expect("csv");
    mvx()
        .current_dir(dir.path())
        .args(["frictions", "import", "in.csv"])
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "mvx: in.csv: tags the codebook lacks: #not-a-tag (2); `mvx frictions tag` edits an item's tags (Enter)",
        ))
        .stderr(predicates::str::contains(
            "mvx: in.csv: line 4: 1 cell beyond the header's 3 columns left out",
        ))
        .stderr(predicates::str::contains(
            "mvx: in.csv: line 5: a quote left open takes in the 2 rows after it",
        ));
}
