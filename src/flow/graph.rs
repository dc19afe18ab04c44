//! The flow as a diagram: Mermaid for wikis and pull requests, Graphviz DOT for print.

use std::fmt::Write as _;

use crate::flow::logic::Branch;
use crate::flow::{Flow, SUCCESS, Step, StepKind, Target};
use crate::text::{is_invisible, printable};

/// Longest label text kept on a node; the full text stays in the flow.
const LABEL_CHARS: usize = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Mermaid,
    Dot,
}

pub fn render(flow: &Flow, format: Format) -> String {
    match format {
        Format::Mermaid => mermaid(flow),
        Format::Dot => dot(flow),
    }
}

/// An edge of the diagram: from a step to a step index (or a missing id), with a label.
struct Edge<'f> {
    from: usize,
    to: Result<usize, &'f str>,
    label: String,
}

fn edges(flow: &Flow) -> Vec<Edge<'_>> {
    let index = flow.index();
    let mut edges = Vec::new();
    for (from, step) in flow.steps.iter().enumerate() {
        for (label, target) in labelled_exits(step) {
            let to = index
                .get(target.id.as_str())
                .copied()
                .ok_or(target.id.as_str());
            edges.push(Edge { from, to, label });
        }
    }
    edges
}

/// Each way out of a step, labelled with its choice or input and the condition that
/// opens it: `Check out [if {cups} > 0]`, `[if {cups} > 3]`, `[otherwise]`.
fn labelled_exits(step: &Step) -> Vec<(String, &Target)> {
    match &step.kind {
        StepKind::Choices(choices) => choices
            .iter()
            .flat_map(|c| {
                let mut label = c.label.clone();
                if let Some(when) = &c.logic.when {
                    label = joined(&label, &format!("[if {}]", when.source));
                }
                if c.logic.once {
                    label = joined(&label, "[once]");
                }
                ways(label, &c.logic.branches, &c.go)
            })
            .collect(),
        StepKind::Input { name, go } => ways(format!("input: {name}"), &step.logic.branches, go),
        StepKind::Info { go } => ways(String::new(), &step.logic.branches, go),
        StepKind::End { .. } => Vec::new(),
    }
}

fn ways<'s>(base: String, branches: &'s [Branch], go: &'s Target) -> Vec<(String, &'s Target)> {
    let mut out: Vec<(String, &Target)> = branches
        .iter()
        .map(|b| (joined(&base, &format!("[if {}]", b.when.source)), &b.to))
        .collect();
    let last = match branches.is_empty() {
        true => base,
        false => joined(&base, "[otherwise]"),
    };
    out.push((last, go));
    out
}

fn joined(a: &str, b: &str) -> String {
    match a.is_empty() {
        true => b.to_owned(),
        false => format!("{a} {b}"),
    }
}

/// Step id, then its prompt (or the first words of its screen), shortened.
fn node_label(step: &Step) -> String {
    let detail = step
        .text
        .as_deref()
        .or_else(|| step.screen.as_ref().and_then(|s| first_words(&s.text)))
        .map(|t| shorten(t.trim()));
    let outcome = match &step.kind {
        StepKind::End { outcome } => format!(" [end: {outcome}]"),
        _ => String::new(),
    };
    match detail {
        Some(d) => format!("{}{outcome}\n{d}", step.id),
        None => format!("{}{outcome}", step.id),
    }
}

/// The first screen line with words on it, without the box drawn around it.
fn first_words(screen: &str) -> Option<&str> {
    screen
        .lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() || "|+-=#*<>".contains(c)))
        .find(|l| l.chars().any(char::is_alphanumeric))
}

fn shorten(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= LABEL_CHARS {
        return one_line;
    }
    let cut: String = one_line.chars().take(LABEL_CHARS - 1).collect();
    format!("{cut}…")
}

fn mermaid(flow: &Flow) -> String {
    let mut out = String::new();
    // The front matter is YAML; a JSON string is a valid YAML double-quoted scalar.
    let title = serde_json::to_string(&printable(&flow.title)).unwrap_or_default();
    let _ = writeln!(out, "---\ntitle: {title}\n---");
    out.push_str("flowchart TD\n");
    for (i, step) in flow.steps.iter().enumerate() {
        let label = mermaid_text(&node_label(step)).replace('\n', "<br/>");
        let (open, close) = match step.kind {
            StepKind::End { .. } => ("([", "])"),
            _ => ("[", "]"),
        };
        let _ = writeln!(out, "    s{i}{open}\"{label}\"{close}");
    }
    let mut missing = Vec::new();
    for edge in edges(flow) {
        let to = match edge.to {
            Ok(i) => format!("s{i}"),
            Err(id) => {
                let n = missing.iter().position(|m| *m == id).unwrap_or_else(|| {
                    missing.push(id);
                    missing.len() - 1
                });
                format!("missing{n}")
            }
        };
        let _ = match edge.label.as_str() {
            "" => writeln!(out, "    s{} --> {to}", edge.from),
            label => writeln!(
                out,
                "    s{} -- \"{}\" --> {to}",
                edge.from,
                mermaid_text(label)
            ),
        };
    }
    for (n, id) in missing.iter().enumerate() {
        let _ = writeln!(
            out,
            "    missing{n}{{{{\"missing step: {}\"}}}}",
            mermaid_text(id)
        );
    }
    class_lines(flow, &mut out, missing.len());
    out
}

