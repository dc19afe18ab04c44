//! The keys of one YAML mapping: looked up by name, with duplicates and unknown keys reported.

use super::Loader;
use crate::diagnostic::{Diagnostic, Pos};
use crate::flow::yaml::{Key, Node};
use crate::suggest;

pub(super) struct Fields<'n> {
    at: Pos,
    entries: &'n [(Key, Node)],
}

impl<'n> Fields<'n> {
    /// `at` is where a "missing key" error points: the mapping's own key, for a step.
    pub(super) fn new(
        loader: &mut Loader,
        at: Pos,
        entries: &'n [(Key, Node)],
        what: &str,
    ) -> Self {
        for (i, (key, _)) in entries.iter().enumerate() {
            if let Some((first, _)) = entries[..i].iter().find(|(k, _)| k.text == key.text) {
                loader.error(Diagnostic::error(
                    "duplicate-key",
                    key.at,
                    format!(
                        "`{}` appears twice in {what}; the first is at line {}",
                        key.text, first.at.line
                    ),
                ));
            }
        }
        Self { at, entries }
    }

    pub(super) fn get(&self, name: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.text == name)
            .map(|(_, v)| v)
    }

    pub(super) fn key_at(&self, name: &str) -> Option<Pos> {
        self.entries
            .iter()
            .find(|(k, _)| k.text == name)
            .map(|(k, _)| k.at)
    }

    pub(super) fn required(&self, loader: &mut Loader, name: &str, what: &str) -> Option<&'n Node> {
        let node = self.get(name);
        if node.is_none() {
            loader.error(
                Diagnostic::error("missing-key", self.at, format!("{what} has no `{name}`"))
                    .with_help(format!("add `{name}:`; see {}", loader.format.doc)),
            );
        }
        node
    }

    /// Reports every key that is not one of `known`, and says whether there was one.
    pub(super) fn finish(&self, loader: &mut Loader, known: &[&str], what: &str) -> bool {
        let mut found = false;
        for (key, _) in self.entries {
            if known.contains(&key.text.as_str()) {
                continue;
            }
            found = true;
            let message = format!("unknown key `{}` in {what}", key.text);
            let diagnostic = Diagnostic::error("unknown-key", key.at, message);
            let diagnostic = match suggest::closest(&key.text, known.iter().copied()) {
                Some(s) => diagnostic.with_suggestion(Some(s)),
                None => diagnostic.with_help(format!("known keys here: {}", known.join(", "))),
            };
            loader.error(diagnostic);
        }
        found
    }
}
