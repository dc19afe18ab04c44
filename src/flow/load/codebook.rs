//! Codebook YAML to the typed `Codebook`, with the flow loader's positions, types and
//! did-you-mean, so a codebook's mistakes read exactly like a flow's.

use super::{Format, Head, IdRule, LoadError, Loader};
use crate::diagnostic::{Diagnostic, Pos};
use crate::flow::codebook::{Codebook, Tag};
use crate::flow::yaml::{self, Node, Value};

pub(crate) const CODEBOOK: Format = Format {
    noun: "codebook",
    id_key: "codebook",
    id_rule: IdRule::Lowercase,
    body_key: "tags",
    keys: &["codebook", "title", "tags"],
    doc: DOC,
};

/// The keys of one tag.
pub(crate) const TAG_KEYS: &[&str] = &["name", "description", "group", "colour"];

/// Where missing keys point people.
const DOC: &str = "docs/findings.md";

/// Whether `source` is a codebook: its top-level mapping has `codebook:` and neither
/// `flow:` nor `study:`, so a flow with a stray key is still read as a flow.
pub fn is_codebook(source: &str) -> bool {
    yaml::parse(source).is_ok_and(|root| is_codebook_root(&root))
}

fn is_codebook_root(root: &Node) -> bool {
    codebook_key(root).is_some()
}

/// Where a codebook's `codebook:` key is written; `None` for any other file. A file with
/// `tags:` and no `steps:` is a codebook too, whose `codebook:` key is missing or misspelt
/// (`codebok:`): it is checked as one, so the loader says which key it lacks.
pub(super) fn codebook_key(root: &Node) -> Option<Pos> {
    let Value::Map(entries) = &root.value else {
        return None;
    };
    let key = |name: &str| {
        entries
            .iter()
            .find(|(k, _)| k.text == name)
            .map(|(k, _)| k.at)
    };
    let misspelt = || key("steps").is_none().then(|| key("tags")).flatten();
    (key("flow").is_none() && key("study").is_none())
        .then(|| key("codebook").or_else(misspelt))
        .flatten()
}

/// Loads a codebook from its YAML source text; help points at docs/findings.md.
pub fn load_codebook(source: &str) -> Result<Codebook, LoadError> {
    super::run(source, &CODEBOOK, |loader, root| loader.codebook(root))
}

