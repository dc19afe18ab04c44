//! The codebook format as a JSON Schema, made and checked against its loader as the
//! flow's is (`super::Format`).

use schemars::JsonSchema;

/// A codebook file: the tags a team codes moments and frictions with. See
/// docs/findings.md.
#[derive(JsonSchema)]
#[schemars(title = "mvx codebook", deny_unknown_fields)]
#[allow(dead_code)] // read by schemars, never built
pub(super) struct CodebookFile {
    /// The codebook's id: lowercase letters, digits, '-' and '_'.
    #[schemars(regex(pattern = r"^[a-z0-9_-]{1,64}$"))]
    codebook: String,
    /// One line, shown to the coders.
    title: String,
    /// The tags, in the order findings are listed; names are distinct.
    #[schemars(length(min = 1))]
    tags: Vec<TagFile>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
pub(super) struct TagFile {
    /// What is typed after '#': lowercase letters, digits, '-' and '_'.
    #[schemars(regex(pattern = r"^[a-z0-9_-]{1,64}$"))]
    name: String,
    /// When to use the tag; coders read it.
    #[schemars(length(min = 1))]
    description: String,
    /// The theme it belongs to: findings are grouped by it.
    #[schemars(regex(pattern = r"^[a-z0-9_-]{1,64}$"))]
    group: Option<String>,
    /// "#rrggbb", quoted: unquoted, '#' starts a YAML comment.
    #[schemars(regex(pattern = r"^#[0-9A-Fa-f]{6}$"))]
    colour: Option<String>,
}
