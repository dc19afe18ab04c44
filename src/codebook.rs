//! The codebook: the tags a team codes moments, answers and friction items with, each
//! with a description, a group (its theme) and a colour, kept in `codebook.yaml` beside a
//! study or its flows (docs/findings.md). The model and its loader live in the flow
//! layer (`flow::codebook`, `flow::load::codebook`); here is where a codebook is found,
//! how it is opened, and what a flow's `addresses:` must agree with.

use std::path::{Path, PathBuf};

pub use crate::flow::codebook::{Codebook, Tag};

use crate::diagnostic::Diagnostic;
use crate::flow::{self, Target};
use crate::source::{self, Kind};

/// The file name a codebook is found by.
pub const FILE_NAME: &str = "codebook.yaml";

/// What `open` reads: codebook files, small like flows.
pub const CODEBOOK_FILE: Kind = Kind {
    noun: "codebook",
    pattern: "*.yaml",
    limit: flow::open::LIMIT,
};

/// The codebook for files in `folders`: `codebook.yaml` in the first folder that has one.
pub fn beside<'p>(folders: impl IntoIterator<Item = &'p Path>) -> Option<PathBuf> {
    folders
        .into_iter()
        .map(|folder| folder.join(FILE_NAME))
        .find(|path| path.is_file())
}

/// The codebook of a session, a study or a flow: `explicit` (`--codebook FILE`) when
/// given, even if it is missing, so that opening it says so; else `codebook.yaml` in the
/// folder of the study file, else in the folder of the flow file, else in the current
/// folder.
pub fn find(explicit: Option<&Path>, study: Option<&Path>, flow: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_path_buf());
    }
    let folders = [study, flow].into_iter().flatten().filter_map(Path::parent);
    // An empty folder is the current one: `codebook.yaml`, as a person would write it.
    beside(folders.chain([Path::new("")]))
}

/// The codebook of a recorded session: `explicit`, else beside the study or the flow its
/// header names (as they were written where it was played), else in the current folder.
pub fn of_session(explicit: Option<&Path>, header: &crate::session::Header) -> Option<PathBuf> {
    let study = header.study.as_ref().map(|s| PathBuf::from(&s.path));
    let flow = PathBuf::from(&header.flow.path);
    find(explicit, study.as_deref(), Some(&flow))
}

/// Reads and loads the codebook at `path`; when it cannot be read, or has errors, a
/// message for the person who named it: every error with its line and caret, on lines of
/// their own, safe to print as they are (no control character of the file's reaches it).
pub fn open(path: &Path) -> Result<Codebook, String> {
    let bytes =
        source::read(path, CODEBOOK_FILE).map_err(|e| crate::text::printable(&e.to_string()))?;
    let read = read(bytes);
    let has_errors = read.diagnostics.iter().any(Diagnostic::is_error);
    match read.loaded {
        Some(codebook) if !has_errors => Ok(codebook),
        _ => Err(flow::open::refusal(
            &path.display().to_string(),
            &read.source,
            &read.diagnostics,
        )),
    }
}

/// The file at `path` read and loaded as a codebook, when it is one (its top-level key
/// is `codebook:`); `None` when it holds something else or could not be read.
pub fn read_if_codebook(path: &Path) -> Option<flow::open::Read<Codebook>> {
    let bytes = source::read(path, CODEBOOK_FILE).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    flow::is_codebook(text).then(|| read(bytes))
}

/// A codebook file's bytes decoded and loaded as every file mvx reads is.
fn read(bytes: Vec<u8>) -> flow::open::Read<Codebook> {
    flow::open::read(bytes, |text| match flow::load_codebook(text) {
        Ok(codebook) => (Some(codebook), Vec::new()),
        Err(e) => (None, e.diagnostics),
    })
}

/// Why a codebook that was found or named cannot be used, `problem` being what [`open`]
/// said: for a terminal, before any note is taken with tags nobody checks.
pub fn unusable(problem: &str) -> String {
    format!("the codebook cannot be used, so no #tag could be checked:\n{problem}")
}

