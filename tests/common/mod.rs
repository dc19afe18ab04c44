//! Helpers shared by the test files.

pub mod imported;
pub mod pty;
pub mod python;
pub mod spawn;
