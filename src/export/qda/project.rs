//! The project document (`project.qde`): users, the codebook, each session a text source
//! with a selection per note, and the notes as memos.

use crate::codebook::Codebook;
use crate::format::minutes_seconds;
use crate::session::{Moment, Session};

use super::timeline::Timeline;
use super::xml::{Document, guid};
use super::{PROJECT_NS, Written, code_guid, codes};

/// What the document says, gathered as sessions are added.
#[derive(Default)]
pub struct Project {
    /// Each note's author, in the order first seen.
    users: Vec<String>,
    /// Every tag a note used, in the order first seen.
    tags: Vec<String>,
    /// The flows' titles, for the project's name.
    flows: Vec<String>,
    sources: Vec<Source>,
    /// How many sources each session id has had, so a copied file is a source of its own.
    ids: std::collections::HashMap<String, usize>,
}

struct Source {
    guid: String,
    name: String,
    description: String,
    created: String,
    selections: Vec<Selection>,
}

struct Selection {
    guid: String,
    start: usize,
    end: usize,
    author: String,
    created: String,
    tags: Vec<String>,
    text: String,
    note: String,
    note_name: String,
}

impl Project {
    /// Adds a session as a source with a selection per moment; its GUID, which names its
    /// text file.
    pub fn add(&mut self, session: &Session, moments: &[Moment], timeline: &Timeline) -> String {
        let header = &session.header;
        let seen = self.ids.entry(header.session.clone()).or_default();
        *seen += 1;
        let occurrence = seen.to_string();
        let source = guid(&["source", &header.session, &occurrence]);
        let mut name = format!(
            "{} · {} · {}",
            header.participant, header.flow.id, header.session
        );
        if *seen > 1 {
            name.push_str(&format!(" ({occurrence})"));
        }
        // Importers make a file of a source's name (QualCoder copies it into its project).
        let name = name.replace(['/', '\\', ':'], "-");
        remember(&mut self.flows, &header.flow.title);
        let selections = moments
            .iter()
            .enumerate()
            .map(|(i, moment)| {
                remember(&mut self.users, &moment.author);
                for tag in &moment.tags {
                    remember(&mut self.tags, tag);
                }
                let (start, end) = timeline.selection(i, moment);
                let index = i.to_string();
                Selection {
                    guid: guid(&["selection", &source, &index]),
                    start,
                    end,
                    author: moment.author.clone(),
                    created: instant(&header.started_at, moment.at_ms),
                    tags: moment.tags.clone(),
                    text: memo(moment),
                    note: guid(&["note", &source, &index]),
                    note_name: format!(
                        "{} on {} at {}",
                        moment.author,
                        header.participant,
                        minutes_seconds(moment.at_ms)
                    ),
                }
            })
            .collect();
        self.sources.push(Source {
            guid: source.clone(),
            name,
            description: timeline.text.lines().next().unwrap_or_default().to_owned(),
            created: instant(&header.started_at, 0),
            selections,
        });
        source
    }

    /// The document, and what it holds.
    pub fn document(&self, codebook: &Codebook) -> (String, Written) {
        let unlisted: Vec<String> = self
            .tags
            .iter()
            .filter(|t| codebook.tag(t).is_none())
            .cloned()
            .collect();
        let name = match self.flows.is_empty() {
            true => "mvx sessions".to_owned(),
            false => self.flows.join(" · "),
        };
        let mut doc = Document::new();
        doc.open(
            "Project",
            &[
                ("xmlns", Some(PROJECT_NS)),
                ("name", Some(&name)),
                ("origin", Some(super::ORIGIN)),
            ],
        );
        if !self.users.is_empty() {
            doc.open("Users", &[]);
            for user in &self.users {
                doc.empty(
                    "User",
                    &[("guid", Some(&user_guid(user))), ("name", Some(user))],
                );
            }
            doc.close();
        }
        let code_count = codebook.tags.len() + codebook.groups().len() + unlisted.len();
        if code_count > 0 {
            doc.open("CodeBook", &[]);
            codes(&mut doc, &codebook.tags, &unlisted);
            doc.close();
        }
        if !self.sources.is_empty() {
            doc.open("Sources", &[]);
            for source in &self.sources {
                self.source(&mut doc, source);
            }
            doc.close();
            self.notes(&mut doc);
        }
        let selections = self.sources.iter().flat_map(|s| &s.selections);
        let written = Written {
            sessions: self.sources.len(),
            notes: selections.clone().count(),
            coded: selections.filter(|s| !s.tags.is_empty()).count(),
            users: self.users.len(),
            codes: code_count,
        };
        (doc.finish(), written)
    }

