//! Helpers shared by the test files.

pub mod pty;