impl Loader<'_> {
    fn codebook(&mut self, root: &Node) -> Option<Codebook> {
        let Head { fields, id, title } = self.head(root)?;
        let tags = fields
            .required(self, "tags", "the codebook")
            .map(|n| self.tags(n));
        self.finish(&fields);
        let (id, _) = id?;
        Some(Codebook {
            id,
            title: title?,
            tags: tags?,
        })
    }

    /// `tags:`, a list of tags with distinct names; at least one.
    fn tags(&mut self, node: &Node) -> Vec<Tag> {
        let Some(items) = self.list(node, "`tags`") else {
            return Vec::new();
        };
        if items.is_empty() {
            self.error(
                Diagnostic::error("no-tags", node.at, "`tags` lists no tag")
                    .with_help("add one: `- name: slow` with a `description:` of when to use it"),
            );
        }
        // Every good name, even of a tag with other mistakes, so a twin is still found.
        let mut names: Vec<(String, Pos)> = Vec::new();
        let mut tags = Vec::new();
        for item in items {
            let (name, tag) = self.tag(item);
            let Some((name, at)) = name else {
                continue;
            };
            if let Some((_, first)) = names.iter().find(|(n, _)| *n == name) {
                let message = format!(
                    "the tag `{name}` is named twice; the first is at line {}",
                    first.line
                );
                self.error(
                    Diagnostic::error("duplicate-tag", at, message)
                        .with_help("give each tag its own name, or merge the two"),
                );
                continue;
            }
            names.push((name, at));
            tags.extend(tag);
        }
        tags
    }

    /// One tag's name and where it is written, and the tag, each when it is right.
    fn tag(&mut self, node: &Node) -> (Option<(String, Pos)>, Option<Tag>) {
        let Some(fields) = self.fields(node, node.at, "a tag") else {
            return (None, None);
        };
        let name = fields
            .required(self, "name", "a tag")
            .and_then(|n| self.id(n, "tag name", IdRule::Lowercase));
        let description = fields
            .required(self, "description", "a tag")
            .and_then(|n| self.description(n));
        let group = fields
            .get("group")
            .and_then(|n| self.id(n, "group", IdRule::Lowercase));
        let colour =
            (fields.get("colour")).map(|n| self.colour(n, fields.key_at("colour").unwrap_or(n.at)));
        fields.finish(self, TAG_KEYS, "a tag");
        let tag = || {
            Some(Tag {
                name: name.as_ref()?.0.clone(),
                description: description?,
                group: group.map(|(g, _)| g),
                colour: match colour {
                    Some(colour) => Some(colour?),
                    None => None,
                },
            })
        };
        let tag = tag();
        (name, tag)
    }

    /// Text that says when to use a tag: not empty, several lines allowed.
    fn description(&mut self, node: &Node) -> Option<String> {
        let text = self.text(node, "a tag's description")?;
        let text = text.trim();
        if text.is_empty() {
            self.error(
                Diagnostic::error("bad-text", node.at, "a tag's description is empty")
                    .with_help("say when to use the tag: coders read it"),
            );
            return None;
        }
        Some(text.to_owned())
    }

    /// `#rrggbb`, in lowercase; `None` when it is not one (reported). `key_at` is where
    /// its key is written, for a value YAML took away.
    fn colour(&mut self, node: &Node, key_at: Pos) -> Option<String> {
        const HELP: &str = "write `#` and six hex digits, quoted, e.g. `colour: \"#d9534f\"`";
        if node.value == Value::Null {
            // Unquoted, `#d9534f` is a YAML comment and the value is gone.
            self.error(
                Diagnostic::error("bad-colour", key_at, "`colour` is empty")
                    .with_help(format!("{HELP}: unquoted, `#` starts a YAML comment")),
            );
            return None;
        }
        let text = self.line(node, "`colour`")?;
        let hex = text.strip_prefix('#').unwrap_or_default();
        if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Some(text.to_ascii_lowercase());
        }
        self.error(
            Diagnostic::error(
                "bad-colour",
                node.at,
                format!("`colour: {text}` is not a colour written `#rrggbb`"),
            )
            .with_help(HELP),
        );
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "codebook: shop\ntitle: Shop research\ntags:\n";

    /// Each error as `line:col: message (help)`, in order.
    fn errors(source: &str) -> Vec<String> {
        let e = load_codebook(source).expect_err("an error");
        (e.diagnostics.iter())
            .map(|d| {
                let help = d.help.as_deref().map(|h| format!(" ({h})"));
                let (line, col) = (d.at.line, d.at.col);
                format!("{line}:{col}: {}{}", d.message, help.unwrap_or_default())
            })
            .collect()
    }

    #[test]
    fn a_codebook_loads_its_tags_in_order_with_groups_and_colours() {
        let source = format!(
            "{HEAD}  - name: cant-find-order-status\n    description: Looks for the order\n    \
             group: navigation\n    colour: \"#D9534F\"\n  - name: slow\n    description: >\n      \
             Waits, or says\n      it takes too long\n"
        );
        let codebook = load_codebook(&source).expect("loads");
        assert_eq!(
            (codebook.id.as_str(), codebook.title.as_str()),
            ("shop", "Shop research")
        );
        assert_eq!(codebook.names(), ["cant-find-order-status", "slow"]);
        let first = &codebook.tags[0];
        assert_eq!(first.group.as_deref(), Some("navigation"));
        assert_eq!(first.colour.as_deref(), Some("#d9534f"));
        let slow = codebook.tag("slow").expect("slow");
        assert_eq!(slow.description, "Waits, or says it takes too long");
        assert_eq!((slow.group.as_ref(), slow.colour.as_ref()), (None, None));
        assert_eq!(codebook.groups(), ["navigation"]);
    }

    #[test]
    fn a_codebook_is_told_from_a_flow_and_a_study_by_its_top_key() {
        assert!(is_codebook(HEAD));
        assert!(!is_codebook("flow: f\ncodebook: x\n"));
        assert!(!is_codebook("study: s\ncodebook: x\n"));
        assert!(!is_codebook("- codebook: x\n"));
        assert!(!is_codebook("codebook: [\n"));
        assert!(
            !is_codebook("steps: {}\ntags: []\n"),
            "a flow without its key"
        );
    }

    /// A misspelt `codebook:` key is found as what it is, not as four flow errors.
    #[test]
    fn a_codebook_with_its_key_misspelt_says_so() {
        let text = HEAD.replacen("codebook:", "codebok:", 1);
        assert!(is_codebook(&text));
        let e = load_codebook(&text).expect_err("no id");
        let said: Vec<(String, Option<String>)> = (e.diagnostics.iter())
            .map(|d| (d.message.clone(), d.help.clone()))
            .collect();
        assert!(
            said.iter()
                .any(|(m, help)| m.contains("unknown key `codebok`")
                    && help.as_deref().is_some_and(|h| h.contains("`codebook`"))),
            "{said:?}"
        );
    }

    #[test]
    fn a_codebook_given_where_a_flow_belongs_is_named_as_one() {
        let e = crate::flow::load(&format!("# tags\n{HEAD}  - name: slow\n")).expect_err("no flow");
        let found: Vec<_> = (e.diagnostics.iter())
            .map(|d| (d.code, d.at.line, d.at.col, d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [("not-a-flow", 2, 1, "this file is a codebook, not a flow")]
        );
    }

    #[test]
    fn an_empty_or_headless_codebook_names_what_it_needs() {
        assert_eq!(
            errors(""),
            [
                "1:1: the file holds no codebook (a codebook starts with `codebook: <id>`, \
              `title:` and `tags:`; see docs/findings.md)"
            ]
        );
        assert_eq!(
            errors("tittle: x\n"),
            [
                "1:1: the codebook has no `codebook` (add `codebook:`; see docs/findings.md)",
                "1:1: the codebook has no `title` (add `title:`; see docs/findings.md)",
                "1:1: the codebook has no `tags` (add `tags:`; see docs/findings.md)",
                "1:1: unknown key `tittle` in the codebook (did you mean `title`?)",
            ]
        );
        assert_eq!(
            errors("codebook: Shop Research\ntitle: T\ntags: slow\n"),
            [
                "1:11: codebook id `Shop Research` may use only lowercase letters, digits, \
                 `-` and `_` (at most 64) (for example `shop-research`)",
                "3:7: expected `tags` to be a list, found the text `slow`",
            ]
        );
    }

    #[test]
    fn an_empty_tags_list_is_an_error_with_an_example() {
        assert_eq!(
            errors("codebook: shop\ntitle: T\ntags: []\n"),
            [
                "3:7: `tags` lists no tag (add one: `- name: slow` with a `description:` of \
              when to use it)"
            ]
        );
    }

    #[test]
    fn every_mistake_in_the_tags_is_placed_at_once() {
        let long = "a".repeat(65);
        let source = format!(
            "{HEAD}  - name: Slow Down\n    description: x\n  - description: y\n  \
             - name: ok\n    description: \"  \"\n    group: Nav Bar\n  - just text\n  \
             - name: {long}\n    description: z\n"
        );
        assert_eq!(
            errors(&source),
            [
                "4:11: tag name `Slow Down` may use only lowercase letters, digits, `-` and \
                 `_` (at most 64) (for example `slow-down`)",
                "6:5: a tag has no `name` (add `name:`; see docs/findings.md)",
                "8:18: a tag's description is empty (say when to use the tag: coders read it)",
                "9:12: group `Nav Bar` may use only lowercase letters, digits, `-` and `_` \
                 (at most 64) (for example `nav-bar`)",
                "10:5: expected a tag to be a mapping of keys, found the text `just text`",
                &format!(
                    "11:11: tag name `{long}` may use only lowercase letters, digits, `-` and \
                     `_` (at most 64) (for example `{}`)",
                    "a".repeat(64)
                ),
            ]
        );
        assert_eq!(
            errors(&format!("{HEAD}  - name: slow\n")),
            ["4:5: a tag has no `description` (add `description:`; see docs/findings.md)"]
        );
    }

    #[test]
    fn a_colour_is_hash_and_six_hex_digits_and_an_unquoted_one_is_explained() {
        let tag =
            |colour: &str| format!("{HEAD}  - name: slow\n    description: d\n    {colour}\n");
        assert_eq!(
            errors(&tag("colour: red")),
            [
                "6:13: `colour: red` is not a colour written `#rrggbb` (write `#` and six hex \
              digits, quoted, e.g. `colour: \"#d9534f\"`)"
            ]
        );
        assert_eq!(
            errors(&tag("colour: \"#d9534\"")),
            [
                "6:13: `colour: #d9534` is not a colour written `#rrggbb` (write `#` and six \
              hex digits, quoted, e.g. `colour: \"#d9534f\"`)"
            ]
        );
        assert_eq!(
            errors(&tag("colour: #d9534f")),
            [
                "6:5: `colour` is empty (write `#` and six hex digits, quoted, e.g. \
              `colour: \"#d9534f\"`: unquoted, `#` starts a YAML comment)"
            ]
        );
    }

    #[test]
    fn a_tag_named_twice_points_at_the_second_and_names_the_first() {
        let source = format!(
            "{HEAD}  - name: slow\n    description: a\n  - name: slow\n    description: b\n"
        );
        let twice = "the tag `slow` is named twice; the first is at line 4 (give each tag its \
                     own name, or merge the two)";
        assert_eq!(errors(&source), [format!("6:11: {twice}")]);
        // The first has a mistake of its own: the second is still its twin.
        let source = format!(
            "{HEAD}  - name: slow\n    description: a\n    colour: red\n  - name: slow\n    \
             description: b\n"
        );
        let found = errors(&source);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("6:13: `colour: red`"), "{found:?}");
        assert_eq!(found[1], format!("7:11: {twice}"));
    }

    #[test]
    fn an_unknown_key_gets_a_did_you_mean_or_the_known_keys() {
        let source = format!(
            "{HEAD}  - name: slow\n    description: d\n    color: \"#ffffff\"\n    theme: x\n"
        );
        assert_eq!(
            errors(&source),
            [
                "6:5: unknown key `color` in a tag (did you mean `colour`?)",
                "7:5: unknown key `theme` in a tag (known keys here: name, description, \
                 group, colour)",
            ]
        );
    }
}
