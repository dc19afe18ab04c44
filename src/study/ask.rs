//! A yes-or-no screen before a session: a study's consent for the participant (in the
//! terminal or a served browser), the "resuming" notice for the researcher. State,
//! `AskAction`, `update` and a view.

use std::sync::LazyLock;
use std::time::Duration;

use crate::keys::{Key, Keymap, Press, bind};
use crate::runner::{Drawn, Screen, Stop};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AskAction {
    Yes,
    No,
    /// Scroll a long text by this many lines (negative: up).
    Scroll(i16),
}

pub static KEYS: LazyLock<Keymap<AskAction>> = LazyLock::new(|| {
    Keymap::new(vec![
        bind(&[Press::char('y')], AskAction::Yes, "yes"),
        bind(&[Press::char('n'), Press::ctrl('c')], AskAction::No, "no"),
        bind(
            &[Press::plain(Key::Down), Press::plain(Key::PageDown)],
            AskAction::Scroll(5),
            "scroll down",
        ),
        bind(
            &[Press::plain(Key::Up), Press::plain(Key::PageUp)],
            AskAction::Scroll(-5),
            "scroll up",
        ),
    ])
});

/// A question answered with y or n.
pub struct Ask {
    pub title: String,
    pub body: String,
    /// What y and n do, in the footer's words.
    pub yes: &'static str,
    pub no: &'static str,
    /// The answer and when it was given.
    pub answer: Option<(bool, Duration)>,
    /// When the screen was first shown: a key read before it answers nothing.
    pub shown_at: Option<Duration>,
    pub scroll: u16,
    /// The signal (or closed terminal) that ended the screen.
    pub stopped: Option<&'static str>,
}

impl Ask {
    /// A study's consent screen, titled with the study, as every participant sees it.
    pub fn consent(title: String, text: String) -> Self {
        Ask::new(title, text, "I agree, start", "I do not agree")
    }

    pub fn new(title: String, body: String, yes: &'static str, no: &'static str) -> Self {
        Ask {
            title,
            body,
            yes,
            no,
            answer: None,
            shown_at: None,
            scroll: 0,
            stopped: None,
        }
    }
}

impl Screen for Ask {
    type Action = AskAction;

    fn keys(&self) -> &Keymap<AskAction> {
        &KEYS
    }

    fn update(&mut self, at: Duration, action: AskAction) -> Result<bool, String> {
        if self.shown_at.is_none_or(|shown| at < shown) {
            return Ok(false);
        }
        match action {
            AskAction::Yes => self.answer = Some((true, at)),
            AskAction::No => self.answer = Some((false, at)),
            AskAction::Scroll(lines) => {
                let last = u16::try_from(self.body.lines().count()).unwrap_or(u16::MAX);
                self.scroll = self.scroll.saturating_add_signed(lines).min(last);
            }
        }
        Ok(true)
    }

    fn shown(&mut self, drawn: Drawn) -> Result<(), String> {
        self.shown_at.get_or_insert(drawn.at);
        Ok(())
    }

    fn stop(&mut self, _at: Duration, why: Stop) -> Result<(), String> {
        self.stopped = Some(match why {
            Stop::Signal(name) => name,
            Stop::Closed => "terminal closed",
        });
        Ok(())
    }

    fn done(&self) -> bool {
        self.answer.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn consent() -> Ask {
        Ask::new(
            "Before we start".into(),
            "We are testing a design, not you.\nYou can stop at any time.".into(),
            "I agree, start",
            "I do not agree",
        )
    }

    #[test]
    fn the_table_is_sound() {
        assert!(KEYS.problems().is_empty(), "{:?}", KEYS.problems());
        assert_eq!(KEYS.action(Press::char('y')), Some(AskAction::Yes));
        assert_eq!(KEYS.action(Press::char('x')), None);
    }

    #[test]
    fn an_answer_before_the_screen_was_shown_answers_nothing() {
        let mut ask = consent();
        let ms = Duration::from_millis;
        assert_eq!(ask.update(ms(5), AskAction::Yes), Ok(false));
        ask.shown(Drawn {
            at: ms(10),
            cols: 80,
            rows: 24,
        })
        .expect("shown");
        assert_eq!(ask.update(ms(9), AskAction::Yes), Ok(false));
        assert!(!ask.done());
        assert_eq!(ask.update(ms(900), AskAction::No), Ok(true));
        assert_eq!(ask.answer, Some((false, ms(900))));
        assert!(ask.done());
    }
}
