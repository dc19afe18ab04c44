//! `mvx agree`: how far coders who tagged the same sessions agree, per tag, as a table
//! with Krippendorff's reading or as JSON, then the step visits they disagree on.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::ValueEnum;

use super::{EXIT_OK, EXIT_USAGE};
use crate::report::agreement::{
    self, Agreement, Disagreement, RELIABLE, Reading, TENTATIVE, TagAgreement,
};
use crate::session::{self, ObserverNote, Session};
use crate::text::display_width;

#[derive(Debug, clap::Args)]
pub(super) struct AgreeArgs {
    /// Session files, or folders searched for them (their notes are read from beside them)
    #[arg(value_name = "PATH", default_value = "sessions")]
    paths: Vec<PathBuf>,
    /// A coder to compare, as their notes name them (give two or more); by default every
    /// author of notes kept beside the sessions
    #[arg(long = "coder", value_name = "NAME")]
    coders: Vec<String>,
    /// The codebook: its tags are listed even when nobody used them (default:
    /// codebook.yaml beside the first session's study or flow, else in the current folder)
    #[arg(long, value_name = "FILE")]
    codebook: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = AgreeFormat::Text)]
    format: AgreeFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum AgreeFormat {
    /// A table per tag, a reading, and the disagreements
    Text,
    /// Every figure and disagreement, machine-readable
    Json,
}

pub(super) fn run(args: &AgreeArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let sessions = read(args, err)?;
    if sessions.is_empty() {
        let paths: Vec<String> = args
            .paths
            .iter()
            .map(|p| printable(&p.display().to_string()))
            .collect();
        writeln!(err, "mvx: no session found in {}", paths.join(", "))?;
        return Ok(EXIT_USAGE);
    }
    let first = sessions.first().map(|(session, _)| &session.header);
    let found = match first {
        Some(header) => crate::codebook::of_session(args.codebook.as_deref(), header),
        None => crate::codebook::find(args.codebook.as_deref(), None, None),
    };
    let codebook = match found {
        None => None,
        Some(path) => match crate::codebook::open(&path) {
            Ok(codebook) => Some(codebook),
            Err(why) => {
                writeln!(err, "mvx: {}", crate::codebook::unusable(&why))?;
                return Ok(EXIT_USAGE);
            }
        },
    };
    let coders = match coders(args, &sessions) {
        Ok(coders) => coders,
        Err(why) => {
            writeln!(err, "mvx: {}", printable(&why))?;
            return Ok(EXIT_USAGE);
        }
    };
    let agreement = agreement::agreement(&sessions, &coders, codebook.as_ref());
    match args.format {
        AgreeFormat::Json => {
            let json = serde_json::to_string_pretty(&agreement).map_err(io::Error::other)?;
            writeln!(out, "{json}")?;
        }
        AgreeFormat::Text => write!(out, "{}", text(&agreement))?,
    }
    Ok(EXIT_OK)
}

/// Every session under the paths with the notes kept beside it; files that are not
/// sessions are named on stderr.
fn read(args: &AgreeArgs, err: &mut dyn Write) -> io::Result<Vec<(Session, Vec<ObserverNote>)>> {
    let (files, problems) = session::discover(&args.paths);
    for problem in &problems {
        writeln!(err, "mvx: {}", printable(problem))?;
    }
    let mut sessions = Vec::new();
    for file in &files {
        match session::read(file) {
            Ok(recorded) => {
                let notes = session::read_notes_checked(file, Some(&recorded.header.session));
                for said in notes.said() {
                    writeln!(err, "mvx: {said}")?;
                }
                sessions.push((recorded, notes.notes));
            }
            Err(e) => writeln!(err, "mvx: skipped {}", printable(&e.to_string()))?,
        }
    }
    Ok(sessions)
}

/// The coders named (each once), or every author of kept notes; two at least, each of
/// whom wrote a note.
fn coders(
    args: &AgreeArgs,
    sessions: &[(Session, Vec<ObserverNote>)],
) -> Result<Vec<String>, String> {
    let found = agreement::authors_found(sessions);
    let listed = |names: &[String]| match names.is_empty() {
        true => "none (no note names its author)".to_owned(),
        false => names.join(", "),
    };
    let mut coders: Vec<String> = Vec::new();
    for name in &args.coders {
        if !found.contains(name) {
            return Err(format!(
                "no note on these sessions is by the coder `{name}`; authors found: {}",
                listed(&found)
            ));
        }
        if !coders.contains(name) {
            coders.push(name.clone());
        }
    }
    if args.coders.is_empty() {
        coders = agreement::coders_found(sessions);
    }
    if coders.len() < 2 {
        return Err(format!(
            "agreement needs two coders or more; coders found: {} (each codes with \
             `--coder NAME` in mvx observe, review or replay)",
            listed(&coders)
        ));
    }
    Ok(coders)
}