/// The codebook's tag closest to `name`, when it is a likely typo of one.
pub fn suggest(codebook: &Codebook, name: &str) -> Option<String> {
    crate::suggest::closest(name, codebook.tags.iter().map(|t| t.name.as_str())).map(str::to_owned)
}

/// The codebook a flow's tags are checked against, as looking for it went.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    /// The codebook, and where it was found.
    Found(Codebook, PathBuf),
    /// No `codebook.yaml` where one is looked for.
    Missing,
    /// One was found at this path, but it cannot be read or has errors.
    Broken(PathBuf),
}

impl Lookup {
    /// Opens the codebook `find` found, if any.
    pub fn of(found: Option<PathBuf>) -> Lookup {
        match found {
            None => Lookup::Missing,
            Some(path) => match open(&path) {
                Ok(codebook) => Lookup::Found(codebook, path),
                Err(_) => Lookup::Broken(path),
            },
        }
    }
}

/// Warnings about a flow's `addresses:`: each tag the codebook does not have, with a
/// did-you-mean; or, once, that there is no codebook to check them against.
pub fn check_addresses(addresses: &[Target], codebook: &Lookup) -> Vec<Diagnostic> {
    let Some(first) = addresses.first() else {
        return Vec::new();
    };
    let (codebook, path) = match codebook {
        Lookup::Found(codebook, path) => (codebook, path.display()),
        Lookup::Missing => {
            let message = format!(
                "`addresses:` names tags, but no {FILE_NAME} was found beside the flow (or its \
                 study) or in the current folder"
            );
            return vec![
                Diagnostic::warning("no-codebook", first.at, message).with_help(format!(
                    "write the tags in {FILE_NAME} beside the flow; see docs/findings.md"
                )),
            ];
        }
        Lookup::Broken(path) => {
            let shown = path.display();
            let message = format!("`addresses:` names tags, but the codebook {shown} has errors");
            return vec![
                Diagnostic::warning("no-codebook", first.at, message)
                    .with_help(format!("`mvx check {shown}` lists them")),
            ];
        }
    };
    let unknown = addresses.iter().filter(|t| codebook.tag(&t.id).is_none());
    unknown
        .map(|target| {
            let message = format!(
                "`addresses:` names `{}`, which is not a tag of {path}",
                target.id
            );
            let warning = Diagnostic::warning("unknown-friction", target.at, message);
            match suggest(codebook, &target.id) {
                Some(name) => warning.with_help(format!("did you mean `{name}`?")),
                None => warning.with_help(format!(
                    "add it to {path}, or name one of its tags: {}",
                    codebook.names().join(", ")
                )),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Pos;

    const CODEBOOK: &str = "codebook: shop\ntitle: Shop\ntags:\n  - name: cant-find-order-status\n    description: Looks for the order\n  - name: slow\n    description: Waits\n";

    fn write(folder: &Path, text: &str) -> PathBuf {
        std::fs::create_dir_all(folder).expect("a folder");
        let path = folder.join(FILE_NAME);
        std::fs::write(&path, text).expect("written");
        path
    }

    fn target(id: &str, col: u32) -> Target {
        let at = Pos::new(3, col, u32::try_from(id.len()).unwrap_or(1));
        Target { id: id.into(), at }
    }

    #[test]
    fn the_explicit_file_wins_then_the_study_folder_then_the_flow_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (study, flows) = (dir.path().join("study"), dir.path().join("flows"));
        let (study_file, flow_file) = (study.join("s.yaml"), flows.join("f.yaml"));
        let nowhere = dir.path().join("none.yaml");
        assert_eq!(
            find(Some(&nowhere), Some(&study_file), Some(&flow_file)),
            Some(nowhere.clone()),
            "a missing explicit file is still the one, so opening it says so"
        );
        let beside_flow = write(&flows, CODEBOOK);
        assert_eq!(
            find(None, Some(&study_file), Some(&flow_file)),
            Some(beside_flow.clone())
        );
        let beside_study = write(&study, CODEBOOK);
        assert_eq!(
            find(None, Some(&study_file), Some(&flow_file)),
            Some(beside_study)
        );
        assert_eq!(find(None, None, Some(&flow_file)), Some(beside_flow));
    }

    #[test]
    fn opening_says_what_is_wrong_with_the_line_and_a_caret() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = write(dir.path(), CODEBOOK);
        let codebook = open(&path).expect("opens");
        assert_eq!(codebook.names(), ["cant-find-order-status", "slow"]);
        let shown = path.display();
        assert_eq!(
            open(&dir.path().join("none.yaml")),
            Err(format!(
                "cannot read {}: no such file",
                dir.path().join("none.yaml").display()
            ))
        );
        write(dir.path(), &CODEBOOK.replace("name: slow", "name: Slow"));
        let refused = open(&path).expect_err("a bad name");
        assert!(
            refused.starts_with(&format!(
                "{shown}:6:11: error: tag name `Slow` may use only lowercase letters"
            )),
            "{refused}"
        );
        assert!(
            refused.contains("6 |   - name: Slow\n  |           ^^^^\n"),
            "{refused}"
        );
        assert!(
            refused.ends_with(&format!(
                "fix these first; `mvx check {shown}` lists them too"
            )),
            "{refused}"
        );
    }

    #[test]
    fn a_codebook_is_read_for_checking_only_when_it_is_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = write(dir.path(), CODEBOOK);
        let read = read_if_codebook(&path).expect("a codebook");
        assert_eq!(read.loaded.map(|c| c.id), Some("shop".into()));
        std::fs::write(&path, "flow: f\ntitle: F\n").expect("written");
        assert!(read_if_codebook(&path).is_none());
        assert!(read_if_codebook(&dir.path().join("none.yaml")).is_none());
    }

    #[test]
    fn addresses_the_codebook_lacks_are_warned_with_the_closest_tag() {
        let codebook = crate::flow::load_codebook(CODEBOOK).expect("loads");
        assert_eq!(
            suggest(&codebook, "cant-find-order-staus").as_deref(),
            Some("cant-find-order-status")
        );
        assert_eq!(suggest(&codebook, "banana"), None);
        let found = Lookup::Found(codebook, PathBuf::from("flows/codebook.yaml"));
        let addresses = [
            target("slow", 13),
            target("cant-find-order-staus", 19),
            target("banana", 42),
        ];
        let warnings = check_addresses(&addresses, &found);
        let seen: Vec<_> = (warnings.iter())
            .map(|d| (d.code, d.at.col, d.message.as_str(), d.help.as_deref()))
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "unknown-friction",
                    19,
                    "`addresses:` names `cant-find-order-staus`, which is not a tag of \
                     flows/codebook.yaml",
                    Some("did you mean `cant-find-order-status`?")
                ),
                (
                    "unknown-friction",
                    42,
                    "`addresses:` names `banana`, which is not a tag of flows/codebook.yaml",
                    Some(
                        "add it to flows/codebook.yaml, or name one of its tags: \
                         cant-find-order-status, slow"
                    )
                ),
            ]
        );
        assert!(warnings.iter().all(|d| !d.is_error()));
        assert_eq!(check_addresses(&[], &Lookup::Missing), []);
    }

    #[test]
    fn without_a_codebook_addresses_are_warned_about_once() {
        let addresses = [target("slow", 13), target("fast", 19)];
        for lookup in [
            Lookup::Missing,
            Lookup::Broken(PathBuf::from("codebook.yaml")),
        ] {
            let warnings = check_addresses(&addresses, &lookup);
            assert_eq!(warnings.len(), 1, "{lookup:?}");
            assert_eq!((warnings[0].code, warnings[0].at.col), ("no-codebook", 13));
        }
        let broken = check_addresses(&addresses, &Lookup::Broken(PathBuf::from("c.yaml")));
        assert_eq!(
            broken[0].help.as_deref(),
            Some("`mvx check c.yaml` lists them")
        );
    }
}
