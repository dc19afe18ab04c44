//! Finding session files under the paths a researcher names, one at a time, in order.
//!
//! A folder of a million sessions is walked, not listed: only the entries of the folders
//! on the way down are held, so memory grows with the largest folder, never with the
//! number of sessions. The walk gives files in the order sorting every path would, and
//! tells for each whether an observer's notes file sits beside it, from the same folder
//! listing (no look at the disk per session).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Observer notes sit beside a session as `<session>.notes.yaml`; they are not sessions.
const NOTES_SUFFIX: &str = ".notes.yaml";

/// A session file found by the walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    /// Its place in the walk, from 0: the same for the same files whenever walked.
    pub index: u64,
    /// Whether `<session>.notes.yaml` sits beside it.
    pub notes: bool,
}

/// Every session file under `paths` (folders searched recursively), sorted, and a
/// message for each path that could not be read.
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut walk = Walk::new(paths);
    let found = walk.by_ref().map(|f| f.path).collect();
    (found, walk.problems)
}

/// The session files under some paths, as an iterator; `problems` collects what could
/// not be read on the way.
pub struct Walk {
    /// Paths named, sorted, still to walk (the next at the end).
    roots: Vec<PathBuf>,
    /// One folder per level on the way down: its path and its entries still to visit
    /// (the next at the end), with the sorted names of every entry for notes lookups.
    stack: Vec<Level>,
    next_index: u64,
    pub problems: Vec<String>,
}

struct Level {
    dir: PathBuf,
    todo: Vec<(OsString, Kind)>,
    names: Vec<OsString>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Folder,
    File,
    Other,
}

impl Walk {
    /// Named paths are walked in sorted order, each once; a path inside a named folder
    /// is not walked again (one that is not there is still named as missing).
    pub fn new(paths: &[PathBuf]) -> Self {
        // Compared as the paths they resolve to, so `own`, `./own/` and its absolute
        // path are one folder; walked as given, so files are named as the user named them.
        // A folder named twice keeps the spelling given first.
        let mut roots: Vec<(PathBuf, usize, PathBuf)> = paths
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let real = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
                (real, i, p.clone())
            })
            .collect();
        roots.sort();
        roots.dedup_by(|a, b| a.0 == b.0);
        let folders: Vec<PathBuf> = roots
            .iter()
            .filter(|(real, _, _)| real.is_dir())
            .map(|(real, _, _)| real.clone())
            .collect();
        let inside = |real: &PathBuf| {
            folders.iter().any(|f| real != f && real.starts_with(f)) && real.exists()
        };
        let mut roots: Vec<PathBuf> = roots
            .into_iter()
            .filter(|(real, _, _)| !inside(real))
            .map(|(_, _, given)| given)
            .collect();
        roots.sort();
        roots.reverse();
        Walk {
            roots,
            stack: Vec::new(),
            next_index: 0,
            problems: Vec::new(),
        }
    }

    /// How many files the walk has given so far.
    pub fn found(&self) -> u64 {
        self.next_index
    }

    fn give(&mut self, path: PathBuf, notes: bool) -> Found {
        let index = self.next_index;
        self.next_index += 1;
        Found { path, index, notes }
    }

    /// Lists a folder's entries, sorted, onto the stack.
    fn enter(&mut self, dir: PathBuf) {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                let shown = dir.display();
                return self.problems.push(format!("cannot read {shown}: {e}"));
            }
        };
        let mut todo: Vec<(OsString, Kind)> = entries
            .flatten()
            .map(|entry| {
                let kind = match entry.file_type() {
                    Ok(t) if t.is_dir() => Kind::Folder,
                    Ok(t) if t.is_file() => Kind::File,
                    _ => Kind::Other,
                };
                (entry.file_name(), kind)
            })
            .collect();
        todo.sort_unstable_by(|a, b| b.0.cmp(&a.0));
        let mut names: Vec<OsString> = todo.iter().map(|(name, _)| name.clone()).collect();
        names.reverse();
        self.stack.push(Level { dir, todo, names });
    }

    /// A root as named: a folder is entered, anything else is given as a session.
    fn root(&mut self, path: PathBuf) -> Option<Found> {
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => {
                self.enter(path);
                None
            }
            Ok(_) => {
                let notes = super::notes_path(&path).is_file();
                Some(self.give(path, notes))
            }
            Err(e) => {
                let shown = path.display();
                self.problems.push(format!("cannot read {shown}: {e}"));
                None
            }
        }
    }
}

impl Iterator for Walk {
    type Item = Found;

