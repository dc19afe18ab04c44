//! Twine's Twee 3 text format: passages become steps, links become choices.

use super::{Draft, DraftChoice, DraftStep, step_id};

/// Story formats' markup that a flow cannot run: macros, modifiers, inserts.
fn markup(line: &str) -> Option<&'static str> {
    let t = line.trim();
    if t.starts_with('[') && t.ends_with(']') && !t.starts_with("[[") {
        Some("a modifier or condition")
    } else if t.contains("(if:") || t.contains("(set:") || t.contains("(link") {
        Some("a macro")
    } else if t.starts_with('{') && t.ends_with('}') {
        Some("an insert")
    } else {
        None
    }
}

/// A passage as read: its name, the line of its header, and its lines with their numbers.
type Passage = (String, usize, Vec<(usize, String)>);

pub fn import(source: &str, file_stem: &str) -> Draft {
    let mut draft = Draft {
        title: file_stem.to_owned(),
        ..Draft::default()
    };
    let mut current: Option<Passage> = None;
    for (n, line) in source.lines().enumerate() {
        if let Some(header) = line.strip_prefix("::") {
            if let Some(passage) = current.take() {
                passage_into(&mut draft, passage);
            }
            current = Some((passage_name(header), n + 1, Vec::new()));
        } else if let Some((_, _, lines)) = current.as_mut() {
            lines.push((n + 1, line.to_owned()));
        }
    }
    if let Some(passage) = current {
        passage_into(&mut draft, passage);
    }
    if draft.start.is_none() {
        let start = draft
            .steps
            .iter()
            .find(|s| s.id.eq_ignore_ascii_case("start"))
            .or(draft.steps.first());
        draft.start = start.map(|s| s.id.clone());
    }
    draft
}

/// `:: Name [tags] {"position": ...}` -> `Name`.
fn passage_name(header: &str) -> String {
    let mut name = header.trim().to_owned();
    for (open, close) in [('{', '}'), ('[', ']')] {
        if name.ends_with(close)
            && let Some(i) = name.rfind(open)
        {
            name.truncate(i);
        }
        name = name.trim().to_owned();
    }
    name.replace("\\[", "[").replace("\\]", "]")
}

fn passage_into(draft: &mut Draft, (name, line, lines): Passage) {
    match name.as_str() {
        "StoryTitle" => {
            draft.title = lines
                .iter()
                .map(|(_, l)| l.trim())
                .find(|l| !l.is_empty())
                .unwrap_or("")
                .to_owned();
            return;
        }
        "StoryData" => {
            let json: String = lines
                .iter()
                .map(|(_, l)| l.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            let data: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
            draft.start = data["start"].as_str().map(step_id);
            return;
        }
        _ => {}
    }
    let index = draft.steps.len();
    draft.steps.push(DraftStep {
        id: step_id(&name),
        line,
        ..DraftStep::default()
    });
    let body = skip_chapbook_vars(draft, index, &lines);
    let mut text = Vec::new();
    for (n, raw) in body {
        let (raw, macros) = strip_macros(raw);
        for m in macros {
            draft.note(index, *n, format!("a macro: {m}"));
        }
        if let Some(kind) = markup(&raw) {
            draft.note(index, *n, format!("{kind}: {}", raw.trim()));
            continue;
        }
        let (shown, links) = links(&raw);
        for (label, target) in links {
            if target.contains("://") {
                draft.note(index, *n, format!("an external link: {label} -> {target}"));
            } else {
                draft.steps[index]
                    .choices
                    .push(DraftChoice::to(label, step_id(&target)));
            }
        }
        text.push(shown);
    }
    draft.steps[index].text = tidy(&text);
}

/// The line without SugarCube's `<<macros>>`, and the macros taken out.
fn strip_macros(line: &str) -> (String, Vec<String>) {
    let (mut kept, mut macros, mut rest) = (String::new(), Vec::new(), line);
    while let Some(open) = rest.find("<<") {
        let Some(close) = rest[open..].find(">>").map(|c| open + c + 2) else {
            break;
        };
        kept.push_str(&rest[..open]);
        macros.push(rest[open..close].to_owned());
        rest = &rest[close..];
    }
    kept.push_str(rest);
    (kept, macros)
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

/// The line with its links shown as their labels, and the links as (label, target).
/// `[[T]]`, `[[L->T]]`, `[[T<-L]]`, `[[L|T]]`, and Markdown's `[L](T)`.
fn links(line: &str) -> (String, Vec<(String, String)>) {
    let (mut shown, mut found, mut rest) = (String::new(), Vec::new(), line);
    while let Some(open) = rest.find("[[") {
        let Some(close) = rest[open..].find("]]").map(|c| open + c) else {
            break;
        };
        shown.push_str(&rest[..open]);
        let inner = &rest[open + 2..close];
        let (label, target) = if let Some((l, t)) = inner.rsplit_once("->") {
            (l, t)
        } else if let Some((t, l)) = inner.split_once("<-") {
            (l, t)
        } else if let Some((l, t)) = inner.rsplit_once('|') {
            (l, t)
        } else {
            (inner, inner)
        };
        shown.push_str(label.trim());
        found.push((label.trim().to_owned(), target.trim().to_owned()));
        rest = &rest[close + 2..];
    }
    shown.push_str(rest);
    let (shown, markdown) = markdown_links(&shown);
    found.extend(markdown);
    (shown, found)
}

fn markdown_links(line: &str) -> (String, Vec<(String, String)>) {
    let (mut shown, mut found, mut rest) = (String::new(), Vec::new(), line);
    while let Some(open) = rest.find('[') {
        let Some(mid) = rest[open..].find("](").map(|m| open + m) else {
            break;
        };
        let Some(close) = rest[mid..].find(')').map(|c| mid + c) else {
            break;
        };
        let label = &rest[open + 1..mid];
        if label.contains('[') {
            break;
        }
        shown.push_str(&rest[..open]);
        shown.push_str(label);
        found.push((label.to_owned(), rest[mid + 2..close].to_owned()));
        rest = &rest[close + 1..];
    }
    shown.push_str(rest);
    (shown, found)
}

/// Passage text without its markup's emphasis and extra blank lines.
fn tidy(lines: &[String]) -> String {
    let text = lines.join("\n").replace("**", "").replace("<>", "");
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
    fn every_link_form_becomes_a_choice() {
        let (shown, links) = links(
            "Go [[Left]] or [[Take the right->Right]], [[Up<-Climb]], [[Down|Cellar]] or [see](Map).",
        );
        assert_eq!(shown, "Go Left or Take the right, Climb, Down or see.");
        let pairs: Vec<(&str, &str)> = links
            .iter()
            .map(|(l, t)| (l.as_str(), t.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("Left", "Left"),
                ("Take the right", "Right"),
                ("Climb", "Up"),
                ("Down", "Cellar"),
                ("see", "Map")
            ]
        );
    }

    #[test]
    fn passage_headers_lose_tags_and_metadata() {
        assert_eq!(
            passage_name(" Start [tag other] {\"position\":\"100,200\"}"),
            "Start"
        );
        assert_eq!(passage_name(" The End"), "The End");
    }
}