    fn source(&self, doc: &mut Document, source: &Source) {
        let path = format!("internal://{}.txt", source.guid);
        doc.open(
            "TextSource",
            &[
                ("guid", Some(&source.guid)),
                ("name", Some(&source.name)),
                ("plainTextPath", Some(&path)),
                ("creationDateTime", Some(&source.created)),
            ],
        );
        doc.text("Description", &source.description);
        for selection in &source.selections {
            let (start, end) = (selection.start.to_string(), selection.end.to_string());
            let user = user_guid(&selection.author);
            let created = Some(selection.created.as_str());
            doc.open(
                "PlainTextSelection",
                &[
                    ("guid", Some(&selection.guid)),
                    ("startPosition", Some(&start)),
                    ("endPosition", Some(&end)),
                    ("creatingUser", Some(&user)),
                    ("creationDateTime", created),
                ],
            );
            // QualCoder reads a selection's description as its memo (an annotation when
            // it has no coding); the other tools read the note it refers to.
            doc.text("Description", &selection.text);
            for tag in &selection.tags {
                let id = guid(&["coding", &selection.guid, tag]);
                doc.open(
                    "Coding",
                    &[
                        ("guid", Some(&id)),
                        ("creatingUser", Some(&user)),
                        ("creationDateTime", created),
                    ],
                );
                doc.empty("CodeRef", &[("targetGUID", Some(&code_guid(tag)))]);
                doc.close();
            }
            doc.empty("NoteRef", &[("targetGUID", Some(&selection.note))]);
            doc.close();
        }
        doc.close();
    }

    /// Every note as a memo, each referred to by its selection.
    fn notes(&self, doc: &mut Document) {
        let mut selections = self.sources.iter().flat_map(|s| &s.selections).peekable();
        if selections.peek().is_none() {
            return;
        }
        doc.open("Notes", &[]);
        for selection in selections {
            let user = user_guid(&selection.author);
            doc.open(
                "Note",
                &[
                    ("guid", Some(&selection.note)),
                    ("name", Some(&selection.note_name)),
                    ("creatingUser", Some(&user)),
                    ("creationDateTime", Some(&selection.created)),
                ],
            );
            doc.text("PlainTextContent", &selection.text);
            doc.close();
        }
        doc.close();
    }
}

/// The memo of a moment: its words as typed, and the participant's words it is about.
fn memo(moment: &Moment) -> String {
    match &moment.quote {
        Some(quote) => format!("{}\n\nOn the words: \"{quote}\"", moment.text),
        None => moment.text.clone(),
    }
}

fn user_guid(name: &str) -> String {
    guid(&["user", name])
}

fn remember(seen: &mut Vec<String>, value: &str) {
    if !seen.iter().any(|v| v == value) {
        seen.push(value.to_owned());
    }
}

/// `at_ms` into a session that started at `started_at`, in UTC (`2026-11-26T09:00:04Z`):
/// importers date selections with it (QualCoder needs a date on each). A start that
/// cannot be read counts from 1970-01-01, so the document stays valid.
fn instant(started_at: &str, at_ms: u64) -> String {
    let start = chrono::DateTime::parse_from_rfc3339(started_at)
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default();
    let at = i64::try_from(at_ms)
        .ok()
        .and_then(|ms| start.checked_add_signed(chrono::TimeDelta::milliseconds(ms)))
        .unwrap_or(start);
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
