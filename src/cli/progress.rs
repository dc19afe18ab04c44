//! A progress bar on stderr for long runs, silent when stderr is not a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Below this many files a run takes well under a second: no bar.
const LONG_RUN: usize = 500;

pub fn sessions(files: usize, verb: &str) -> ProgressBar {
    if files < LONG_RUN {
        return ProgressBar::hidden();
    }
    // indicatif draws nothing when stderr is not a terminal (a pipe, a file, CI).
    let bar = ProgressBar::with_draw_target(Some(files as u64), ProgressDrawTarget::stderr());
    let template = format!("{verb} {{bar:40}} {{pos}}/{{len}} sessions, {{eta}} left");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}

/// A count of sessions read so far, for runs whose length is not known in advance (the
/// files are found while they are read); drawn only when stderr is a terminal.
pub fn counting(verb: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let template = format!("{verb} {{pos}} sessions, {{elapsed}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}
