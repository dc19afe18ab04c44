//! Opening a flow file: the one way every command reads, decodes, loads and checks a flow.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::diagnostic::Diagnostic;
use crate::flow::{self, Flow};
use crate::source::{self, Kind};
use crate::text;

/// Flow files are small: the largest real ones are a few hundred kilobytes. A larger
/// file is a mistake (a log, a video), refused before it fills memory.
pub const LIMIT: u64 = 16 * 1024 * 1024;

/// What `open` reads: flow files, up to `LIMIT`.
pub const FLOW_FILE: Kind = Kind {
    noun: "flow",
    pattern: "*.yaml",
    limit: LIMIT,
};

/// A flow file that could not be read at all (missing, a folder, too large, ...);
/// its `Display` is the message for the person who named it.
pub type OpenError = source::Unreadable;

/// A flow file as read, with everything loading and checking found in it.
#[derive(Debug)]
pub struct Opened {
    /// The path as given, for messages (`Diagnostic::render` escapes it).
    pub path: String,
    /// The text; when the file is not UTF-8, with each bad sequence shown as `�`.
    pub source: String,
    /// The file's bytes hashed, as session headers record it.
    pub sha256: String,
    /// The flow, when it loaded (it may still have check errors).
    pub flow: Option<Flow>,
    /// Loading errors, or else what `flow::check::check` found, in order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Opened {
    /// Whether anything found makes the flow unplayable.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The flow and its sha256, if nothing found in it is an error; else every error
    /// rendered, and how to list them again, ready to print.
    pub fn playable(self) -> Result<(Flow, String), String> {
        if !self.has_errors()
            && let Some(flow) = self.flow
        {
            return Ok((flow, self.sha256));
        }
        Err(refusal(&self.path, &self.source, &self.diagnostics))
    }

    /// Each error rendered with its source line and caret, warnings left out.
    pub fn rendered_errors(&self) -> Vec<String> {
        rendered_errors(&self.path, &self.source, &self.diagnostics)
    }
}

/// Each error in `diagnostics` rendered with its line of `source` and a caret, warnings
/// left out: how a flow's or a study's errors are shown.
pub fn rendered_errors(path: &str, source: &str, diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.render(path, source))
        .collect()
}

/// Why a file cannot be played: every error rendered, and how to list them again.
pub fn refusal(path: &str, source: &str, diagnostics: &[Diagnostic]) -> String {
    format!(
        "{}fix these first; `mvx check {}` lists them too",
        rendered_errors(path, source, diagnostics).join("\n"),
        crate::text::printable(path)
    )
}

/// Reads the flow file at `path` (a regular file up to `LIMIT`), then loads and checks it.
pub fn open(path: &Path) -> Result<Opened, OpenError> {
    let bytes = source::read(path, FLOW_FILE)?;
    Ok(opened(path.display().to_string(), bytes))
}

/// A flow file's bytes, decoded, loaded and checked.
pub fn opened(path: String, bytes: Vec<u8>) -> Opened {
    let read = read(bytes, |text| match flow::load(text) {
        Ok(flow) => {
            let findings = flow::check::check(&flow);
            (Some(flow), findings)
        }
        Err(e) => (None, e.diagnostics),
    });
    Opened::of(path, read)
}

/// Any file mvx opens, flow or study, parsed once: loaded, and a flow checked.
pub fn read_any(bytes: Vec<u8>) -> Read<flow::Loaded> {
    read(bytes, |text| match flow::load_any(text) {
        (flow::Loaded::Flow(Some(flow)), _) => {
            let findings = flow::check::check(&flow);
            (Some(flow::Loaded::Flow(Some(flow))), findings)
        }
        (loaded, found) => (Some(loaded), found),
    })
}

impl Opened {
    /// The flow file at `path` (as given), as it was read.
    pub fn of(path: String, read: Read<Flow>) -> Opened {
        Opened {
            path,
            source: read.source,
            sha256: read.sha256,
            flow: read.loaded,
            diagnostics: read.diagnostics,
        }
    }
}

/// A file mvx reads (a flow or a study), as its bytes became text and a model.
#[derive(Debug)]
pub struct Read<T> {
    pub sha256: String,
    /// The text; when the file is not UTF-8, with each bad sequence shown as `�`.
    pub source: String,
    /// What `load` built, if anything.
    pub loaded: Option<T>,
    /// What `load` found, then every invisible character.
    pub diagnostics: Vec<Diagnostic>,
}

