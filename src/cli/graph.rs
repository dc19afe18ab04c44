//! `mvx graph`: a flow as Mermaid or DOT on stdout.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::ValueEnum;

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::flow::{self, graph};

#[derive(Debug, clap::Args)]
pub(super) struct GraphArgs {
    /// The flow file to draw
    #[arg(value_name = "FLOW")]
    flow: PathBuf,
    /// Diagram language
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    format: GraphFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum GraphFormat {
    /// A Mermaid flowchart, for wikis and pull requests
    Mermaid,
    /// Graphviz DOT, for `dot -Tsvg`
    Dot,
}

pub(super) fn run(args: &GraphArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let opened = match flow::open(&args.flow) {
        Ok(opened) => opened,
        Err(e) => {
            writeln!(err, "mvx: {e}")?;
            return Ok(EXIT_USAGE);
        }
    };
    // A flow with check errors is still drawn: seeing the graph helps fix it.
    let Some(flow) = &opened.flow else {
        for d in &opened.diagnostics {
            writeln!(err, "{}", d.render(&opened.path, &opened.source))?;
        }
        return Ok(EXIT_FINDINGS);
    };
    let format = match args.format {
        GraphFormat::Mermaid => graph::Format::Mermaid,
        GraphFormat::Dot => graph::Format::Dot,
    };
    out.write_all(graph::render(flow, format).as_bytes())?;
    Ok(EXIT_OK)
}
