//! mvx: test minimal viable experiences with real people, in a terminal.

pub mod cli;
pub mod codebook;
pub mod diagnostic;
pub mod export;
pub mod flow;
pub mod format;
pub mod frictions;
pub mod import;
pub mod keys;
pub mod observe;
pub mod play;
pub mod player;
pub mod preview;
pub mod replay;
pub mod report;
pub mod review;
pub mod runner;
pub mod serve;
pub mod session;
pub mod simulate;
pub mod source;
pub mod stats;
pub mod study;
pub mod suggest;
pub mod text;
pub mod tui;
