//! The tagging screen driven through its keys' actions, and drawn.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::*;
use crate::frictions::Item;
use crate::keys::Press;
use crate::runner::Screen;

fn item(id: &str, text: &str, tags: &[&str]) -> Item {
    Item {
        id: id.into(),
        text: text.into(),
        columns: vec![
            ("date".into(), "2026-03-02".into()),
            ("channel".into(), "e\u{1b}[31mmail".into()),
        ],
        tags: tags.iter().map(|t| t.to_string()).collect(),
        by: (!tags.is_empty()).then(|| frictions::IMPORTED.to_owned()),
    }
}

fn names() -> Vec<String> {
    ["cant-find-order-status", "slow-delivery", "refund-unclear"]
        .map(String::from)
        .to_vec()
}

/// A screen over four items, the second tagged, written to a temporary friction file.
fn tagging() -> (tempfile::TempDir, Tagging) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("frictions.yaml");
    let map = FrictionMap {
        source: "tickets.csv".into(),
        items: vec![
            item("1", "Where is my order?\nIt has been 9 days.", &[]),
            item("2", "Refund took weeks", &["refund-unclear"]),
            item("3", "The tracking page\u{202e} says nothing", &[]),
            item("4", "Parcel late again", &[]),
        ],
    };
    frictions::write(&path, &map).expect("written");
    let screen = Tagging::new(path, map, names(), Some("ana".into()));
    (dir, screen)
}

fn press(screen: &mut Tagging, press: Press) {
    let action = screen.keys().action(press).expect("a bound key");
    Screen::update(screen, Duration::ZERO, action).expect("updates");
}

fn type_text(screen: &mut Tagging, text: &str) {
    for c in text.chars() {
        press(screen, Press::char(c));
    }
}

#[test]
fn hash_and_tab_complete_a_tag_and_enter_saves_it_then_goes_to_the_next_untagged() {
    let (_dir, mut screen) = tagging();
    assert_eq!(screen.at, 0, "opens on the first untagged item");
    type_text(&mut screen, "#ca");
    press(&mut screen, Press::plain(Key::Tab));
    assert_eq!(
        screen.pad.as_ref().map(|p| p.field.text()),
        Some("#cant-find-order-status ")
    );
    press(&mut screen, Press::plain(Key::Enter));
    assert_eq!(screen.map.items[0].tags, ["cant-find-order-status"]);
    assert_eq!(screen.map.items[0].by.as_deref(), Some("ana"));
    assert_eq!(screen.at, 2, "the tagged second item is passed over");
    assert_eq!(screen.message.as_deref(), Some("Saved."));
    let saved = frictions::read(&screen.path).expect("the file is read back");
    assert_eq!(saved, screen.map, "every save is written");
}

#[test]
fn an_unknown_tag_is_refused_with_a_did_you_mean_and_esc_drops_it() {
    let (_dir, mut screen) = tagging();
    type_text(&mut screen, "#slow-delivry");
    press(&mut screen, Press::plain(Key::Enter));
    let pad = screen.pad.as_ref().expect("the field stays open");
    assert_eq!(
        pad.hint.as_deref(),
        Some("#slow-delivry is not in the codebook; did you mean #slow-delivery?")
    );
    assert!(screen.map.items[0].tags.is_empty());
    type_text(&mut screen, "q");
    assert!(!screen.done(), "q is text while typing");
    press(&mut screen, Press::plain(Key::Esc));
    assert!(screen.pad.is_none());
    press(&mut screen, Press::char('q'));
    assert!(screen.done());
}

#[test]
fn arrows_and_pages_move_between_items_and_enter_edits_an_items_tags() {
    let (_dir, mut screen) = tagging();
    press(&mut screen, Press::plain(Key::Right));
    press(&mut screen, Press::plain(Key::PageDown));
    press(&mut screen, Press::plain(Key::PageDown));
    press(&mut screen, Press::plain(Key::PageDown));
    assert_eq!(screen.at, 3, "stops at the last item");
    press(&mut screen, Press::plain(Key::PageUp));
    press(&mut screen, Press::plain(Key::Left));
    assert_eq!(screen.at, 1);
    press(&mut screen, Press::plain(Key::Enter));
    assert_eq!(
        screen.pad.as_ref().map(|p| p.field.text()),
        Some("#refund-unclear ")
    );
    for _ in 0.."#refund-unclear ".len() {
        press(&mut screen, Press::plain(Key::Backspace));
    }
    press(&mut screen, Press::plain(Key::Enter));
    assert!(
        screen.map.items[1].tags.is_empty(),
        "no tags typed: untagged"
    );
    assert_eq!(screen.map.items[1].by, None);
    assert_eq!(screen.at, 2);
}

#[test]
fn words_without_a_tag_are_not_saved() {
    let (_dir, mut screen) = tagging();
    type_text(&mut screen, "#");
    press(&mut screen, Press::plain(Key::Backspace));
    type_text(&mut screen, "late");
    press(&mut screen, Press::plain(Key::Enter));
    let pad = screen.pad.as_ref().expect("the field stays open");
    assert_eq!(
        pad.hint.as_deref(),
        Some("type tags as #name (Tab completes them)")
    );
}

fn drawn(screen: &Tagging, cols: u16, rows: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(cols, rows)).expect("terminal");
    terminal
        .draw(|f| f.render_widget(screen, f.area()))
        .expect("draws");
    terminal
}

#[test]
fn the_screen_shows_the_item_its_columns_and_the_field_escaping_what_the_csv_holds() {
    let (_dir, mut screen) = tagging();
    insta::assert_snapshot!("tagging_80x24", drawn(&screen, 80, 24).backend());
    press(&mut screen, Press::plain(Key::Right));
    press(&mut screen, Press::plain(Key::Right));
    type_text(&mut screen, "#");
    press(&mut screen, Press::plain(Key::Tab));
    insta::assert_snapshot!("tagging_typing_120x30", drawn(&screen, 120, 30).backend());
}

/// An item longer than the screen says how much is below, scrolls with ↑↓ no further
/// than its last line, says how much is above, and starts at the top on the next item.
#[test]
fn a_long_item_scrolls_and_says_what_is_above_and_below() {
    let (_dir, mut screen) = tagging();
    let long: String = (1..=40)
        .map(|n| format!("line {n} of the ticket\n"))
        .collect();
    screen.map.items[0].text = long;
    let text = |screen: &Tagging| {
        let terminal = drawn(screen, 80, 24);
        let buffer = terminal.backend().buffer().clone();
        (0..24)
            .map(|y| {
                (0..80)
                    .map(|x| buffer[(x, y)].symbol().to_owned())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let top = text(&screen);
    assert!(
        top.contains("line 1 of the ticket") && top.contains("more lines (↓)"),
        "{top}"
    );
    assert!(!top.contains("more lines (↑)"), "{top}");
    for _ in 0..100 {
        press(&mut screen, Press::plain(Key::Down));
        text(&screen);
    }
    let bottom = text(&screen);
    assert!(
        bottom.contains("line 40 of the ticket") && bottom.contains("more lines (↑)"),
        "{bottom}"
    );
    assert!(!bottom.contains("more lines (↓)"), "{bottom}");
    let max = screen.scroll;
    assert!(max < 40, "no further than the last line: {max}");
    press(&mut screen, Press::plain(Key::Up));
    assert_eq!(screen.scroll, max - 1, "one ↑ comes back one line");
    press(&mut screen, Press::plain(Key::Right));
    assert_eq!(screen.scroll, 0);
}
