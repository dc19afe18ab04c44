//! The participant's screen as targets for a click or a tap, laid out as it is drawn:
//! each choice, option and scale point, "continue", "go back" and "more".

use ratatui::layout::Rect;

use super::{PlayView, parts, regions};
use crate::flow::{Answer, StepKind};
use crate::keys::{Key, Press};
use crate::player::{Mode, Overlay, keys_to_entry, keys_to_point};
use crate::runner::session::{MIN_COLS, MIN_ROWS, PlaySession, key_name};
use crate::text::printable;
use crate::tui::pointer::{Pointable, Target, along};

impl<R> Pointable for PlaySession<'_, R> {
    fn targets(&self, area: Rect) -> Vec<Target> {
        super::view(self).targets(area)
    }
}

impl PlayView<'_> {
    /// What a pointer may pick on the screen as drawn in `area`; nothing on a screen
    /// that is too small, paused, or under the researcher's popup.
    pub fn targets(&self, area: Rect) -> Vec<Target> {
        if area.width < MIN_COLS || area.height < MIN_ROWS {
            return Vec::new();
        }
        if *self.player.overlay() != Overlay::None {
            return Vec::new();
        }
        let [_, body, hint, _] = regions(area);
        let mut targets = Vec::new();
        let enter = || vec![Press::plain(Key::Enter)];
        match self.player.mode() {
            // Anywhere on a screen that only goes on.
            Mode::Brief | Mode::StepDone { .. } | Mode::Interlude { .. } | Mode::Closing { .. } => {
                targets.push(Target::new(body, enter()));
                targets.push(Target::new(hint, enter()));
            }
            Mode::Step {
                step, highlight, ..
            } => {
                let Some(shown) = self.player.step(*step) else {
                    return targets;
                };
                let [screen_area, _, action_area] = self.step_areas(shown, body);
                if let Some(screen) = self.player.screen(shown) {
                    targets.extend(more(&screen, screen_area));
                }
                match &shown.kind {
                    StepKind::Choices(_) => {
                        let count = self.player.choices(*step).len();
                        targets.extend(listed(count, *highlight, action_area));
                    }
                    StepKind::Input { .. } => {}
                    StepKind::Info { .. } | StepKind::End { .. } => {
                        targets.push(Target::new(line(action_area), enter()));
                    }
                }
                targets.extend(self.hint_targets(hint));
            }
            Mode::Question { index, choice, .. } => {
                let Some(question) = self.player.flow().questions.get(*index) else {
                    return targets;
                };
                let [_, _, answer] = parts::question_areas(&question.ask, body);
                match &question.answer {
                    Answer::Options(options) => {
                        let highlight = usize::try_from(choice.unwrap_or(0)).unwrap_or(0);
                        targets.extend(listed(options.len(), highlight, answer));
                    }
                    Answer::Scale(scale) => {
                        for (point, from, width) in parts::scale_columns(scale) {
                            let area =
                                Rect::new(answer.x + from, answer.y, width, 1).intersection(answer);
                            let keys = keys_to_point(scale, *choice, point);
                            targets.push(Target::new(area, plain(keys)));
                        }
                    }
                    Answer::Text => {}
                }
            }
        }
        targets
    }

    /// The hint line's "go back", when the step can be left backwards.
    fn hint_targets(&self, hint: Rect) -> Vec<Target> {
        if !self.player.can_go_back() {
            return Vec::new();
        }
        let text = self.hint();
        let back = format!("{} to go back", key_name(&[Key::Esc]));
        let Some(before) = text.find(&back) else {
            return Vec::new();
        };
        let parts = [
            (text[..before].to_owned(), None),
            (back, Some(vec![Press::plain(Key::Esc)])),
        ];
        along(hint.x, hint.y, hint.width, "", &parts)
    }
}

/// Keys pressed without Ctrl.
fn plain(keys: Vec<Key>) -> Vec<Press> {
    keys.into_iter().map(Press::plain).collect()
}

/// The first row of `area`.
fn line(area: Rect) -> Rect {
    Rect {
        height: area.height.min(1),
        ..area
    }
}

/// A row per entry of a list drawn from the top of `area`, each picking its entry.
fn listed(count: usize, highlight: usize, area: Rect) -> Vec<Target> {
    (0..count)
        .filter_map(|i| {
            let row = area.y.checked_add(u16::try_from(i).ok()?)?;
            (row < area.bottom()).then(|| {
                Target::new(
                    Rect::new(area.x, row, area.width, 1),
                    plain(keys_to_entry(i, count, highlight)),
                )
            })
        })
        .collect()
}

