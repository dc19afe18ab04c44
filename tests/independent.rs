//! An independent audit of every figure `mvx report` gives (issue 20): six designed sets
//! of session files written by `tests/independent/make_sets.py` from the docs alone
//! (within, three-variant, variables, edge, export, returns), reported by the real binary in JSON,
//! Markdown and HTML and exported as CSV, then recomputed from the session files by
//! `tests/independent/audit.py` with SciPy and statsmodels. A test per set fails on any
//! mismatch, and on a statement the docs rule out ("p = 0.050" for 0.0499, a funnel that
//! rises, ...); findings still open are listed in the auditor's `OPEN` and printed.
//!
//! Needs python3 with scipy, statsmodels, pandas and PyYAML (`.ci/run` installs them).
//! Without them each test is reported as ignored, with the reason; under CI (`CI` set)
//! their absence fails. The file has its own harness (libtest-mimic) because the built-in
//! one can only ignore a test when it is compiled.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use libtest_mimic::{Arguments, Completion, Failed, Trial};

const SETS: [&str; 6] = [
    "within",
    "three-variant",
    "variables",
    "edge",
    "export",
    "returns",
];
const MODULES: &str = "import numpy, scipy, statsmodels, pandas, yaml";

fn main() -> std::process::ExitCode {
    let arguments = Arguments::from_args();
    let missing = common::python::missing(MODULES, "pip install scipy statsmodels pandas pyyaml");
    let trials = SETS
        .iter()
        .map(|&set| {
            let missing = missing.clone();
            let name = format!(
                "every_figure_of_the_{}_set_matches_scipy",
                set.replace('-', "_")
            );
            Trial::ignorable_test(name, move || audit(set, missing))
        })
        .collect();
    libtest_mimic::run(&arguments, trials).exit_code()
}

fn audit(set: &str, missing: Option<String>) -> Result<Completion, Failed> {
    if let Some(why) = missing {
        if std::env::var_os("CI").is_some() {
            return Err(format!("{why}; .ci/run installs them").into());
        }
        return Ok(Completion::ignored_with(why));
    }
    let dir = tempfile::tempdir().map_err(|e| format!("a temporary folder: {e}"))?;
    let sets = dir.path();
    python(&["tests/independent/make_sets.py", path(sets)?])?;
    let out = sets.join("out");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let folder = sets.join(set);
    for format in ["json", "md", "html"] {
        let file = out.join(format!("{set}.{format}"));
        mvx(&[
            "report",
            path(&folder)?,
            "--format",
            format,
            "-o",
            path(&file)?,
        ])?;
    }
    if set == "export" {
        // the recipe's other two countings (docs/export.md)
        for (flag, name) in [
            ("--all-attempts", "all"),
            ("--count-technical", "technical"),
        ] {
            let file = out.join(format!("{set}-{name}.json"));
            mvx(&[
                "report",
                path(&folder)?,
                flag,
                "--format",
                "json",
                "-o",
                path(&file)?,
            ])?;
        }
    }
    let export = out.join(format!("{set}-export"));
    mvx(&[
        "export",
        path(&folder)?,
        "--format",
        "csv",
        "-o",
        path(&export)?,
    ])?;
    let summary = python(&["tests/independent/audit.py", path(sets)?, set])?;
    println!("{set}: {summary}");
    Ok(Completion::Completed)
}

fn path(p: &Path) -> Result<&str, Failed> {
    p.to_str()
        .ok_or_else(|| format!("{} is not UTF-8", p.display()).into())
}

/// The real binary, without a terminal, from the repository's root (sessions name their
/// flow and study files relative to it).
fn mvx(args: &[&str]) -> Result<(), Failed> {
    let out = common::spawn::mvx()
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .map_err(|e| format!("mvx {}: {e}", args.join(" ")))?;
    if !out.status.success() {
        return Err(format!(
            "mvx {} exited {}: {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(())
}

/// A script of tests/independent/, its standard output when it succeeds.
fn python(args: &[&str]) -> Result<String, Failed> {
    let out = Command::new("python3")
        .args(["-W", "ignore"])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("python3 {}: {e}", args.join(" ")))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        return Err(format!(
            "python3 {} exited {}:\n{stdout}{}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(stdout)
}
