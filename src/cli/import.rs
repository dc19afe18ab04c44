//! `mvx import`: a story file in, flow YAML out, and a word for everything left out.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::PathBuf;

use clap::ValueEnum;

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::flow;
use crate::import::{ink, twine};
use crate::source::{self, Kind};
use crate::text::printable;

#[derive(Debug, clap::Args)]
pub(super) struct ImportArgs {
    /// The story's format
    #[arg(value_enum)]
    format: StoryFormat,
    /// The story file
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Write the flow here instead of stdout (never overwriting)
    #[arg(short, long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum StoryFormat {
    /// Twine's Twee 3 text format
    Twine,
    /// Ink
    Ink,
}

pub(super) fn run(args: &ImportArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let source = match read_story(args) {
        Ok(source) => source,
        Err(Unread { message, code }) => {
            writeln!(err, "{message}")?;
            return Ok(code);
        }
    };
    let stem = args
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let draft = match args.format {
        StoryFormat::Twine => twine::import(&source, &stem),
        StoryFormat::Ink => ink::import(&source, &stem),
    };
    let name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (yaml, dropped) = draft.to_yaml(&name);
    for d in &dropped {
        writeln!(
            err,
            "{}:{}: not carried over: {}",
            printable(&args.file.display().to_string()),
            d.line,
            printable(&d.what)
        )?;
    }
    match &args.output {
        None => out.write_all(yaml.as_bytes())?,
        Some(path) => match OpenOptions::new().write(true).create_new(true).open(path) {
            Ok(mut file) => file.write_all(yaml.as_bytes())?,
            Err(e) => {
                writeln!(
                    err,
                    "mvx: cannot write {}: {e} (import never overwrites)",
                    path.display()
                )?;
                return Ok(EXIT_USAGE);
            }
        },
    }
    Ok(EXIT_OK)
}

/// A story that could not be read (exit 2), or is not UTF-8 text (a finding, exit 1).
struct Unread {
    message: String,
    code: u8,
}

/// The story's text, read the way flows are: a regular file, within the flow limit
/// (a story becomes a flow), and UTF-8.
fn read_story(args: &ImportArgs) -> Result<String, Unread> {
    let kind = Kind {
        noun: "story",
        pattern: match args.format {
            StoryFormat::Twine => "*.twee",
            StoryFormat::Ink => "*.ink",
        },
        limit: flow::open::LIMIT,
    };
    let bytes = source::read(&args.file, kind).map_err(|e| Unread {
        message: format!("mvx: {e}"),
        code: EXIT_USAGE,
    })?;
    source::decode(bytes).map_err(|bad| Unread {
        message: bad
            .finding
            .render(&args.file.display().to_string(), &bad.lossy),
        code: EXIT_FINDINGS,
    })
}