    fn next(&mut self) -> Option<Found> {
        loop {
            let Some(level) = self.stack.last_mut() else {
                let root = self.roots.pop()?;
                match self.root(root) {
                    Some(found) => return Some(found),
                    None => continue,
                }
            };
            let Some((name, kind)) = level.todo.pop() else {
                self.stack.pop();
                continue;
            };
            let path = level.dir.join(&name);
            match kind {
                Kind::Folder => self.enter(path),
                // A link or a special file named as a session is given to the reader,
                // which reads a link to a file and names anything else it refuses.
                Kind::Other if is_session(&name) => return Some(self.give(path, false)),
                Kind::Other if path.is_dir() => self.problems.push(format!(
                    "{} is a link to a folder, which is not followed; name the folder to read it",
                    path.display()
                )),
                Kind::File if is_session(&name) => {
                    let notes =
                        notes_of(&name).is_some_and(|n| level.names.binary_search(&n).is_ok());
                    return Some(self.give(path, notes));
                }
                _ => {}
            }
        }
    }
}

fn is_session(name: &OsString) -> bool {
    let name = name.to_string_lossy();
    name.ends_with(".yaml") && !name.ends_with(NOTES_SUFFIX)
}

/// `x.yaml` -> `x.notes.yaml`, the name `notes_path` gives.
fn notes_of(name: &OsString) -> Option<OsString> {
    let path = Path::new(name).with_extension("notes.yaml");
    path.file_name().map(|n| n.to_owned())
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

    /// The walk's order is the order of every path sorted, whatever the nesting, and
    /// a path named twice or inside a named folder is given once.
    #[test]
    fn walks_in_the_order_of_the_sorted_paths_each_file_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let names = [
            "a.yaml",
            "a/z.yaml",
            "a/b/c.yaml",
            "a.b/x.yaml",
            "a-b.yaml",
            "ab/y.yaml",
            "B.yaml",
            "a/b.yaml",
            "a/b.notes.yaml",
            "0/1/2/3.yaml",
        ];
        for name in names {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("folders");
            std::fs::write(path, "").expect("file");
        }
        let root = dir.path().to_owned();
        let walked: Vec<Found> = Walk::new(&[
            root.join("a"),
            root.clone(),
            root.join("a.yaml"),
            root.clone(),
        ])
        .collect();
        let paths: Vec<PathBuf> = walked.iter().map(|f| f.path.clone()).collect();
        let mut sorted: Vec<PathBuf> = names
            .iter()
            .filter(|n| !n.ends_with(".notes.yaml"))
            .map(|n| root.join(n))
            .collect();
        sorted.sort();
        assert_eq!(paths, sorted);
        let indexes: Vec<u64> = walked.iter().map(|f| f.index).collect();
        assert_eq!(indexes, (0..sorted.len() as u64).collect::<Vec<_>>());
        let with_notes: Vec<&Path> = walked
            .iter()
            .filter(|f| f.notes)
            .map(|f| f.path.as_path())
            .collect();
        assert_eq!(with_notes, [root.join("a/b.yaml")]);
    }

    /// One folder named three ways is walked once.
    #[test]
    fn a_folder_named_twice_is_walked_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let own = dir.path().join("own");
        std::fs::create_dir(&own).expect("folder");
        std::fs::write(own.join("a.yaml"), "").expect("file");
        let twice = [own.clone(), own.join("."), own.join("../own/")];
        let walked: Vec<Found> = Walk::new(&twice).collect();
        assert_eq!(walked.len(), 1, "{walked:?}");
    }

    /// Links and special files in a folder are not passed over in silence: a link to a
    /// session is read, a pipe named as one goes to the reader (which refuses it by
    /// name), a link to a folder is named as not followed.
    #[cfg(unix)]
    #[test]
    fn links_and_pipes_in_a_folder_are_read_or_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (root, elsewhere) = (dir.path().join("root"), dir.path().join("elsewhere"));
        std::fs::create_dir_all(elsewhere.join("sub")).expect("folders");
        std::fs::create_dir(&root).expect("folder");
        std::fs::write(elsewhere.join("s.yaml"), "").expect("file");
        std::os::unix::fs::symlink(elsewhere.join("s.yaml"), root.join("link.yaml")).expect("link");
        std::os::unix::fs::symlink(elsewhere.join("sub"), root.join("sub")).expect("link");
        let piped = std::process::Command::new("mkfifo")
            .arg(root.join("pipe.yaml"))
            .status();
        let mut walk = Walk::new(std::slice::from_ref(&root));
        let names: Vec<PathBuf> = walk.by_ref().map(|f| f.path).collect();
        assert!(names.contains(&root.join("link.yaml")), "{names:?}");
        assert!(
            piped.is_ok_and(|s| s.success()),
            "mkfifo (coreutils) made a pipe"
        );
        assert!(names.contains(&root.join("pipe.yaml")), "{names:?}");
        let refused = crate::session::read(&root.join("pipe.yaml")).expect_err("a pipe");
        assert!(
            refused.message.contains("named pipe"),
            "{}",
            refused.message
        );
        assert_eq!(walk.problems.len(), 1, "{:?}", walk.problems);
        assert!(walk.problems[0].contains("not followed"));
    }
}
