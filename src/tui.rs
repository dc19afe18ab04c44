//! The terminal shell shared by interactive commands: lifecycle, input, keys.

pub mod ask_view;
pub mod events;
pub mod frame;
pub mod frictions;
pub mod keymap;
pub mod notepad;
pub mod observer;
pub mod play_view;
pub mod pointer;
pub mod screen;
pub mod supervisor;
pub mod terminal;
pub mod timeline;
