//! Every screen of `mvx play`, drawn into a test terminal at 80x24 and 120x40.

use std::time::Duration;

use mvx::flow::{self, Flow};
use mvx::player::Player;
use mvx::player::input::{Action, Command, Input, Key};
use mvx::tui::play_view::{Chrome, PlayView};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;

fn example(name: &str) -> Flow {
    let source = std::fs::read_to_string(format!("flows/{name}.yaml")).expect("example exists");
    flow::load(&source).expect("example loads")
}

/// Session time only moves forward, across calls too: a key stamped before its screen
/// was shown would be an early key and act on nothing.
static NOW_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn drive(player: &mut Player, actions: &[Action]) {
    use std::sync::atomic::Ordering;
    let start = NOW_MS.fetch_add(actions.len() as u64 * 10 + 60_000, Ordering::SeqCst);
    for (i, action) in actions.iter().enumerate() {
        player.shown(Duration::from_millis(start + i as u64 * 10));
        player.handle(Input {
            at: Duration::from_millis(start + i as u64 * 10 + 5),
            action: *action,
        });
    }
    player.shown(Duration::from_millis(
        start + actions.len() as u64 * 10 + 50_000,
    ));
}

fn keys(keys: &str) -> Vec<Action> {
    keys.chars()
        .map(|c| Action::Key(if c == '\n' { Key::Enter } else { Key::Char(c) }))
        .collect()
}

fn draw(player: &Player, width: u16, height: u16, scroll: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    let view = PlayView {
        player,
        scroll,
        chrome: Chrome::Session {
            saved_to: "sessions/20261126T140211Z_P07_espresso.yaml",
        },
    };
    terminal
        .draw(|f| f.render_widget(&view, f.area()))
        .expect("draws");
    terminal
}

fn text_of(terminal: &Terminal<TestBackend>) -> String {
    terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect()
}

fn snapshot_both_sizes(name: &str, player: &Player) {
    insta::assert_snapshot!(format!("{name}_80x24"), draw(player, 80, 24, 0).backend());
    insta::assert_snapshot!(format!("{name}_120x40"), draw(player, 120, 40, 0).backend());
}

