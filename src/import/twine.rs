//! Twine's Twee 3 text format: passages become steps, links become choices, and
//! Harlowe's `(set:)`/`(if:)` and SugarCube's `<<set>>`/`<<if>>` become `vars:`, `set:`
//! and `if:` where they mean the same; what does not is named with its line.

mod expr;
mod markup;
mod passage;
mod vars;

use std::collections::HashMap;

use super::{Draft, DraftStep, step_id, unique_step_id};
use passage::{Read, TopSet, Walker};

/// Chapbook's markup, a line at a time, that a flow cannot run: modifiers, inserts.
fn markup(line: &str) -> Option<&'static str> {
    let t = line.trim();
    if t.starts_with('[') && t.ends_with(']') && !t.starts_with("[[") && !t.ends_with("]]") {
        Some("a modifier or condition")
    } else if t.starts_with('{')
        && t.ends_with('}')
        && t.len() > 2
        && !["(", "<<", "$", "[["].iter().any(|m| t.contains(m))
    {
        Some("an insert")
    } else {
        None
    }
}

/// SugarCube's and Harlowe's passages that are no place in the story.
const SPECIAL: &[&str] = &[
    "StoryCaption",
    "StoryMenu",
    "StoryBanner",
    "StorySubtitle",
    "StoryAuthor",
    "StoryInterface",
    "StoryShare",
    "PassageReady",
    "PassageDone",
    "PassageHeader",
    "PassageFooter",
];
const SPECIAL_TAGS: &[&str] = &[
    "script",
    "stylesheet",
    "widget",
    "header",
    "footer",
    "debug-header",
    "debug-footer",
    "debug-startup",
    "Twine.private",
];

/// A passage as read: its name, tags, the line of its header, its lines with numbers.
struct Passage {
    name: String,
    tags: Vec<String>,
    line: usize,
    lines: Vec<(usize, String)>,
}

impl Passage {
    /// Runs before the first passage: SugarCube's `StoryInit`, Harlowe's `startup` tag.
    fn is_init(&self) -> bool {
        self.name == "StoryInit" || self.tags.iter().any(|t| t == "startup")
    }

    fn is_special(&self) -> bool {
        SPECIAL.contains(&self.name.as_str())
            || self.tags.iter().any(|t| SPECIAL_TAGS.contains(&t.as_str()))
    }
}

pub fn import(source: &str, file_stem: &str) -> Draft {
    let mut draft = Draft {
        title: file_stem.to_owned(),
        ..Draft::default()
    };
    let mut story = Vec::new();
    for p in split(source) {
        match p.name.as_str() {
            "StoryTitle" => draft.title = first_line(&p.lines),
            "StoryData" => draft.start = story_start(&p.lines),
            _ => story.push(p),
        }
    }
    let ids = unique_ids(&story);
    let lookup = |name: &str| -> Option<String> {
        ids.get(name)
            .or_else(|| ids.get(&name.to_lowercase()))
            .cloned()
    };
    let (init, tops) = read_story(&mut draft, &story, &lookup);
    draft.start = draft.start.as_deref().and_then(lookup);
    if draft.start.is_none() {
        let start = draft
            .steps
            .iter()
            .find(|s| s.id.eq_ignore_ascii_case("start"))
            .or(draft.steps.first());
        draft.start = start.map(|s| s.id.clone());
    }
    vars::settle(&mut draft, init, tops);
    draft
}

/// Every passage into its step, but for special ones; the sets of `StoryInit`/`startup`
/// passages, and each step's top-level sets.
fn read_story(
    draft: &mut Draft,
    story: &[Passage],
    lookup: &dyn Fn(&str) -> Option<String>,
) -> (Vec<TopSet>, Vec<Vec<TopSet>>) {
    let mut tops: Vec<Vec<TopSet>> = Vec::new();
    let mut init = Vec::new();
    for p in story {
        if p.is_special() && !p.is_init() {
            let what = format!("the special passage {} ({})", p.name, p.tags.join(" "));
            draft.dropped.push(super::Dropped {
                line: p.line,
                what: what.replace(" ()", ""),
            });
            continue;
        }
        let index = draft.steps.len();
        draft.steps.push(DraftStep {
            id: lookup(&p.name).unwrap_or_else(|| step_id(&p.name)),
            line: p.line,
            ..DraftStep::default()
        });
        let read = read_passage(draft, index, &p.lines, lookup);
        if p.is_init() {
            // Its notes are in `dropped` already; it is no step of its own.
            draft.steps.pop();
            init.extend(read.sets);
            continue;
        }
        tops.push(place(draft, index, read, lookup));
    }
    (init, tops)
}

