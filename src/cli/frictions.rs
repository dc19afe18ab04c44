//! `mvx frictions`: import items from a CSV into a friction file, tag them with the
//! codebook on a full-screen screen, and rank the tags by the items they code.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use serde::Serialize;

use super::{EXIT_OK, EXIT_USAGE};
use crate::codebook::Codebook;
use crate::format::percent;
use crate::frictions::{self, FILE_NAME, FrictionMap, Ranking};
use crate::source::Kind;
use crate::text::printable;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(super) struct FrictionsArgs {
    #[command(subcommand)]
    command: Option<FrictionsCommand>,
    #[command(flatten)]
    rank: RankArgs,
}

#[derive(Debug, Subcommand)]
enum FrictionsCommand {
    /// Read items (tickets, reviews, interview notes) from a CSV into a friction file
    #[command(after_help = "Examples:\n  mvx frictions import tickets.csv\n  \
        mvx frictions import reviews.csv --text Body --out research/frictions.yaml\n\n\
        The text column is --text, else the first named text, body, description, comment,\n\
        review or message (any case). An `id` column names items; a `tags` column (#a #b,\n\
        or a;b) tags them. See docs/findings.md, \"The friction map\".")]
    Import(ImportArgs),
    /// Tag the untagged items with the codebook, full-screen
    #[command(after_help = super::keys_help(
        "mvx frictions tag frictions.yaml --coder ana",
        &crate::tui::frictions::keys::help(),
        "Every Enter writes the friction file; the codebook is --codebook, else codebook.yaml\n\
        beside the friction file or in the current folder."
    ))]
    Tag(TagArgs),
    /// Rank the tags by the items they code, with quotes (what `mvx frictions` does)
    Rank(RankArgs),
}

#[derive(Debug, clap::Args)]
struct ImportArgs {
    /// The CSV file: one item a row, a header row first
    #[arg(value_name = "FILE.csv")]
    csv: PathBuf,
    /// The column holding each item's text
    #[arg(long, value_name = "COLUMN")]
    text: Option<String>,
    /// The friction file to write
    #[arg(long, value_name = "FILE", default_value = FILE_NAME)]
    out: PathBuf,
    /// Replace a friction file that already holds tagged items
    #[arg(long)]
    force: bool,
}

#[derive(Debug, clap::Args)]
struct TagArgs {
    /// The friction file
    #[arg(value_name = "FILE", default_value = FILE_NAME)]
    file: PathBuf,
    /// The codebook tags complete from (default: codebook.yaml beside FILE, else in the
    /// current folder)
    #[arg(long, value_name = "FILE")]
    codebook: Option<PathBuf>,
    /// Your name, written on the items you tag
    #[arg(long, value_name = "NAME")]
    coder: Option<String>,
}

#[derive(Debug, clap::Args)]
struct RankArgs {
    /// The friction file
    #[arg(value_name = "FILE", default_value = FILE_NAME)]
    file: PathBuf,
    /// The codebook giving the tags' groups and order of ties (default: codebook.yaml
    /// beside FILE, else in the current folder)
    #[arg(long, value_name = "FILE")]
    codebook: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = RankFormat::Text)]
    format: RankFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RankFormat {
    /// A ranked list for people
    Text,
    /// Every figure, machine-readable
    Json,
}

/// What a CSV import reads at most: a help desk's export, not a data warehouse.
const CSV_FILE: Kind = Kind {
    noun: "CSV",
    pattern: "*.csv",
    limit: 256 * 1024 * 1024,
};

pub(super) fn run(args: FrictionsArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let result = match args.command {
        Some(FrictionsCommand::Import(import)) => import_csv(&import, out, err),
        Some(FrictionsCommand::Tag(tag)) => return tag_items(tag, out, err),
        Some(FrictionsCommand::Rank(rank)) => print_ranking(&rank, out),
        None => print_ranking(&args.rank, out),
    };
    match result {
        Ok(Ok(())) => Ok(EXIT_OK),
        Ok(Err(why)) => {
            writeln!(err, "mvx: {}", printable(&why))?;
            Ok(EXIT_USAGE)
        }
        Err(e) => Err(e),
    }
}

type Said = io::Result<Result<(), String>>;

