//! `mvx replay`: a recorded session re-played as the participant saw it.
//!
//! The recording holds what was decided and when, not every key. Each event becomes
//! the keys that produce it (a highlight moves at the first key, the choice is taken at
//! the decision), and the player is driven with them, so the participant's screens are
//! drawn by the same code that showed them live.

pub mod cast;
mod run;

pub use run::{KEYS, run};

pub use crate::player::script::{Op, Script, apply};

#[cfg(test)]
mod tests;
