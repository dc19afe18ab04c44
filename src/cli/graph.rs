//! `mvx graph`: a flow as Mermaid or DOT on stdout.

use std::io::{self, Write};

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, GraphArgs, GraphFormat, files};
use crate::flow::{self, graph};

pub(super) fn run(args: &GraphArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let source = match files::read_text(&args.flow) {
        Ok(source) => source,
        Err(message) => {
            writeln!(err, "mvx: {message}")?;
            return Ok(EXIT_USAGE);
        }
    };
    let flow = match flow::load(&source) {
        Ok(flow) => flow,
        Err(e) => {
            let path = args.flow.display().to_string();
            for d in &e.diagnostics {
                writeln!(err, "{}", d.render(&path, &source))?;
            }
            return Ok(EXIT_FINDINGS);
        }
    };
    let format = match args.format {
        GraphFormat::Mermaid => graph::Format::Mermaid,
        GraphFormat::Dot => graph::Format::Dot,
    };
    out.write_all(graph::render(&flow, format).as_bytes())?;
    Ok(EXIT_OK)
}
