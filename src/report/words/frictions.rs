//! "Frictions addressed" worded: per friction a flow names in `addresses:`, its rank in
//! the friction map and, per variant that addresses it, completion, the `solved`
//! verdict and the time to resolution, in the decision summary's own words.

use crate::format;
use crate::report::document::{Block, Item, Line};
use crate::report::frictions::{AddressedBy, FrictionsAddressed, Ranked};

/// The section's blocks; none when no counted flow addresses a friction.
pub fn blocks(section: &FrictionsAddressed) -> Vec<Block> {
    if section.is_empty() {
        return Vec::new();
    }
    let mut blocks =
        vec![
        Block::Heading(2, Line::text("Frictions addressed")),
        Block::Paragraph(Line::text("Per friction a flow names in ").code("addresses:").and(
            ": its rank in the friction map (by the items its tag codes), then per variant \
             that addresses it: completion with its 95% interval, the answers Yes to the first \
             yes/no verdict question, and the time to resolution (the median time of completed \
             attempts).",
        )),
    ];
    match (&section.map, &section.map_problem) {
        (None, _) => blocks.push(Block::Aside(
            "Note",
            Line::text("No friction map found, so no ranks: ")
                .code("mvx frictions import")
                .and(" writes ")
                .code(crate::frictions::FILE_NAME)
                .and(" (kept beside the codebook), or ")
                .code("--frictions FILE")
                .and(" names one."),
        )),
        (Some(path), Some(why)) => blocks.push(Block::Aside(
            "Warning",
            Line::text("The friction map ")
                .code(path)
                .and(format!(" could not be read, so no ranks: {why}")),
        )),
        (Some(path), None) => blocks.push(Block::Paragraph(
            Line::text("Ranks from the friction map ")
                .code(path)
                .and("."),
        )),
    }
    let items = section.frictions.iter().map(|friction| {
        let mut line = Line::default().code(&friction.friction);
        line = match (friction.ranked, &section.map, &section.map_problem) {
            (Some(ranked), _, _) => line.and(format!(" ({})", place(ranked))),
            (None, Some(_), None) => line.and(" (no item of the friction map has it)"),
            (None, _, _) => line,
        };
        line = line.and(": addressed by ");
        let mut flows: Vec<&str> = Vec::new();
        for by in &friction.by {
            if !flows.contains(&by.flow.as_str()) {
                flows.push(&by.flow);
            }
        }
        for (i, flow) in flows.iter().enumerate() {
            line = if i == 0 { line } else { line.and(", ") }.code(*flow);
        }
        let several_flows = flows.len() > 1;
        match friction.by.as_slice() {
            [only] => {
                // One flow without variants: its figures follow its name.
                let said = version(only, several_flows);
                let mut line = line.and(if only.variant.is_none() { ": " } else { "; " });
                line.0.extend(said.0);
                Item::from(line)
            }
            all => Item {
                line,
                under: all.iter().map(|by| version(by, several_flows)).collect(),
            },
        }
    });
    blocks.push(Block::List(items.collect()));
    blocks
}

/// `ranked 1st of 9, 61 of 200 items`.
fn place(ranked: Ranked) -> String {
    format!(
        "ranked {} of {}, {} of {} items",
        ordinal(ranked.rank),
        ranked.of,
        ranked.items,
        ranked.map_items
    )
}

/// `variant a: 8/10 completed (48–95%); 7/10 answered Yes to solved; median 42 s to
/// resolution`.
fn version(by: &AddressedBy, several_flows: bool) -> Line {
    let mut line = match (&by.variant, several_flows) {
        (Some(variant), false) => Line::text("variant ").code(variant).and(": "),
        (Some(variant), true) => Line::default()
            .code(&by.flow)
            .and(" variant ")
            .code(variant)
            .and(": "),
        (None, true) => Line::default().code(&by.flow).and(": "),
        // The flow is named before: no variant to say.
        (None, false) => Line::default(),
    };
    line.0.extend(Line::with_ids(|id| by.summary.words(id)).0);
    let times: Vec<(&str, Option<f64>)> = (by.tasks.iter())
        .map(|t| (t.task.as_str(), t.median_s))
        .collect();
    let time = match times.as_slice() {
        [] => return line,
        [(_, Some(s))] => Line::text(format!("median {} to resolution", format::seconds(*s))),
        [(_, None)] => Line::text("no one completed it, so no time to resolution"),
        several => {
            let mut time = Line::text("median to resolution: ");
            for (i, (task, s)) in several.iter().enumerate() {
                time = if i == 0 { time } else { time.and(", ") }
                    .code(*task)
                    .and(format!(" {}", format::seconds_or_missing(*s)));
            }
            time
        }
    };
    line = line.and(if by.summary.items.is_empty() {
        ""
    } else {
        "; "
    });
    line.0.extend(time.0);
    line
}

/// 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st.
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_are_said_as_ordinals() {
        let said: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111]
            .map(ordinal)
            .to_vec();
        assert_eq!(
            said,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st",
                "111th"
            ]
        );
    }
}