/// The whole text answer: who was compared, the table, the reading, the disagreements.
fn text(agreement: &Agreement) -> String {
    let coders: Vec<String> = agreement.coders.iter().map(|c| printable(c)).collect();
    let mut text = format!(
        "Agreement of {} coders ({}) on {} step visit{} in {} session{}\n",
        coders.len(),
        coders.join(", "),
        agreement.units,
        if agreement.units == 1 { "" } else { "s" },
        agreement.sessions,
        if agreement.sessions == 1 { "" } else { "s" },
    );
    let noted: Vec<String> = coders
        .iter()
        .zip(&agreement.sessions_coded)
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    text.push_str(&format!(
        "Sessions each noted (a coder's values count there only): {}\n\n",
        noted.join(", ")
    ));
    if agreement.tags.is_empty() {
        text.push_str("No tag was used, and no codebook lists any.\n");
        return text;
    }
    text.push_str(&table(agreement));
    text.push('\n');
    text.push_str(&reading_words());
    text.push_str(&disagreements(&agreement.tags));
    text
}

fn table(agreement: &Agreement) -> String {
    let header = [
        "tag",
        "units",
        "used by",
        "agreement",
        "kappa",
        "alpha",
        "reading",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
    rows.extend(
        agreement
            .tags
            .iter()
            .map(|tag| row(tag, agreement.coders.len())),
    );
    let mut text = aligned(&rows);
    if agreement.tags.iter().any(|t| t.in_codebook == Some(false)) {
        text.push_str("* not in the codebook\n");
    }
    if agreement.coders.len() != 2 {
        text.push_str("kappa is Cohen's, for two coders: with more, read alpha\n");
    }
    text
}

/// A tag's row of the table, of `coders` compared.
fn row(tag: &TagAgreement, coders: usize) -> Vec<String> {
    let mark = match tag.in_codebook {
        Some(false) => " *",
        _ => "",
    };
    let percent = |p: f64| format!("{}%", crate::format::number(p * 100.0, 1));
    vec![
        format!("{}{mark}", printable(&tag.tag)),
        tag.units.to_string(),
        format!("{} of {coders}", tag.used_by.len()),
        tag.percent_agreement.map_or("-".into(), percent),
        coefficient(tag.kappa, coders == 2),
        coefficient(tag.alpha, true),
        reading(tag).into(),
    ]
}

/// Rows as columns two spaces apart, by display width; the units column to the right.
fn aligned(rows: &[Vec<String>]) -> String {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|i| rows.iter().map(|r| display_width(&r[i])).max().unwrap_or(0))
        .collect();
    let mut text = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, width))| {
                let pad = " ".repeat(width.saturating_sub(display_width(cell)));
                match i {
                    1 => format!("{pad}{cell}"),
                    _ => format!("{cell}{pad}"),
                }
            })
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    text
}

/// A kappa or an alpha to three places, as Krippendorff writes them; `-` when it does
/// not apply, `undefined` when it is 0/0.
fn coefficient(value: Option<f64>, applies: bool) -> String {
    match (applies, value) {
        (false, _) => "-".into(),
        (true, Some(v)) => crate::format::number(v, 3),
        (true, None) => "undefined".into(),
    }
}

fn reading(tag: &TagAgreement) -> &'static str {
    match tag.reading {
        Reading::Reliable => "reliable",
        Reading::Tentative => "tentative conclusions only",
        Reading::NotReliable => "not reliable",
        Reading::NoVariation => "no variation: every value the same",
        Reading::NoUnits => "no visit coded by two coders",
    }
}

fn reading_words() -> String {
    let (r, t) = (RELIABLE, TENTATIVE);
    format!(
        "Reading, by Krippendorff's own guidance (2004, p. 241): rely on a tag's coding when\n\
         alpha is {r:.3} or more; from {t:.3} to {r:.3}, draw tentative conclusions only;\n\
         below {t:.3}, do not rely on it. Named bands for kappa (Landis & Koch's\n\
         \"substantial\", ...) are arbitrary and not used. Percent agreement counts\n\
         agreement by chance too. Sources: docs/statistics.md.\n"
    )
}

fn disagreements(tags: &[TagAgreement]) -> String {
    let mut text = String::new();
    for tag in tags.iter().filter(|t| !t.disagreements.is_empty()) {
        let n = tag.disagreements.len();
        text.push_str(&format!(
            "\nDisagreements on {} ({n} step visit{}):\n",
            printable(&tag.tag),
            if n == 1 { "" } else { "s" }
        ));
        for d in &tag.disagreements {
            text.push_str(&disagreement(d));
        }
    }
    text
}

/// Text from a session, a notes file or an argument as the terminal may show it, on one
/// line: tags kept beside a session are not checked as typed ones are.
fn printable(text: &str) -> String {
    crate::text::printable(text).replace('\n', "\\n")
}

fn disagreement(d: &Disagreement) -> String {
    let names = |names: &[String]| -> String {
        names
            .iter()
            .map(|n| printable(n))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "  {} ({}), {} at {}: tagged by {}; not by {}\n",
        printable(&d.session),
        printable(&d.participant),
        printable(&d.step),
        crate::format::minutes_seconds(d.from_ms),
        names(&d.tagged),
        names(&d.not_tagged)
    )
}
