//! The codebook: the tags a team codes moments, answers and friction items with, each
//! with a description, a group (its theme) and a colour, kept in `codebook.yaml` beside a
//! study or its flows (docs/findings.md).

use std::path::{Path, PathBuf};

/// The file name a codebook is found by.
pub const FILE_NAME: &str = "codebook.yaml";

/// One tag a team codes with.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Tag {
    /// The tag's id, as typed after `#`: lowercase letters, digits, `-` and `_`.
    pub name: String,
    pub description: String,
    /// The theme it belongs to, if any.
    pub group: Option<String>,
    /// `#rrggbb`, if set.
    pub colour: Option<String>,
}

/// A codebook's tags, in the order written.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Codebook {
    pub tags: Vec<Tag>,
}

impl Codebook {
    pub fn tag(&self, name: &str) -> Option<&Tag> {
        self.tags.iter().find(|t| t.name == name)
    }

    /// The tags' names, in order: what a note's `#` completes against.
    pub fn names(&self) -> Vec<String> {
        self.tags.iter().map(|t| t.name.clone()).collect()
    }

    /// The groups (themes) in the order their first tag is written.
    pub fn groups(&self) -> Vec<&str> {
        let mut groups: Vec<&str> = Vec::new();
        for group in self.tags.iter().filter_map(|t| t.group.as_deref()) {
            if !groups.contains(&group) {
                groups.push(group);
            }
        }
        groups
    }
}

/// The codebook for files in `folders`: `codebook.yaml` in the first folder that has one.
pub fn beside<'p>(folders: impl IntoIterator<Item = &'p Path>) -> Option<PathBuf> {
    folders
        .into_iter()
        .map(|folder| folder.join(FILE_NAME))
        .find(|path| path.is_file())
}