fn import_csv(args: &ImportArgs, out: &mut dyn Write, err: &mut dyn Write) -> Said {
    if args.out.exists() && !args.force {
        let tagged = frictions::read(&args.out).map(|map| map.tagged());
        let why = match tagged {
            Ok(0) => None,
            Ok(n) => Some(format!("it holds {n} tagged items")),
            Err(_) => Some("it is not a friction file".to_owned()),
        };
        if let Some(why) = why {
            return Ok(Err(format!(
                "{} exists and {why}; --force replaces it, or --out names another file",
                args.out.display()
            )));
        }
    }
    let bytes = match crate::source::read(&args.csv, CSV_FILE) {
        Ok(bytes) => bytes,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let source = args.csv.file_name().map_or_else(
        || args.csv.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let imported = match frictions::import(&bytes, args.text.as_deref()) {
        Ok(imported) => imported,
        Err(why) => return Ok(Err(format!("{source}: {why}"))),
    };
    for finding in &imported.findings {
        writeln!(err, "mvx: {}: {}", printable(&source), printable(finding))?;
    }
    // Tags the CSV brought that the codebook beside the friction file lacks: said now,
    // not first when ranking.
    if let Ok(Some(codebook)) = codebook(None, &args.out) {
        let names = codebook.names();
        let mut lacking: std::collections::BTreeMap<&str, usize> = Default::default();
        for tag in imported.items.iter().flat_map(|i| &i.tags) {
            if !names.contains(tag) {
                *lacking.entry(tag.as_str()).or_default() += 1;
            }
        }
        if !lacking.is_empty() {
            let listed: Vec<String> = (lacking.iter())
                .map(|(tag, n)| format!("#{} ({n})", printable(tag)))
                .collect();
            writeln!(
                err,
                "mvx: {}: tags the codebook lacks: {}; `mvx frictions tag` edits an item's tags (Enter)",
                printable(&source),
                listed.join(", ")
            )?;
        }
    }
    let map = FrictionMap {
        source,
        items: imported.items,
    };
    if let Err(why) = frictions::write(&args.out, &map) {
        return Ok(Err(why));
    }
    let (count, tagged) = (map.items.len(), map.tagged());
    let empty = match imported.empty {
        0 => String::new(),
        1 => "; 1 row with an empty text skipped".into(),
        n => format!("; {n} rows with an empty text skipped"),
    };
    let written = printable(&args.out.display().to_string());
    writeln!(
        out,
        "Read {count} items from {} (text column `{}`{empty}).\n{tagged} already tagged, {} to tag. Wrote {written}.",
        printable(&map.source),
        printable(&imported.text_column),
        count - tagged
    )?;
    let next = match count > tagged {
        true => format!("mvx frictions tag {written}"),
        false => format!("mvx frictions {written}"),
    };
    writeln!(out, "Next: {next}")?;
    Ok(Ok(()))
}

fn tag_items(args: TagArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let opened = frictions::read(&args.file).and_then(|map| {
        let codebook = codebook(args.codebook.as_deref(), &args.file)?;
        Ok((map, codebook))
    });
    let (map, codebook) = match opened {
        Ok(opened) => opened,
        Err(why) => return super::ran(Err(why), err),
    };
    if map.items.is_empty() {
        return super::ran(Err(format!("{} holds no items", args.file.display())), err);
    }
    let names = codebook.map(|c| c.names()).unwrap_or_default();
    let mut screen = crate::tui::frictions::Tagging::new(args.file.clone(), map, names, args.coder);
    let result = crate::tui::screen::run(&mut screen);
    if result.is_err() {
        return super::ran(result, err);
    }
    let left = screen.map.items.len() - screen.map.tagged();
    writeln!(
        out,
        "Tagged {} item{}; {left} still untagged.\nNext: mvx frictions {}",
        screen.saved,
        if screen.saved == 1 { "" } else { "s" },
        printable(&args.file.display().to_string())
    )?;
    Ok(EXIT_OK)
}

/// The codebook for the friction file at `file`: `explicit`, else found beside it or in
/// the current folder; `None` when there is none.
fn codebook(explicit: Option<&Path>, file: &Path) -> Result<Option<Codebook>, String> {
    crate::codebook::find(explicit, None, Some(file))
        .map(|path| crate::codebook::open(&path))
        .transpose()
        .map_err(|problem| crate::codebook::unusable(&problem))
}

/// The ranking as JSON prints it.
#[derive(Serialize)]
struct Ranked<'a> {
    file: String,
    source: &'a str,
    #[serde(flatten)]
    ranking: &'a Ranking,
}

fn print_ranking(args: &RankArgs, out: &mut dyn Write) -> Said {
    let opened = frictions::read(&args.file).and_then(|map| {
        let codebook = codebook(args.codebook.as_deref(), &args.file)?;
        Ok((map, codebook))
    });
    let (map, codebook) = match opened {
        Ok(opened) => opened,
        Err(why) => return Ok(Err(why)),
    };
    let ranking = frictions::rank(&map.items, codebook.as_ref());
    match args.format {
        RankFormat::Json => {
            let ranked = Ranked {
                file: args.file.display().to_string(),
                source: &map.source,
                ranking: &ranking,
            };
            let json = serde_json::to_string_pretty(&ranked).map_err(io::Error::other)?;
            writeln!(out, "{json}")?;
        }
        RankFormat::Text => write_text(&map, &ranking, &args.file, out)?,
    }
    Ok(Ok(()))
}

fn write_text(
    map: &FrictionMap,
    ranking: &Ranking,
    file: &Path,
    out: &mut dyn Write,
) -> io::Result<()> {
    let file = printable(&file.display().to_string());
    writeln!(
        out,
        "{} items from {}: {} tagged, {} untagged.",
        ranking.items,
        printable(&map.source),
        ranking.tagged,
        ranking.untagged
    )?;
    if ranking.untagged > 0 {
        writeln!(out, "`mvx frictions tag {file}` tags the untagged ones.")?;
    }
    let width = (ranking.frictions.iter())
        .map(|f| crate::text::display_width(&printable(&f.tag)))
        .max()
        .unwrap_or(0);
    for friction in &ranking.frictions {
        let group = friction
            .group
            .as_deref()
            .map(|g| format!(" · {}", printable(g)))
            .unwrap_or_default();
        let unknown = match friction.in_codebook {
            Some(false) => " · not in the codebook",
            _ => "",
        };
        writeln!(
            out,
            "\n{:>3}. {} {:>5} item{} · {} of tagged{group}{unknown}",
            friction.rank,
            crate::text::fit(&printable(&friction.tag), width),
            friction.items,
            if friction.items == 1 { " " } else { "s" },
            percent(friction.share),
        )?;
        for quote in &friction.quotes {
            writeln!(
                out,
                "     “{}” ({})",
                printable(&quote.text),
                printable(&quote.id)
            )?;
        }
    }
    if !ranking.unused.is_empty() {
        writeln!(
            out,
            "\nNo item has: {}.",
            printable(&ranking.unused.join(", "))
        )?;
    }
    Ok(())
}
