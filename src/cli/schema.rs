//! `mvx schema`: the JSON Schema of flow, study or codebook files on stdout.

use std::io::{self, Write};

use clap::ValueEnum;

use super::EXIT_OK;

#[derive(Debug, clap::Args)]
pub(super) struct SchemaArgs {
    /// Which format
    #[arg(value_enum, default_value_t = SchemaKind::Flow)]
    kind: SchemaKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SchemaKind {
    /// Flow files
    Flow,
    /// Study files
    Study,
    /// Codebook files (`codebook.yaml`)
    Codebook,
}

pub(super) fn run(args: &SchemaArgs, out: &mut dyn Write) -> io::Result<u8> {
    let schema = match args.kind {
        SchemaKind::Flow => crate::flow::schema::FLOW.generate(),
        SchemaKind::Study => crate::flow::schema::STUDY.generate(),
        SchemaKind::Codebook => crate::flow::schema::CODEBOOK.generate(),
    };
    out.write_all(schema.as_bytes()).map(|()| EXIT_OK)
}
