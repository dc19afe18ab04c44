//! Items from a CSV, the friction file written and read back, the ranking's ties and
//! quotes.

use super::*;
use crate::codebook::{Codebook, Tag};

fn item(id: &str, text: &str, tags: &[&str]) -> Item {
    Item {
        id: id.into(),
        text: text.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ..Item::default()
    }
}

#[test]
fn a_tags_cell_is_read_as_a_note_writes_tags_or_as_a_list() {
    let tags = |cell| tags_of_cell(cell).0;
    assert_eq!(tags("#slow #lost"), ["slow", "lost"]);
    assert_eq!(tags("slow; lost"), ["slow", "lost"]);
    assert_eq!(tags("Slow,lost,slow"), ["slow", "lost"]);
    assert!(tags("  ").is_empty());
    assert_eq!(
        tags_of_cell("slow;Slow Load;x/y"),
        (
            vec!["slow".to_owned()],
            vec!["Slow Load".to_owned(), "x/y".to_owned()]
        )
    );
}

#[test]
fn the_text_column_is_named_or_found_and_a_missing_one_lists_the_columns() {
    let csv = b"ID,When,Body,Tags\n7,mon,\"where, is it\",#lost\n8,tue,,\n9,wed,ok then,\n";
    let imported = import(csv, None).expect("imports");
    assert_eq!(imported.text_column, "Body");
    assert_eq!(imported.empty, 1);
    assert_eq!(
        imported.items[0],
        Item {
            id: "7".into(),
            text: "where, is it".into(),
            columns: vec![("When".into(), "mon".into())],
            tags: vec!["lost".into()],
            by: Some(IMPORTED.into()),
        }
    );
    assert_eq!(imported.items[1].by, None);
    let by_name = import(csv, Some("when")).expect("imports");
    assert_eq!(by_name.items[0].text, "mon");
    let missing = import(b"a,b\n1,2\n", None).expect_err("no text column");
    assert_eq!(
        missing,
        "no text column found (one named text, body, description, comment, review, message); \
         name it with --text COLUMN; its columns: `a`, `b`"
    );
    let named = import(b"a,b\n1,2\n", Some("c")).expect_err("no such column");
    assert_eq!(named, "the CSV has no column `c`; its columns: `a`, `b`");
}

#[test]
fn long_texts_are_cut_and_said_and_a_byte_order_mark_is_no_column_name() {
    let long = "x".repeat(MAX_TEXT_CHARS + 5);
    let csv = format!("\u{feff}text\n{long}\n");
    let imported = import(csv.as_bytes(), None).expect("imports");
    assert_eq!(imported.text_column, "text");
    assert_eq!(imported.items[0].text.chars().count(), MAX_TEXT_CHARS);
    assert_eq!(
        imported.findings,
        ["line 2: the text is cut to 20000 characters"]
    );
    let many = format!("text\n{}", "a\n".repeat(MAX_ROWS + 2));
    let imported = import(many.as_bytes(), None).expect("imports");
    assert_eq!(imported.items.len(), MAX_ROWS);
    assert_eq!(
        imported.findings,
        ["the file has more than 100000 rows; the rest are left out"]
    );
}

#[test]
fn the_file_is_written_through_a_rename_and_read_back_as_it_was() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(FILE_NAME);
    let mut map = FrictionMap {
        source: "t\"ickets.csv".into(),
        items: vec![item("1", "line\nnext \u{1b}[2J", &["slow"])],
    };
    map.items[0].columns = vec![("date".into(), "2026-01-02".into())];
    write(&path, &map).expect("written");
    let text = std::fs::read_to_string(&path).expect("readable");
    assert!(text.starts_with("schema: mvx-frictions/1\nsource: \"t\\\"ickets.csv\"\nitems:\n- {"));
    assert_eq!(text.lines().count(), 4, "one line per item:\n{text}");
    assert_eq!(read(&path).expect("read back"), map);
    let only_items: Vec<_> = std::fs::read_dir(dir.path()).expect("listed").collect();
    assert_eq!(only_items.len(), 1, "no temporary file is left");
    let empty = FrictionMap::default();
    write(&path, &empty).expect("written");
    assert_eq!(read(&path).expect("read back"), empty);
    std::fs::write(&path, "schema: mvx-session/1\n").expect("written");
    assert!(
        read(&path)
            .expect_err("refused")
            .contains("not a friction file")
    );
}

#[test]
fn tags_are_ranked_by_items_ties_share_a_rank_and_quotes_are_short_but_informative() {
    let items = vec![
        item("1", "I cannot find where my order is anywhere", &["lost"]),
        item("2", "help!!", &["lost"]),
        item(
            "3",
            "Where is the order status page on this site?",
            &["lost", "slow"],
        ),
        item(
            "4",
            "The page takes ages to load every single time",
            &["slow"],
        ),
        item("5", "no tags here", &[]),
        item("6", "Checkout failed twice with my card today", &["pay"]),
        item("7", "a b c d e f g h i j k l m n o p", &["lost"]),
    ];
    let codebook = Codebook {
        tags: ["pay", "slow", "lost", "unused"]
            .map(|name| Tag {
                name: name.into(),
                description: String::new(),
                group: Some("g".into()),
                colour: None,
            })
            .to_vec(),
        ..Codebook::default()
    };
    let ranking = rank(&items, Some(&codebook));
    let ranks: Vec<(&str, usize, usize)> = (ranking.frictions.iter())
        .map(|f| (f.tag.as_str(), f.rank, f.items))
        .collect();
    assert_eq!(ranks, [("lost", 1, 4), ("slow", 2, 2), ("pay", 3, 1)]);
    assert_eq!((ranking.items, ranking.tagged, ranking.untagged), (7, 6, 1));
    assert_eq!(ranking.unused, ["unused"]);
    let lost = ranking.friction("lost").expect("ranked");
    assert!((lost.share - 4.0 / 6.0).abs() < 1e-12);
    let quoted: Vec<&str> = lost.quotes.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(quoted, ["7", "1", "3"], "informative ones, shortest first");
    let tied = rank(&items[3..6], None);
    let ranks: Vec<(&str, usize)> = tied
        .frictions
        .iter()
        .map(|f| (f.tag.as_str(), f.rank))
        .collect();
    assert_eq!(
        ranks,
        [("pay", 1), ("slow", 1)],
        "ties by name without a codebook"
    );
    assert_eq!(tied.frictions[0].in_codebook, None);
}

/// A quote left open swallows the rows after it to the end of the file: said, with the
/// line it opens on; cells beyond the header's columns are said as left out; findings
/// name the file's line (a multi-line cell moves the lines after it on).
#[test]
fn an_open_quote_and_cells_beyond_the_header_are_said_by_line() {
    let csv = "id,text,channel\n\
        T1,\"two\nlines\",email\n\
        T2,fine,chat,extra,more\n\
        T3,\"never closed,email\n\
        T4,swallowed,chat\n\
        T5,swallowed too,email\n";
    let imported = import(csv.as_bytes(), None).expect("imports");
    assert_eq!(imported.items.len(), 3, "T3 took in T4 and T5");
    assert_eq!(
        imported.findings,
        [
            "line 4: 2 cells beyond the header's 3 columns left out",
            "line 5: a quote left open takes in the 2 rows after it, to the end of the file; close it and import again",
        ]
    );
    let fine = import(b"text,n\n\"a\nb\nc\",1\n", None).expect("imports");
    assert!(fine.findings.is_empty(), "{:?}", fine.findings);
}
