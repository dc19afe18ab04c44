//! Synthetic participants: the player driven by made-up keys at made-up moments, so a
//! team can try report, review and export before fieldwork. The events come from the
//! same `Player` as a real session's; only the keys and their times are invented.

use std::time::Duration;

use super::moves::DEFAULT_ANSWER;
use crate::flow::{Answer, Flow, StepKind};
use crate::player::input::{Action, Input, Key};
use crate::player::{Mode, Player};
use crate::session::Event;

/// What a synthetic participant types into a free-text question.
const FREE_TEXT: &str = "simulated answer";
/// Between two typed characters, and from the last one to Enter.
const KEYSTROKE_MS: u64 = 180;
/// From a key to the next frame on screen.
const DISPLAY_MS: u64 = 16;
/// No hesitation is shorter than this: faster is not reading the screen.
const FASTEST_MS: f64 = 150.0;

/// Hesitation times as an ex-Gaussian: a normal part (`mu`, `sigma`) plus an
/// exponential tail (`tau`), in milliseconds. Its mean is `mu + tau`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hesitation {
    pub mu_ms: f64,
    pub sigma_ms: f64,
    pub tau_ms: f64,
}

impl Default for Hesitation {
    /// Plausible for reading a short screen and picking a choice (mean 2 s, a long right
    /// tail); not fitted to any data set. See docs/simulate.md.
    fn default() -> Self {
        Self {
            mu_ms: 1200.0,
            sigma_ms: 300.0,
            tau_ms: 800.0,
        }
    }
}

impl Hesitation {
    /// One draw: Box-Muller for the normal part, inversion for the exponential one.
    pub fn sample(&self, rng: &mut fastrand::Rng) -> u64 {
        let open = |rng: &mut fastrand::Rng| 1.0 - rng.f64(); // in (0, 1]
        let normal = (-2.0 * open(rng).ln()).sqrt() * (std::f64::consts::TAU * rng.f64()).cos();
        let exponential = -self.tau_ms * open(rng).ln();
        let ms = self.mu_ms + self.sigma_ms * normal + exponential;
        ms.max(FASTEST_MS).round() as u64
    }
}

/// One synthetic participant's session: choices picked uniformly among those offered,
/// sample answers typed, questions answered at random. A walk longer than `max_moves`
/// is ended as the researcher would end it.
pub fn participant(
    flow: &Flow,
    rng: &mut fastrand::Rng,
    hesitation: &Hesitation,
    max_moves: usize,
) -> Vec<Event> {
    let mut player = Player::new(flow);
    let mut now = 0;
    player.shown(Duration::ZERO);
    let mut events = player.take_events();
    let mut moves = 0;
    while !player.is_finished() {
        now += hesitation.sample(rng);
        let closing = matches!(player.mode(), Mode::Closing { .. });
        let keys = match closing || moves < max_moves {
            true => keys(&player, rng),
            false => Vec::new(),
        };
        if keys.is_empty() {
            // Stuck, or walking in circles: the researcher ends the session.
            player.abort(
                Duration::from_millis(now),
                "simulated participant could not finish",
            );
        }
        for (i, key) in keys.into_iter().enumerate() {
            now += if i > 0 { KEYSTROKE_MS } else { 0 };
            let input = Input {
                at: Duration::from_millis(now),
                action: Action::Key(key),
            };
            player.handle(input);
        }
        now += DISPLAY_MS;
        player.shown(Duration::from_millis(now));
        events.extend(player.take_events());
        moves += 1;
    }
    events.extend(player.take_events());
    events
}

/// The keys a participant presses on the screen shown now.
fn keys(player: &Player, rng: &mut fastrand::Rng) -> Vec<Key> {
    match player.mode() {
        Mode::Step { step, .. } => step_keys(player, *step, rng),
        Mode::Question { index, .. } => {
            match player.flow().questions.get(*index).map(|q| &q.answer) {
                Some(Answer::Options(options)) => pick(rng.usize(..options.len().max(1))),
                Some(Answer::Scale(scale)) => {
                    let points = usize::try_from(scale.to.saturating_sub(scale.from)).unwrap_or(0);
                    let (dir, n) = (
                        if rng.bool() { Key::Right } else { Key::Left },
                        rng.usize(..=points / 2),
                    );
                    std::iter::once(Key::Right)
                        .chain(std::iter::repeat_n(dir, n))
                        .chain([Key::Enter])
                        .collect()
                }
                _ => typed(FREE_TEXT),
            }
        }
        Mode::Brief | Mode::StepDone { .. } | Mode::Interlude { .. } | Mode::Closing { .. } => {
            vec![Key::Enter]
        }
    }
}

fn step_keys(player: &Player, step: usize, rng: &mut fastrand::Rng) -> Vec<Key> {
    let Some(s) = player.step(step) else {
        return Vec::new();
    };
    match &s.kind {
        StepKind::Choices(_) => match player.choices(step).len() {
            0 => Vec::new(),
            n => pick(rng.usize(..n)),
        },
        StepKind::Input { .. } => {
            let samples = &s.logic.sample;
            match samples.is_empty() {
                true => typed(DEFAULT_ANSWER),
                false => typed(&samples[rng.usize(..samples.len())]),
            }
        }
        StepKind::Info { .. } | StepKind::End { .. } => vec![Key::Enter],
    }
}

/// The `i`th entry of a list: its digit, or the arrows and Enter past the ninth.
fn pick(i: usize) -> Vec<Key> {
    match u32::try_from(i).ok().filter(|&i| i < 9) {
        Some(d) => vec![Key::Char(char::from_digit(d + 1, 10).unwrap_or('1'))],
        None => std::iter::repeat_n(Key::Down, i)
            .chain([Key::Enter])
            .collect(),
    }
}

fn typed(text: &str) -> Vec<Key> {
    text.chars().map(Key::Char).chain([Key::Enter]).collect()
}
