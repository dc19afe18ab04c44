//! Synthetic participants: the player driven by made-up keys at made-up moments, so a
//! team can try report, review and export before fieldwork. The events come from the
//! same `Player` as a real session's; only the keys and their times are invented.

use std::time::Duration;

use std::collections::VecDeque;

use super::moves::DEFAULT_ANSWER;
use crate::flow::{Answer, Flow, StepKind};
use crate::keys::Press;
use crate::player::input::Key;
use crate::player::{Mode, Player};
use crate::runner::session::PlaySession;
use crate::runner::{self, Drawn, Incoming, Transport};
use crate::session::Event;
use crate::study::ask::Ask;

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

    /// The same shape, every time multiplied by `pace`: a draw of the scaled model is
    /// `pace` times a draw of this one (both parts scale), save the fastest floor.
    pub fn scaled(&self, pace: f64) -> Hesitation {
        Hesitation {
            mu_ms: self.mu_ms * pace,
            sigma_ms: self.sigma_ms * pace,
            tau_ms: self.tau_ms * pace,
        }
    }
}

/// One synthetic participant's session: choices picked uniformly among those offered,
/// sample answers typed, questions answered at random. A walk longer than `max_moves`
/// is ended as the researcher would end it. It runs as a played session runs: the same
/// `PlaySession` in the same screen loop, over a [`Synthetic`] transport.
pub fn participant(
    flow: &Flow,
    rng: &mut fastrand::Rng,
    hesitation: &Hesitation,
    max_moves: usize,
) -> Vec<Event> {
    let mut session = PlaySession::new(flow, Vec::new(), String::new());
    let mut transport = Synthetic::new(rng, hesitation, max_moves);
    // The synthetic transport never fails to draw, and a Vec records every event.
    let _ = runner::block_on(runner::run(&mut session, &mut transport));
    session.recorder
}

/// A made-up participant as a transport: each frame is on screen `DISPLAY_MS` after the
/// key before it; on each new screen they hesitate, then press the keys it asks for.
pub struct Synthetic<'r> {
    rng: &'r mut fastrand::Rng,
    hesitation: Hesitation,
    /// Between two typed characters, and from the last one to Enter.
    keystroke_ms: u64,
    max_moves: usize,
    moves: usize,
    /// The last key's time, or the last frame's when no key came after it.
    now: Duration,
    keys: VecDeque<Incoming>,
}

/// What ends a walk that goes on too long: the `abort` event's reason.
const COULD_NOT_FINISH: &str = "simulated participant could not finish";

impl<'r> Synthetic<'r> {
    pub fn new(rng: &'r mut fastrand::Rng, hesitation: &Hesitation, max_moves: usize) -> Self {
        Synthetic {
            rng,
            hesitation: *hesitation,
            keystroke_ms: KEYSTROKE_MS,
            max_moves,
            moves: 0,
            now: Duration::ZERO,
            keys: VecDeque::new(),
        }
    }

    /// The same participant at `pace` times their own speed: every hesitation and
    /// keystroke takes `pace` times as long (a returning participant who has learned);
    /// the screen takes as long as ever to show a frame.
    pub fn paced(mut self, pace: f64) -> Self {
        self.hesitation = self.hesitation.scaled(pace);
        self.keystroke_ms = (KEYSTROKE_MS as f64 * pace).round() as u64;
        self
    }

    /// The transport's clock now: the participant's last key or frame.
    pub fn now(&self) -> Duration {
        self.now
    }

    /// A frame out: on screen `DISPLAY_MS` after the key that led to it (the first at once).
    fn frame(&mut self) -> Drawn {
        if self.moves > 0 || !self.keys.is_empty() {
            self.now += Duration::from_millis(DISPLAY_MS);
        }
        Drawn {
            at: self.now,
            cols: 80,
            rows: 24,
        }
    }

    /// A hesitation drawn first (a seed makes the same sessions as before this ran in
    /// the screen loop), then `keys` for the screen, typed `KEYSTROKE_MS` apart.
    fn plan(&mut self, keys: impl FnOnce(&mut fastrand::Rng) -> Vec<Key>) {
        let mut at = self.now + Duration::from_millis(self.hesitation.sample(self.rng));
        let keys = keys(self.rng);
        if keys.is_empty() {
            // Stuck, or walking in circles: the researcher ends the session.
            self.keys.push_back(Incoming::Signal {
                at,
                name: COULD_NOT_FINISH,
            });
        }
        for (i, key) in keys.iter().enumerate() {
            at += Duration::from_millis(if i > 0 { self.keystroke_ms } else { 0 });
            let press = Press::plain(*key);
            self.keys.push_back(Incoming::Key { at, press });
        }
        self.moves += 1;
    }
}

impl<R> Transport<PlaySession<'_, R>> for Synthetic<'_> {
    async fn draw(&mut self, screen: &PlaySession<'_, R>) -> Result<Drawn, String> {
        let drawn = self.frame();
        if self.keys.is_empty() && !screen.player.is_finished() {
            let closing = matches!(screen.player.mode(), Mode::Closing { .. });
            let walking = closing || self.moves < self.max_moves;
            self.plan(|rng| match walking {
                true => keys(&screen.player, rng),
                false => Vec::new(),
            });
        }
        Ok(drawn)
    }

    async fn next(&mut self, _wait: Duration) -> Incoming {
        self.next_key()
    }
}

impl Transport<Ask> for Synthetic<'_> {
    /// A consent: agreed to after a hesitation.
    async fn draw(&mut self, screen: &Ask) -> Result<Drawn, String> {
        let drawn = self.frame();
        if self.keys.is_empty() && screen.answer.is_none() {
            self.plan(|_| vec![Key::Char('y')]);
        }
        Ok(drawn)
    }

    async fn next(&mut self, _wait: Duration) -> Incoming {
        self.next_key()
    }
}

/// Takes from `rng` what answering a consent takes from it (the hesitation: the answer
/// draws nothing more), so a walk with no consent before it draws what a walk after one
/// draws: a returning participant, asked no consent, walks as at their first visit.
pub fn past_consent(rng: &mut fastrand::Rng, hesitation: &Hesitation) {
    hesitation.sample(rng);
}

impl Synthetic<'_> {
    fn next_key(&mut self) -> Incoming {
        match self.keys.pop_front() {
            Some(incoming) => {
                if let Incoming::Key { at, .. } | Incoming::Signal { at, .. } = incoming {
                    self.now = at;
                }
                incoming
            }
            None => Incoming::Closed { at: self.now },
        }
    }
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
