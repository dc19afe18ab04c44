//! `mvx observe`: follow a live session from a second terminal, and take notes beside it.
//! The screen is `tui::observer`, which the servers run for remote observers too.

pub use crate::tui::observer::help;

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use crate::session;
use crate::tui::observer::Observer;
use crate::tui::screen;

/// The newest session file in `dir`: names start with the UTC start time.
pub fn latest(dir: &Path) -> Option<PathBuf> {
    let (files, _) = session::discover(&[dir.to_owned()]);
    files
        .into_iter()
        .max_by_key(|p| p.file_name().map(|n| n.to_owned()))
}

/// Follows `path` until `q`; `n` starts a note, Enter saves it, Esc drops it. Notes are
/// by `coder` when named; `#tags` complete from `codebook`, or the one found beside the
/// session's study or flow.
pub fn run(path: PathBuf, coder: Option<String>, codebook: Option<PathBuf>) -> Result<(), String> {
    let mut observer = Observer::new(path, now());
    observer.author = coder;
    observer.codebook = codebook;
    observer.refresh();
    screen::run(&mut observer)
}

#[allow(clippy::disallowed_methods)] // the shell: observing is following the wall clock
fn now() -> DateTime<FixedOffset> {
    chrono::Local::now().fixed_offset()
}
