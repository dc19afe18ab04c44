//! The findings worded: per theme of the codebook, a table of its tags (moments,
//! sessions, participants, and per variant the participants with it), then per tag where
//! it was noted and its quotes, each a link to its moment in the page's replay when the
//! page has one.

use super::super::document::{Block, Item, Line, Piece, columns};
use super::super::findings::{Findings, Quote, TagFinding};
use super::super::screen::{Illustrations, Moment};
use crate::format::percent;

/// Quotes worded per tag; the JSON has every one.
const QUOTES_SHOWN: usize = 12;

pub fn blocks(findings: &Findings, shown: &Illustrations) -> Vec<Block> {
    if findings.is_empty() {
        return Vec::new();
    }
    let mut blocks = vec![Block::Heading(2, Line::text("Findings"))];
    let used = findings.tags.iter().filter(|t| t.moments > 0).count();
    let moments = findings.tagged_moments;
    let source = match (&findings.codebook, &findings.codebook_problem) {
        (Some(path), _) => Line::text("Tags from the codebook ").code(path).and(". "),
        (None, Some(_)) => Line::text(
            "The codebook cannot be used (see the warning below): tags are as typed, and none was checked. ",
        ),
        (None, None) => Line::text(
            "No codebook was found (codebook.yaml beside the study or the flow, or --codebook): tags are as typed. ",
        ),
    };
    let mut opening = source;
    opening = opening.and(format!(
        "{moments} tagged moment{} with {used} tag{} in the notes on {} session{} of {} participant{}; a tag is counted once per session and per participant, and in the step on screen when it was noted.",
        plural(moments),
        plural(used),
        findings.sessions,
        plural(findings.sessions),
        findings.participants,
        plural(findings.participants),
    ));
    blocks.push(Block::Paragraph(opening));
    if let Some(problem) = &findings.codebook_problem {
        blocks.push(Block::Aside(
            "Warning",
            Line::text(format!(
                "the codebook cannot be used: {} (`mvx check` lists every error of it).",
                problem.lines().next().unwrap_or_default()
            )),
        ));
    }
    let mut themes: Vec<(String, Vec<&TagFinding>)> = (findings.themes.iter())
        .map(|theme| {
            let tags = (findings.tags.iter())
                .filter(|t| t.in_codebook && t.group.as_deref() == Some(theme.as_str()))
                .collect();
            (format!("Theme: {theme}"), tags)
        })
        .collect();
    let ungrouped: Vec<&TagFinding> = (findings.tags.iter())
        .filter(|t| t.in_codebook && t.group.is_none())
        .collect();
    if !ungrouped.is_empty() {
        let title = match findings.themes.is_empty() {
            true => "Tags",
            false => "Tags without a theme",
        };
        themes.push((title.into(), ungrouped));
    }
    let strays: Vec<&TagFinding> = findings.tags.iter().filter(|t| !t.in_codebook).collect();
    if !strays.is_empty() {
        themes.push(("Not in the codebook".into(), strays));
    }
    for (title, tags) in themes {
        blocks.push(Block::Heading(3, Line::text(title)));
        blocks.push(table(&tags));
        for tag in tags.into_iter().filter(|t| t.moments > 0) {
            blocks.extend(tag_blocks(tag, shown));
        }
    }
    blocks
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A flow's variant as the findings name it: the flow, then its variant when it has one.
fn named(flow: &str, variant: &str) -> String {
    match variant.is_empty() {
        true => flow.to_owned(),
        false => format!("{flow} {variant}"),
    }
}

/// A theme's tags side by side: how often, and per variant who.
fn table(tags: &[&TagFinding]) -> Block {
    let rows = tags
        .iter()
        .map(|t| {
            let variants: Vec<String> = (t.variants.iter())
                .map(|v| {
                    format!(
                        "{}: {}/{}",
                        named(&v.flow, &v.variant),
                        v.participants,
                        v.of
                    )
                })
                .collect();
            vec![
                Line::default().code(format!("#{}", t.tag)),
                Line::text(t.description.clone().unwrap_or_default()),
                Line::text(t.moments.to_string()),
                Line::text(t.sessions.to_string()),
                Line::text(t.participants.to_string()),
                Line::text(variants.join("; ")),
            ]
        })
        .collect();
    Block::Table {
        columns: columns(&[
            "tag",
            "when it is used",
            "#moments",
            "#sessions",
            "#participants",
            "participants with it, per variant",
        ]),
        rows,
    }
}

/// One tag: its share per variant, where it was noted, and its quotes.
fn tag_blocks(tag: &TagFinding, shown: &Illustrations) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(
        4,
        Line::default().code(format!("#{}", tag.tag)),
    )];
    let shares: Vec<String> = (tag.variants.iter())
        .filter(|v| v.of > 0)
        .map(|v| {
            format!(
                "{}: {} of {} participants ({})",
                named(&v.flow, &v.variant),
                v.participants,
                v.of,
                percent(v.participants as f64 / v.of as f64)
            )
        })
        .collect();
    blocks.push(Block::Paragraph(Line::text(format!(
        "{}. Where: {}.",
        shares.join("; "),
        (tag.steps.iter())
            .map(|s| format!("{} {} ({})", s.flow, s.step, s.moments))
            .collect::<Vec<_>>()
            .join(", ")
    ))));
    let mut quotes: Vec<Item> = (tag.quotes.iter().take(QUOTES_SHOWN))
        .map(|q| Item::from(quote(q, shown)))
        .collect();
    if tag.quotes.len() > QUOTES_SHOWN {
        quotes.push(Item::from(Line::text(format!(
            "and {} more (every quote is in the JSON report)",
            tag.quotes.len() - QUOTES_SHOWN
        ))));
    }
    blocks.push(Block::List(quotes));
    blocks
}

/// “words”: who, the step, when and who noted it; in HTML a link to the moment when
/// the page replays the session.
fn quote(q: &Quote, shown: &Illustrations) -> Line {
    let words = match q.words.is_empty() {
        true => "(no words)".to_owned(),
        false => format!("“{}”", q.words),
    };
    let mut line = Line::text(format!("{words} · {} ", q.participant))
        .code(format!("{} {}", q.flow, q.variant).trim().to_owned())
        .and(format!(
            " · {} · {} · noted by {}",
            q.step.as_deref().unwrap_or("before the first screen"),
            crate::format::moment(q.at_ms, q.end_ms),
            q.author
        ));
    if let Some(&replay) = shown.sessions.get(&q.session) {
        line = line.and(" ").with(Piece::Moment(Moment {
            replay,
            participant: q.participant.clone(),
            at_ms: q.at_ms,
        }));
    }
    line
}
