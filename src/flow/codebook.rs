//! The codebook a team writes (`codebook.yaml`): the tags it codes moments, answers and
//! friction items with, each with a description, a group (its theme) and a colour.
//!
//! Loaded by the flow loader's own machinery (`flow::load::codebook`), so its mistakes
//! are reported the way a flow's are; finding and opening the file is `crate::codebook`'s.

/// One tag a team codes with.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Tag {
    /// The tag's id, as typed after `#`: lowercase letters, digits, `-` and `_`.
    pub name: String,
    /// When to use it, for the coders.
    pub description: String,
    /// The theme it belongs to, if any.
    pub group: Option<String>,
    /// `#rrggbb`, if set.
    pub colour: Option<String>,
}

/// A codebook's tags, in the order written.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Codebook {
    pub id: String,
    pub title: String,
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