/// The passages of a Twee file, in order.
fn split(source: &str) -> Vec<Passage> {
    let mut out: Vec<Passage> = Vec::new();
    for (n, line) in source.lines().enumerate() {
        if let Some(header) = line.strip_prefix("::") {
            let (name, tags) = passage_name(header);
            out.push(Passage {
                name,
                tags,
                line: n + 1,
                lines: Vec::new(),
            });
        } else if let Some(p) = out.last_mut() {
            p.lines.push((n + 1, line.to_owned()));
        }
    }
    out
}

fn first_line(lines: &[(usize, String)]) -> String {
    lines
        .iter()
        .map(|(_, l)| l.trim())
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .to_owned()
}

fn story_start(lines: &[(usize, String)]) -> Option<String> {
    let json: Vec<&str> = lines.iter().map(|(_, l)| l.as_str()).collect();
    let data: serde_json::Value = serde_json::from_str(&json.join("\n")).unwrap_or_default();
    data["start"].as_str().map(str::to_owned)
}

/// Step ids for passages, unique even where names differ only in spacing or case;
/// looked up by exact name, then by name in lowercase.
fn unique_ids(story: &[Passage]) -> HashMap<String, String> {
    let mut ids = HashMap::new();
    let mut taken = std::collections::HashSet::new();
    for p in story {
        let id = unique_step_id(&taken, &p.name);
        taken.insert(id.to_lowercase());
        ids.entry(p.name.to_lowercase())
            .or_insert_with(|| id.clone());
        ids.entry(p.name.clone()).or_insert(id);
    }
    ids
}

/// The passage's body read into its step's text and notes.
fn read_passage(
    draft: &mut Draft,
    index: usize,
    lines: &[(usize, String)],
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Read {
    let body = skip_chapbook_vars(draft, index, lines);
    let mut kept = String::new();
    let first = body.first().map_or(1, |(n, _)| *n);
    for (n, raw) in body {
        if let Some(kind) = markup(raw) {
            draft.note(index, *n, format!("{kind}: {}", raw.trim()));
        } else if !matches!(raw.trim(), "{" | "}") {
            kept.push_str(raw);
        }
        // Every line keeps its place, so pieces know their line numbers.
        kept.push('\n');
    }
    let read = Walker::read(markup::pieces(&kept, first), lookup);
    for (n, what) in &read.notes {
        draft.note(index, *n, what.clone());
    }
    read
}

/// The read passage into its step: text, choices and `go` with their targets as ids.
fn place(
    draft: &mut Draft,
    index: usize,
    read: Read,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Vec<TopSet> {
    let target = |t: &str| lookup(t).unwrap_or_else(|| step_id(t));
    let step = &mut draft.steps[index];
    step.text = tidy(&read.text);
    step.choices = read.choices;
    for c in &mut step.choices {
        c.target = target(&c.target);
    }
    step.go = read.go.as_deref().map(target);
    read.sets
}

/// `:: Name [tags] {"position": ...}` -> `Name` and its tags.
fn passage_name(header: &str) -> (String, Vec<String>) {
    let mut name = header.trim().to_owned();
    let mut tags = Vec::new();
    for (open, close) in [('{', '}'), ('[', ']')] {
        if name.ends_with(close)
            && let Some(i) = name.rfind(open)
        {
            if open == '[' {
                tags = name[i + 1..name.len() - 1]
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect();
            }
            name.truncate(i);
        }
        name = name.trim().to_owned();
    }
    (name.replace("\\[", "[").replace("\\]", "]"), tags)
}

/// Chapbook passages may start with variables, up to a `--` line.
fn skip_chapbook_vars<'a>(
    draft: &mut Draft,
    index: usize,
    lines: &'a [(usize, String)],
) -> &'a [(usize, String)] {
    let Some(split) = lines.iter().position(|(_, l)| l.trim() == "--") else {
        return lines;
    };
    let vars = &lines[..split];
    if vars
        .iter()
        .all(|(_, l)| l.trim().is_empty() || (l.contains(':') && !l.contains("[[")))
    {
        for (n, l) in vars.iter().filter(|(_, l)| !l.trim().is_empty()) {
            draft.note(index, *n, format!("a variable: {}", l.trim()));
        }
        return &lines[split + 1..];
    }
    lines
}

/// Passage text without its markup's emphasis and extra blank lines.
fn tidy(text: &str) -> String {
    let text = text.replace("**", "").replace("<>", "");
    let mut out = Vec::new();
    for line in text.lines().map(|l| l.trim_end().trim_matches('_')) {
        if !(line.trim().is_empty() && out.last().is_none_or(|l: &&str| l.trim().is_empty())) {
            out.push(line);
        }
    }
    out.join("\n").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passage_headers_lose_tags_and_metadata() {
        assert_eq!(
            passage_name(" Start [tag other] {\"position\":\"100,200\"}"),
            ("Start".into(), vec!["tag".into(), "other".into()])
        );
        assert_eq!(passage_name(" The End"), ("The End".into(), vec![]));
    }
}