/// A mockup taller than its box scrolls: its upper half goes up, its lower half down.
fn more(screen: &str, area: Rect) -> Vec<Target> {
    let (box_area, lines, visible) = parts::mockup_box(&printable(screen), area);
    if lines <= visible {
        return Vec::new();
    }
    let upper = box_area.height / 2;
    let (top, bottom) = (
        Rect {
            height: upper,
            ..box_area
        },
        Rect {
            y: box_area.y + upper,
            height: box_area.height - upper,
            ..box_area
        },
    );
    vec![
        Target::key(top, Key::PageUp),
        Target::key(bottom, Key::PageDown),
    ]
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use ratatui::buffer::Buffer;
    use ratatui::widgets::Widget;

    use super::*;
    use crate::keys::Via;
    use crate::player::Player;
    use crate::player::input::{Action, Input};
    use crate::session::{AnswerValue, EventKind};
    use crate::tui::play_view::Chrome;

    fn flow() -> crate::flow::Flow {
        let source = std::fs::read_to_string("flows/espresso-one-menu.yaml").expect("the flow");
        crate::flow::load(&source).expect("loads")
    }

    /// The screen's text in `area`, row by row.
    fn text_in(buf: &Buffer, area: Rect) -> String {
        let mut text = String::new();
        for y in area.top()..area.bottom() {
            for x in area.left()..area.right() {
                text.push_str(buf[(x, y)].symbol());
            }
            text.push('\n');
        }
        text
    }

    /// Taps the target that shows `words` on the screen as drawn at 80x24, at `at` ms.
    fn tap(player: &mut Player, words: &str, at: u64) {
        let area = Rect::new(0, 0, 80, 24);
        let view = PlayView {
            player,
            scroll: 0,
            chrome: Chrome::Remote,
        };
        let mut buf = Buffer::empty(area);
        (&view).render(area, &mut buf);
        let targets = view.targets(area);
        let target = (targets.iter())
            .find(|t| text_in(&buf, t.area).contains(words))
            .unwrap_or_else(|| panic!("a target showing {words:?} in {targets:?}"));
        let presses = target.presses.clone();
        for press in presses {
            let input = Input {
                at: Duration::from_millis(at),
                action: Action::Key(press.key),
            };
            player.handle_via(input, Via::Touch);
        }
        player.shown(Duration::from_millis(at + 10));
    }

    /// A mockup taller than its box is two targets: its upper half scrolls up, its lower
    /// half down; one that fits is none.
    #[test]
    fn a_long_mockup_scrolls_from_its_halves() {
        let lines: String = (1..=40).map(|i| format!("      line {i}\n")).collect();
        let source = format!(
            "flow: f\ntitle: F\nstart: a\nsteps:\n  a:\n    screen: |\n{lines}    choices:\n      - One -> b\n  b:\n    end: success\n"
        );
        let long = crate::flow::load(&source).expect("loads");
        let player = Player::new(&long);
        let view = PlayView {
            player: &player,
            scroll: 0,
            chrome: Chrome::Remote,
        };
        let scrolls: Vec<(Rect, Key)> = (view.targets(Rect::new(0, 0, 80, 24)).into_iter())
            .filter_map(|t| match t.presses[..] {
                [
                    Press {
                        key: key @ (Key::PageUp | Key::PageDown),
                        ..
                    },
                ] => Some((t.area, key)),
                _ => None,
            })
            .collect();
        let [(up, Key::PageUp), (down, Key::PageDown)] = scrolls[..] else {
            panic!("two halves: {scrolls:?}");
        };
        assert_eq!((up.bottom(), up.x, up.width), (down.y, down.x, down.width));
        assert!(up.height >= 8 && down.height >= 8, "{up:?} {down:?}");
        // The example's home mockup fits in 80x24.
        let short = flow();
        let player = Player::new(&short);
        let view = PlayView {
            player: &player,
            scroll: 0,
            chrome: Chrome::Remote,
        };
        let any = view.targets(Rect::new(0, 0, 80, 24));
        assert!(
            any.iter().all(|t| !matches!(
                t.presses[..],
                [Press {
                    key: Key::PageDown,
                    ..
                }]
            )),
            "{any:?}"
        );
    }

    /// A whole session by taps: a choice on each step, an option, a scale
    /// point and the closing screen, each recorded as it would be by keys, and as taps.
    #[test]
    fn every_choice_option_scale_point_and_continue_is_a_tap_away() {
        let flow = flow();
        let mut player = Player::new(&flow);
        player.shown(Duration::ZERO);
        tap(&mut player, "Espresso single", 2_000);
        tap(&mut player, "Brew now", 3_000);
        // The end step goes on, and so does the screen after the task.
        let mut at = 4_000;
        while !matches!(player.mode(), Mode::Question { .. }) {
            tap(&mut player, "ontinue", at);
            at += 1_000;
            assert!(at < 10_000, "stuck on {:?}", player.mode());
        }
        tap(&mut player, "Partly", at);
        tap(&mut player, " 6 ", at + 1_000);
        let events = player.take_events();
        let taps: Vec<(&str, Via)> = (events.iter())
            .filter_map(|e| match &e.kind {
                EventKind::Choose { choice, timing, .. } => Some((choice.as_str(), timing.input)),
                EventKind::Answer {
                    value: AnswerValue::Text(t),
                    timing,
                    ..
                } => Some((t.as_str(), timing.input)),
                _ => None,
            })
            .collect();
        assert_eq!(
            taps,
            [
                ("Espresso single", Via::Touch),
                ("Brew now", Via::Touch),
                ("Partly", Via::Touch)
            ]
        );
        let six = events.iter().any(|e| {
            matches!(
                &e.kind,
                EventKind::Answer { question, value: AnswerValue::Number(6), timing, .. }
                    if question == "seq" && timing.input == Via::Touch
            )
        });
        assert!(six, "{events:?}");
    }
}