#[test]
fn a_choice_step_shows_mockup_prompt_and_numbered_choices() {
    let flow = example("espresso-three-menus");
    let mut player = Player::new(&flow);
    drive(&mut player, &[Action::Key(Key::Down)]);
    snapshot_both_sizes("choice_step", &player);
    let terminal = draw(&player, 80, 24, 0);
    let buffer = terminal.backend().buffer();
    let row = (0..24)
        .find(|&y| buffer[(3, y)].symbol() == "2")
        .expect("the second choice is drawn");
    assert!(
        buffer[(5, row)].modifier.contains(Modifier::REVERSED),
        "the highlighted choice is reversed"
    );
    let first = (0..24)
        .find(|&y| buffer[(3, y)].symbol() == "1")
        .expect("the first choice");
    assert!(!buffer[(5, first)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn an_input_step_shows_a_field_with_its_cursor() {
    let flow = example("espresso-one-menu");
    let mut player = Player::new(&flow);
    let mut actions = keys("12");
    actions.extend(keys("2é"));
    actions.push(Action::Key(Key::Left));
    drive(&mut player, &actions);
    snapshot_both_sizes("input_step", &player);
}

#[test]
fn questions_show_options_scales_and_text_fields() {
    let flow = example("espresso-one-menu");
    let mut player = Player::new(&flow);
    drive(&mut player, &keys("11\n"));
    snapshot_both_sizes("question_options", &player);
    drive(
        &mut player,
        &[
            Action::Key(Key::Char('2')),
            Action::Key(Key::Right),
            Action::Key(Key::Right),
        ],
    );
    snapshot_both_sizes("question_scale", &player);
    drive(&mut player, &keys("6Faster"));
    snapshot_both_sizes("question_text", &player);
    drive(&mut player, &keys("\n"));
    snapshot_both_sizes("closing", &player);
}

#[test]
fn a_task_brief_comes_before_its_first_step() {
    let source = "flow: shop\ntitle: Shop\nsteps:\n  home:\n    choices: [Orders -> orders]\n  orders:\n    end: success\ntasks:\n  - id: find\n    brief: Your shoes have not arrived. Find out where they are.\n    success: [orders]\n";
    let flow = flow::load(source).expect("loads");
    let player = Player::new(&flow);
    snapshot_both_sizes("task_brief", &player);
}

#[test]
fn researcher_overlays_cover_the_participants_screen() {
    let flow = example("shop-order-status");
    let mut player = Player::new(&flow);
    drive(
        &mut player,
        &[
            Action::Command(Command::Note),
            Action::Key(Key::Char('h')),
            Action::Key(Key::Char('m')),
        ],
    );
    snapshot_both_sizes("note_overlay", &player);
    // Tab lists the codebook's tags that fit the `#` being typed, under the note.
    player.set_tags(vec!["slow".into(), "slow-load".into(), "lost".into()]);
    drive(
        &mut player,
        &[
            Action::Key(Key::Char(' ')),
            Action::Key(Key::Char('#')),
            Action::Key(Key::Char('s')),
            Action::Key(Key::Tab),
        ],
    );
    insta::assert_snapshot!("note_tags_80x24", draw(&player, 80, 24, 0).backend());
    drive(
        &mut player,
        &[Action::Key(Key::Esc), Action::Command(Command::Quit)],
    );
    snapshot_both_sizes("confirm_quit", &player);
    drive(
        &mut player,
        &[Action::Key(Key::Char('n')), Action::Command(Command::Pause)],
    );
    snapshot_both_sizes("paused", &player);
}

#[test]
fn a_terminal_too_small_says_so() {
    let flow = example("shop-order-status");
    let player = Player::new(&flow);
    insta::assert_snapshot!("too_small_30x10", draw(&player, 30, 10, 0).backend());
}

#[test]
fn a_long_screen_scrolls() {
    let lines: String = (1..=40)
        .map(|i| format!("      | line {i:>2} of the screen |\n"))
        .collect();
    let source = format!(
        "flow: long\ntitle: Long\nsteps:\n  home:\n    screen: |\n{lines}    choices: [Done -> done]\n  done:\n    end: success\n"
    );
    let flow = flow::load(&source).expect("loads");
    let player = Player::new(&flow);
    insta::assert_snapshot!("long_screen_top", draw(&player, 80, 24, 0).backend());
    insta::assert_snapshot!("long_screen_scrolled", draw(&player, 80, 24, 10).backend());
    insta::assert_snapshot!(
        "long_screen_scrolled_past_the_end",
        draw(&player, 80, 24, 500).backend()
    );
}

#[test]
fn participant_text_never_reaches_the_terminal_raw() {
    let flow = example("espresso-one-menu");
    let mut player = Player::new(&flow);
    drive(&mut player, &keys("12"));
    drive(
        &mut player,
        &[
            Action::Key(Key::Char('\u{1b}')),
            Action::Key(Key::Char('\u{7}')),
        ],
    );
    let terminal = draw(&player, 80, 24, 0);
    let text = text_of(&terminal);
    assert!(
        !text.chars().any(|c| c.is_control()),
        "no control characters drawn"
    );
    // A flow's title that would read backwards ("Trojan Source") is drawn escaped.
    let turned =
        flow::load("flow: t\ntitle: \"Shop \\u202Enimda\"\nsteps:\n  a:\n    end: success\n")
            .expect("loads");
    let text = text_of(&draw(&Player::new(&turned), 80, 24, 0));
    assert!(text.contains("Shop \\u{202e}nimda"), "{text}");
    assert!(!text.chars().any(mvx::text::is_invisible), "{text}");
    let tiny = flow::load("flow: t\ntitle: T\nsteps:\n  a:\n    end: success\n").expect("loads");
    let mut closing = Player::new(&tiny);
    drive(&mut closing, &keys("\n"));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
    let view = PlayView {
        player: &closing,
        scroll: 0,
        chrome: Chrome::Session {
            saved_to: "evil\u{1b}[2J.yaml",
        },
    };
    terminal
        .draw(|f| f.render_widget(&view, f.area()))
        .expect("draws");
    let text = text_of(&terminal);
    assert!(
        text.contains("Session saved to evil\\u{1b}[2J.yaml"),
        "{text}"
    );
}

#[test]
fn a_note_longer_than_its_box_scrolls_to_keep_the_cursor_in_view() {
    let flow = example("espresso-three-menus");
    let mut player = Player::new(&flow);
    let mut actions = vec![Action::Command(Command::Note)];
    let typed: String = (0..12).map(|i| format!("word{i:02} ")).collect::<String>() + "END";
    actions.extend(keys(&typed));
    drive(&mut player, &actions);
    let terminal = draw(&player, 80, 24, 0);
    let screen = text_of(&terminal);
    assert!(
        screen.contains("word11 END"),
        "the end of the note is shown"
    );
    assert!(
        !screen.contains("word00"),
        "its start has scrolled out of the box"
    );
    // Home brings the start back.
    drive(&mut player, &[Action::Key(Key::Home)]);
    let screen = text_of(&draw(&player, 80, 24, 0));
    assert!(
        screen.contains("word00 word01"),
        "Home shows the start again"
    );
}