impl<T> Read<T> {
    /// What was loaded, and the rest of what was read, ready for another model.
    pub fn take(mut self) -> (Option<T>, Read<()>) {
        (self.loaded.take(), self.with(None))
    }

    /// This read with `loaded` as its model.
    pub fn with<U>(self, loaded: Option<U>) -> Read<U> {
        Read {
            sha256: self.sha256,
            source: self.source,
            loaded,
            diagnostics: self.diagnostics,
        }
    }
}

/// The one way a file's bytes become a model: hashed as they are, decoded (bytes that
/// are not UTF-8 are one finding, and nothing is loaded), loaded by `load`, and looked
/// through for characters that hide, in flows and studies alike.
pub fn read<T>(bytes: Vec<u8>, load: impl FnOnce(&str) -> (Option<T>, Vec<Diagnostic>)) -> Read<T> {
    let sha256 = sha256_hex(&bytes);
    let (source, loaded, mut diagnostics) = match source::decode(bytes) {
        Err(not_utf8) => (not_utf8.lossy, None, vec![not_utf8.finding]),
        Ok(text) => {
            let (loaded, found) = load(&text);
            (text, loaded, found)
        }
    };
    diagnostics.extend(invisible_characters(&source));
    Read {
        sha256,
        source,
        loaded,
        diagnostics,
    }
}

/// Every invisible or direction-changing character in the file, comments included: the
/// text may read in another order than it is stored, or hold what nobody can see.
fn invisible_characters(source: &str) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (line, text) in (1u32..).zip(source.lines()) {
        // A byte order mark that starts the file marks its encoding; inside text it hides.
        let hidden = (1u32..).zip(text.chars()).filter(|&(col, c)| {
            text::is_invisible(c) && !(line == 1 && col == 1 && c == '\u{FEFF}')
        });
        for (col, c) in hidden {
            let at = crate::diagnostic::Pos::new(line, col, 1);
            let message = format!(
                "the invisible character U+{:04X} ({}) may make this line read differently from what it holds",
                u32::from(c),
                invisible_name(c)
            );
            found.push(
                Diagnostic::warning("invisible-character", at, message).with_help(
                    "delete it, unless the text needs it; mvx shows it escaped, as \\u{..}",
                ),
            );
        }
    }
    found
}

fn invisible_name(c: char) -> &'static str {
    match c {
        '\u{202A}'..='\u{202E}' => "a bidirectional embedding or override",
        '\u{2066}'..='\u{2069}' => "a bidirectional isolate",
        '\u{200E}' | '\u{200F}' => "a direction mark",
        '\u{FEFF}' => "a byte order mark inside the text",
        _ => "a zero-width space or joiner",
    }
}

/// The SHA-256 of `bytes` in lower-case hex: how sessions name the exact flow they ran.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "flow: f\ntitle: F\nsteps:\n  a:\n    text: Hello\n    end: success\n";

    #[test]
    fn a_good_flow_loads_with_its_hash_and_no_findings() {
        let opened = opened("f.yaml".into(), GOOD.into());
        assert!(opened.flow.is_some());
        assert_eq!(opened.diagnostics, Vec::new());
        assert_eq!(opened.sha256, sha256_hex(GOOD.as_bytes()));
        assert_eq!(opened.sha256.len(), 64);
    }

    #[test]
    fn the_hash_is_of_the_bytes() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn text_that_is_not_utf8_is_one_error_at_the_bad_byte() {
        let opened = opened("f.yaml".into(), b"flow: f\ntitle: Caf\xe9\n".to_vec());
        assert!(opened.flow.is_none());
        assert!(opened.has_errors());
        let codes: Vec<_> = opened.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["not-utf8"]);
        assert_eq!(
            (opened.diagnostics[0].at.line, opened.diagnostics[0].at.col),
            (2, 11)
        );
        let rendered = opened.rendered_errors().join("");
        assert!(rendered.starts_with("f.yaml:2:11: error: byte 0xE9 is not UTF-8"));
        assert!(rendered.contains("2 | title: Caf\u{fffd}\n"), "{rendered}");
    }

    #[test]
    fn every_loading_error_is_kept() {
        let opened = opened("f.yaml".into(), b"flow: f\nsteps: []\nwhat: 1\n".to_vec());
        assert!(opened.flow.is_none());
        assert!(opened.diagnostics.len() >= 2, "{:?}", opened.diagnostics);
    }
}
