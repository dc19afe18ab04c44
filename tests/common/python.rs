//! Tests that check mvx against Python's own packages (scikit-learn, krippendorff,
//! xmlschema): they run when python3 has the packages; on a machine without them they are
//! reported as ignored, with the reason, and under CI (`CI` set, where `.ci/run`
//! installs them) their absence is a failure (docs/testing.md). A file of such tests has
//! its own harness (libtest-mimic): the built-in one can only ignore a test when it is
//! compiled.
#![allow(dead_code)] // each test file uses some of these

use std::process::{Command, Stdio};

use libtest_mimic::{Completion, Trial};

/// Why python3 cannot run `imports` (`import a, b`), if it cannot; `install` is what to
/// type to get the packages.
pub fn missing(imports: &str, install: &str) -> Option<String> {
    let found = Command::new("python3")
        .args(["-c", imports])
        .stdin(Stdio::null())
        .output();
    match found {
        Err(_) => Some("python3 is not installed".into()),
        Ok(out) if !out.status.success() => Some(format!(
            "python3 lacks a module these tests need ({install}): {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        )),
        Ok(_) => None,
    }
}

/// A test that needs the packages `missing` looked for: run when they are there.
pub fn needing(name: &str, missing: &Option<String>, test: fn()) -> Trial {
    let missing = missing.clone();
    Trial::ignorable_test(name, move || match missing {
        Some(why) if std::env::var_os("CI").is_some() => {
            Err(format!("{why}; .ci/run installs them").into())
        }
        Some(why) => Ok(Completion::ignored_with(why)),
        None => {
            test();
            Ok(Completion::Completed)
        }
    })
}

/// A test of the same file that needs nothing more.
pub fn plain(name: &str, test: fn()) -> Trial {
    Trial::test(name, move || {
        test();
        Ok(())
    })
}
