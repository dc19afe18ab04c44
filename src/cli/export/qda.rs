//! `mvx export --format qdc|qdpx`: the codebook, and the sessions with their notes, as
//! REFI-QDA files for QualCoder, MAXQDA, NVivo or ATLAS.ti.

use std::fs::File;
use std::io::{self, BufWriter, Write};

use super::super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use super::ExportArgs;
use crate::codebook::{self, Codebook};
use crate::export::qda::{Qdpx, qdc as codebook_document};
use crate::session;
use crate::text::printable;

/// `<output>/codebook.qdc` from the codebook (`--codebook FILE`, or as found).
pub(super) fn qdc(args: &ExportArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    // Beside the first session's study or flow when sessions are given, as qdpx finds it.
    let (files, _) = session::discover(&args.paths);
    let first = files.first().and_then(|file| session::read(file).ok());
    let codebook = match found(args, first.as_ref().map(|s| &s.header)) {
        Ok(Some(codebook)) => codebook,
        Ok(None) => {
            writeln!(
                err,
                "mvx: no codebook found: name one with --codebook FILE, or put {} beside the study or flows, or in the current folder",
                codebook::FILE_NAME
            )?;
            return Ok(EXIT_USAGE);
        }
        Err(why) => {
            writeln!(err, "mvx: {}", codebook::unusable(&why))?;
            return Ok(EXIT_USAGE);
        }
    };
    if codebook.tags.is_empty() {
        writeln!(
            err,
            "mvx: the codebook has no tags: a REFI-QDA codebook needs one"
        )?;
        return Ok(EXIT_USAGE);
    }
    let path = args.output.join("codebook.qdc");
    let shown = printable(&path.display().to_string());
    let written = std::fs::create_dir_all(&args.output)
        .and_then(|()| std::fs::write(&path, codebook_document(&codebook)));
    if let Err(e) = written {
        writeln!(err, "mvx: cannot write to {shown}: {e}")?;
        return Ok(EXIT_USAGE);
    }
    let groups = codebook.groups().len();
    writeln!(
        out,
        "wrote {} tag{} in {groups} group{} to {shown} (REFI-QDA codebook)",
        codebook.tags.len(),
        if codebook.tags.len() == 1 { "" } else { "s" },
        if groups == 1 { "" } else { "s" },
    )?;
    Ok(EXIT_OK)
}

/// `<output>/project.qdpx` from every session under the paths, with the notes on it.
pub(super) fn qdpx(args: &ExportArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    if args.redact_text {
        // A project is for coding what was typed and noted: redacted, it would hold
        // nothing to code, and quotes in notes would still carry participants' words.
        writeln!(
            err,
            "mvx: --redact-text does not apply to --format qdpx: a REFI-QDA project holds what \
             participants typed and coders noted; share it as you would the sessions"
        )?;
        return Ok(EXIT_USAGE);
    }
    let (files, mut problems) = session::discover(&args.paths);
    // The codebook beside the first session's study or flow, as the report finds it.
    let first = files.first().and_then(|file| session::read(file).ok());
    let codebook = match found(args, first.as_ref().map(|s| &s.header)) {
        Ok(codebook) => codebook,
        Err(why) => {
            writeln!(err, "mvx: {}", codebook::unusable(&why))?;
            return Ok(EXIT_USAGE);
        }
    };
    let path = args.output.join("project.qdpx");
    let shown = printable(&path.display().to_string());
    let file = std::fs::create_dir_all(&args.output).and_then(|()| File::create(&path));
    let mut project = match file {
        Ok(file) => Qdpx::new(BufWriter::new(file), codebook.as_ref()),
        Err(e) => {
            writeln!(err, "mvx: cannot write to {shown}: {e}")?;
            return Ok(EXIT_USAGE);
        }
    };
    for file in &files {
        match session::read(file) {
            Ok(recorded) => {
                let notes = session::read_notes_checked(file, Some(&recorded.header.session));
                problems.extend(notes.said());
                project.add(&recorded, &notes.notes)?
            }
            Err(e) => problems.push(format!("skipped {e}")),
        }
    }
    let (mut zip, written) = project.finish()?;
    zip.flush()?;
    for problem in &problems {
        writeln!(err, "mvx: {}", printable(problem))?;
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    writeln!(
        out,
        "wrote {} session{} with {} note{} ({} coded), {} coder{} and {} code{} to {shown} (REFI-QDA project{})",
        written.sessions,
        plural(written.sessions),
        written.notes,
        plural(written.notes),
        written.coded,
        written.users,
        plural(written.users),
        written.codes,
        plural(written.codes),
        if codebook.is_some() {
            ""
        } else {
            "; no codebook found: tags as typed"
        },
    )?;
    Ok(if problems.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

/// The codebook named by `--codebook`, or found as docs/findings.md says; None when there
/// is none to find.
fn found(args: &ExportArgs, first: Option<&session::Header>) -> Result<Option<Codebook>, String> {
    let path = match first {
        Some(header) => codebook::of_session(args.codebook.as_deref(), header),
        None => codebook::find(args.codebook.as_deref(), None, None),
    };
    path.map(|path| codebook::open(&path)).transpose()
}
