//! `mvx new`: a starter flow that passes `mvx check` and shows the format's main features.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::PathBuf;

use clap::ValueEnum;

use super::{EXIT_OK, EXIT_USAGE};
use crate::text::printable;

#[derive(Debug, clap::Args)]
pub(super) struct NewArgs {
    /// The flow's name: lowercase letters, digits, - and _
    #[arg(value_name = "NAME")]
    name: String,
    /// What the starter shows
    #[arg(long, value_enum, default_value_t = Template::Basic)]
    template: Template,
    /// Folder to write it to
    #[arg(long, value_name = "DIR", default_value = "flows")]
    dir: PathBuf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Template {
    /// Steps of every kind and verdict questions
    Basic,
    /// Two timed tasks with briefs and success steps
    Tasks,
    /// One of two variants to compare (same flow id, its own variant)
    Variants,
}

const BASIC: &str = include_str!("../../templates/basic.yaml");
const TASKS: &str = include_str!("../../templates/tasks.yaml");
const VARIANTS: &str = include_str!("../../templates/variants.yaml");

/// The template's text with its placeholder id replaced by `name`.
fn starter(template: Template, name: &str) -> String {
    let text = match template {
        Template::Basic => BASIC,
        Template::Tasks => TASKS,
        Template::Variants => VARIANTS,
    };
    text.replace("NAME", name)
}

pub(super) fn run(args: &NewArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let valid = !args.name.is_empty()
        && args.name.len() <= 64
        && args
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !valid {
        writeln!(
            err,
            "mvx: `{}` may use only lowercase letters, digits, `-` and `_`",
            printable(&args.name)
        )?;
        return Ok(EXIT_USAGE);
    }
    let path = args.dir.join(format!("{}.yaml", args.name));
    let created = std::fs::create_dir_all(&args.dir)
        .and_then(|()| OpenOptions::new().write(true).create_new(true).open(&path));
    let mut file = match created {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            writeln!(
                err,
                "mvx: {} already exists; mvx new never overwrites a flow",
                path.display()
            )?;
            return Ok(EXIT_USAGE);
        }
        Err(e) => {
            writeln!(err, "mvx: cannot write {}: {e}", path.display())?;
            return Ok(EXIT_USAGE);
        }
    };
    file.write_all(starter(args.template, &args.name).as_bytes())?;
    writeln!(
        out,
        "wrote {}; try it with: mvx play {}",
        path.display(),
        path.display()
    )?;
    Ok(EXIT_OK)
}
