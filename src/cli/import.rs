//! `mvx import`: a story file in, flow YAML out, and a word for everything left out.

use std::fs::OpenOptions;
use std::io::{self, Write};

use super::{EXIT_OK, EXIT_USAGE, ImportArgs, StoryFormat, files};
use crate::import::{ink, twine};
use crate::text::printable;

pub(super) fn run(args: &ImportArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let source = match files::read_text(&args.file) {
        Ok(source) => source,
        Err(message) => {
            writeln!(err, "mvx: {message}")?;
            return Ok(EXIT_USAGE);
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
