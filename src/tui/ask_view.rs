//! The view of a yes-or-no screen (`study::ask::Ask`): a study's consent, in the
//! terminal and in a served browser alike, and the "resuming" notice.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::study::ask::{Ask, AskAction, KEYS};
use crate::text::printable;
use crate::tui::pointer::{Pointable, Target, along};

fn regions(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(2),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area)
}

/// Each answer in the footer is a target: a click or tap on it answers.
impl Pointable for Ask {
    fn targets(&self, area: Rect) -> Vec<Target> {
        let [_, _, footer] = regions(area);
        let answer = |action, label| {
            let words = KEYS.hint(&[(&[action], label)]);
            (words, KEYS.press_of(action).map(|press| vec![press]))
        };
        let parts = [
            answer(AskAction::Yes, self.yes),
            answer(AskAction::No, self.no),
        ];
        along(footer.x, footer.y, footer.width, " · ", &parts)
    }
}

impl Widget for &Ask {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [title, body, footer] = regions(area);
        Line::from(printable(&self.title)).bold().render(title, buf);
        let text: Vec<Line> = self
            .body
            .lines()
            .map(|l| Line::from(printable(l)))
            .collect();
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .scroll((self.scroll, 0))
            .render(body, buf);
        let hint = KEYS.hint(&[(&[AskAction::Yes], self.yes), (&[AskAction::No], self.no)]);
        Line::from(hint).dim().render(footer, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    #[test]
    fn the_view_shows_the_text_and_both_answers() {
        let consent = Ask::new(
            "Before we start".into(),
            "We are testing a design, not you.\nYou can stop at any time.".into(),
            "I agree, start",
            "I do not agree",
        );
        let mut terminal = Terminal::new(TestBackend::new(60, 8)).expect("terminal");
        terminal
            .draw(|f| f.render_widget(&consent, f.area()))
            .expect("draws");
        insta::assert_snapshot!(terminal.backend());
    }
}