/// Colours: green for success ends, red for other ends, dashed red for missing steps.
fn class_lines(flow: &Flow, out: &mut String, missing: usize) {
    let ends: Vec<(usize, bool)> = flow
        .steps
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match &s.kind {
            StepKind::End { outcome } => Some((i, outcome == SUCCESS)),
            _ => None,
        })
        .collect();
    out.push_str("    classDef success fill:#d4f7d4,stroke:#2e7d32\n");
    out.push_str("    classDef other fill:#fde2e2,stroke:#c62828\n");
    for (i, success) in ends {
        let class = if success { "success" } else { "other" };
        let _ = writeln!(out, "    class s{i} {class}");
    }
    if missing > 0 {
        out.push_str("    classDef missing stroke:#c62828,stroke-dasharray:4\n");
    }
    for n in 0..missing {
        let _ = writeln!(out, "    class missing{n} missing");
    }
}

/// Mermaid labels sit in double quotes; quotes and markup-like characters become entities.
fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            c if c.is_control() && c != '\n' => out.push(' '),
            c if is_invisible(c) => out.push_str(&printable(&c.to_string())),
            c => out.push(c),
        }
    }
    out
}

fn dot(flow: &Flow) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", dot_string(&flow.id));
    let _ = writeln!(
        out,
        "    label={};\n    labelloc=t;",
        dot_string(&flow.title)
    );
    out.push_str("    node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
    out.push_str("    edge [fontname=\"Helvetica\", fontsize=10];\n");
    for (i, step) in flow.steps.iter().enumerate() {
        let style = match &step.kind {
            StepKind::End { outcome } if outcome == SUCCESS => ", peripheries=2, color=\"#2e7d32\"",
            StepKind::End { .. } => ", peripheries=2, color=\"#c62828\"",
            _ => "",
        };
        let _ = writeln!(
            out,
            "    s{i} [label={}{style}];",
            dot_string(&node_label(step))
        );
    }
    for edge in edges(flow) {
        let to = match edge.to {
            Ok(i) => format!("s{i}"),
            Err(id) => {
                let name = dot_string(&format!("missing step: {id}"));
                let _ = writeln!(out, "    {name} [shape=octagon, color=\"#c62828\"];");
                name
            }
        };
        let label = if edge.label.is_empty() {
            String::new()
        } else {
            format!(" [label={}]", dot_string(&edge.label))
        };
        let _ = writeln!(out, "    s{} -> {to}{label};", edge.from);
    }
    out.push_str("}\n");
    out
}

/// A DOT double-quoted string; newlines become DOT's own `\n` line breaks.
fn dot_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            // Shown as `\\u{202e}`: DOT reads `\\` as a backslash.
            c if is_invisible(c) => out.push_str(&printable(&c.to_string()).replace('\\', "\\\\")),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(source: &str) -> Flow {
        crate::flow::load(source).expect("test flow loads")
    }

    const QUOTED: &str = "flow: f\ntitle: Say \"hi\"\nsteps:\n  a:\n    text: Pick <b> or item#1\n    choices:\n      - Say \"yes\" -> b\n      - Lost -> nowhere\n  b:\n    end: success\n";

    #[test]
    fn invisible_and_direction_changing_characters_are_drawn_escaped() {
        let hidden = flow(
            "flow: f\ntitle: \"T \\u202E\"\nsteps:\n  a:\n    text: \"x\\u2066y\"\n    choices:\n      - \"Pay\\u200B -> b\"\n  b:\n    end: success\n",
        );
        for format in [Format::Mermaid, Format::Dot] {
            let out = render(&hidden, format);
            assert!(!out.chars().any(crate::text::is_invisible), "{out}");
            assert!(out.contains("u{2066}") && out.contains("u{200b}"), "{out}");
        }
    }

    #[test]
    fn mermaid_escapes_quotes_and_markup_and_draws_missing_steps() {
        let out = render(&flow(QUOTED), Format::Mermaid);
        assert!(
            out.contains("s0[\"a<br/>Pick #lt;b#gt; or item#35;1\"]"),
            "{out}"
        );
        assert!(
            out.contains("s0 -- \"Say #quot;yes#quot;\" --> s1"),
            "{out}"
        );
        assert!(out.contains("s0 -- \"Lost\" --> missing0"), "{out}");
        assert!(
            out.contains("missing0{{\"missing step: nowhere\"}}"),
            "{out}"
        );
        assert!(out.contains("s1([\"b [end: success]\"])"), "{out}");
        assert!(out.contains("class s1 success"), "{out}");
        assert!(
            out.starts_with("---\ntitle: \"Say \\\"hi\\\"\"\n---\n"),
            "{out}"
        );
    }

    #[test]
    fn dot_escapes_quotes_and_marks_ends_by_outcome() {
        let out = render(&flow(QUOTED), Format::Dot);
        assert!(out.contains("label=\"Say \\\"hi\\\"\""), "{out}");
        assert!(
            out.contains("s0 -> s1 [label=\"Say \\\"yes\\\"\"];"),
            "{out}"
        );
        assert!(
            out.contains("s0 -> \"missing step: nowhere\" [label=\"Lost\"];"),
            "{out}"
        );
        assert!(
            out.contains("s1 [label=\"b [end: success]\", peripheries=2"),
            "{out}"
        );
    }

    #[test]
    fn long_prompts_are_shortened_on_nodes() {
        let text = "word ".repeat(30);
        let out = render(
            &flow(&format!(
                "flow: f\ntitle: T\nsteps:\n  a:\n    text: {text}\n    end: success\n"
            )),
            Format::Mermaid,
        );
        let node = out.lines().find(|l| l.contains("s0(")).expect("node line");
        assert!(node.contains('…') && node.len() < 110, "{node}");
    }
}
