//! The review shell: the review screen in the terminal until `q`.
#![allow(clippy::disallowed_methods)] // the shell: it waits a moment for the first rows

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::{Review, data};
use crate::tui::screen;

/// Shows the sessions loaded (`data::load`) until the user quits.
pub fn run(loaded: data::Loaded) -> Result<(), String> {
    screen::run(&mut Review::new(loaded))
}

/// Shows the sessions under `paths` as they are read (`data::load_in_background`) until
/// the user quits. The screen opens as soon as the first rows are read (or every file, if
/// there are few), or after a moment without them; a reading that fails at once (no such
/// folder) is told before any screen opens.
pub fn run_reading(paths: &[PathBuf], noting: super::Noting) -> Result<(), String> {
    let mut review = Review::reading(data::load_in_background(paths.to_vec()));
    review.coder = noting.coder;
    review.codebook = noting.codebook;
    let waited = Instant::now();
    while review.loading.is_some()
        && review.data.rows.is_empty()
        && waited.elapsed() < FIRST_ROWS_WITHIN
    {
        if !review.receive() {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    if review.data.rows.is_empty()
        && let Some(why) = review.problem.take()
    {
        return Err(why);
    }
    screen::run(&mut review)
}

/// How long the screen waits for the first rows before opening without them.
const FIRST_ROWS_WITHIN: Duration = Duration::from_millis(300);
