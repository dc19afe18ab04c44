//! `mvx import` on real stories by other authors, kept outside the repository in
//! `../shared/stories` (see its SOURCES.md): each imports, checks clean and plays to an
//! end. Where the folder is absent the test is reported as ignored, with the reason;
//! under CI, where it is always laid beside the project, its absence fails. The file has
//! its own harness (libtest-mimic) because the built-in one can only ignore a test when it
//! is compiled.

mod common;

use std::path::Path;

use common::imported::{loads_and_checks, plays_to_an_end};
use libtest_mimic::{Arguments, Completion, Failed, Trial};
use mvx::import::{ink, twine};

const STORIES: &str = "../shared/stories";

fn main() -> std::process::ExitCode {
    let arguments = Arguments::from_args();
    let trial = Trial::ignorable_test(
        "real_stories_by_other_authors_import_check_and_play",
        real_stories_by_other_authors_import_check_and_play,
    );
    libtest_mimic::run(&arguments, vec![trial]).exit_code()
}

fn real_stories_by_other_authors_import_check_and_play() -> Result<Completion, Failed> {
    let dir = Path::new(STORIES);
    if !dir.exists() {
        if std::env::var_os("CI").is_some() {
            return Err(format!("{STORIES} is missing; CI lays shared/ beside the project").into());
        }
        return Ok(Completion::ignored_with(format!("{STORIES} is not here")));
    }
    let stories = [
        ("chapbook-cloak-of-darkness.twee", true),
        ("kulla-twine-to-github-pages-example.twee", true),
        ("ink-unity-integration-example-story.ink", false),
    ];
    for (name, is_twine) in stories {
        let source = std::fs::read_to_string(dir.join(name)).map_err(|e| format!("{name}: {e}"))?;
        let draft = if is_twine {
            twine::import(&source, name)
        } else {
            ink::import(&source, name)
        };
        let (yaml, _) = draft.to_yaml(name);
        let flow = loads_and_checks(&yaml);
        assert!(flow.steps.len() >= 3, "{name}");
        plays_to_an_end(&flow);
    }
    Ok(Completion::Completed)
}
