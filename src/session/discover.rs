//! Finding session files under the paths a researcher names.

use std::path::{Path, PathBuf};

/// Observer notes sit beside a session as `<session>.notes.yaml`; they are not sessions.
const NOTES_SUFFIX: &str = ".notes.yaml";

/// Every session file under `paths` (folders searched recursively), sorted, and a
/// message for each path that could not be read.
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let (mut found, mut problems) = (Vec::new(), Vec::new());
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut found, &mut problems),
            Ok(_) => found.push(path.clone()),
            Err(e) => problems.push(format!("cannot read {}: {e}", path.display())),
        }
    }
    found.sort();
    found.dedup();
    (found, problems)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>, problems: &mut Vec<String>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return problems.push(format!("cannot read {}: {e}", dir.display())),
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, found, problems),
            Ok(t) if t.is_file() && name.ends_with(".yaml") && !name.ends_with(NOTES_SUFFIX) => {
                found.push(path);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sessions_recursively_but_not_notes_or_other_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let nested = dir.path().join("day-2");
        std::fs::create_dir(&nested).expect("folder");
        for name in [
            "b.yaml",
            "a.yaml",
            "a.notes.yaml",
            "readme.txt",
            "day-2/c.yaml",
        ] {
            std::fs::write(dir.path().join(name), "").expect("file");
        }
        let missing = dir.path().join("nope");
        let (found, problems) = discover(&[dir.path().to_owned(), missing]);
        let names: Vec<_> = found
            .iter()
            .map(|p| p.strip_prefix(dir.path()).expect("inside"))
            .collect();
        assert_eq!(
            names,
            [
                Path::new("a.yaml"),
                Path::new("b.yaml"),
                Path::new("day-2/c.yaml")
            ]
        );
        assert_eq!(problems.len(), 1);
    }
}
