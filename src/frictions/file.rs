//! The friction file, `frictions.yaml`: a header, then one JSON line per item, as
//! session and notes files are written, so it is YAML and is read line by line. It is
//! rewritten whole when tags change, through a temporary file renamed over it: a reader
//! sees the old file or the new one, never half of one.

use std::io::Write;
use std::path::Path;

use super::{FrictionMap, Item};
use crate::source::{self, Kind};
use crate::text::printable;

/// The first line of every friction file.
pub const SCHEMA: &str = "mvx-frictions/1";

/// What `read` accepts: a regular file of at most 512 MiB (100,000 items of at most
/// 20,000 characters each, escaped, fit).
pub const FRICTIONS_FILE: Kind = Kind {
    noun: "friction",
    pattern: "frictions.yaml",
    limit: 512 * 1024 * 1024,
};

/// The map as the file's text.
pub fn text(map: &FrictionMap) -> Result<String, String> {
    let source = serde_json::to_string(&map.source).map_err(|e| e.to_string())?;
    let mut text = format!("schema: {SCHEMA}\nsource: {source}\nitems:\n");
    if map.items.is_empty() {
        text.truncate(text.len() - 1);
        text.push_str(" []\n");
    }
    for item in &map.items {
        let line = serde_json::to_string(item).map_err(|e| e.to_string())?;
        text.push_str("- ");
        text.push_str(&line);
        text.push('\n');
    }
    Ok(text)
}

/// Writes `map` to `path`: into a temporary file in the same folder, synced, then
/// renamed over `path`.
pub fn write(path: &Path, map: &FrictionMap) -> Result<(), String> {
    let shown = printable(&path.display().to_string());
    let text = text(map)?;
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let cannot = |e: std::io::Error| format!("cannot write {shown}: {}", printable(&e.to_string()));
    let mut temporary = tempfile::Builder::new()
        .prefix(".frictions")
        .suffix(".tmp")
        .tempfile_in(folder)
        .map_err(cannot)?;
    temporary.write_all(text.as_bytes()).map_err(cannot)?;
    temporary.as_file().sync_all().map_err(cannot)?;
    temporary.persist(path).map_err(|e| cannot(e.error))?;
    Ok(())
}

/// Reads the friction file at `path`. A line that is not an item is named; a file with
/// another schema, or none, is refused.
pub fn read(path: &Path) -> Result<FrictionMap, String> {
    let shown = printable(&path.display().to_string());
    let bytes = source::read(path, FRICTIONS_FILE).map_err(|e| e.to_string())?;
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("{shown} is not UTF-8; write it again with `mvx frictions import`"))?;
    parse(&text).map_err(|why| format!("{shown}: {why}"))
}

/// The map in a friction file's text.
pub fn parse(text: &str) -> Result<FrictionMap, String> {
    let mut lines = text.lines().enumerate();
    let schema = lines.next().map(|(_, l)| l.trim_end());
    if schema != Some(&format!("schema: {SCHEMA}")) {
        return Err(format!(
            "not a friction file: its first line must be `schema: {SCHEMA}` (`mvx frictions import` writes one)"
        ));
    }
    let mut map = FrictionMap::default();
    for (number, line) in lines {
        let line = line.trim_end();
        if let Some(json) = line.strip_prefix("source: ") {
            map.source = serde_json::from_str(json).unwrap_or_else(|_| json.to_owned());
        } else if let Some(json) = line.strip_prefix("- ") {
            let item: Item = serde_json::from_str(json).map_err(|e| {
                format!(
                    "line {}: not an item ({})",
                    number + 1,
                    printable(&e.to_string())
                )
            })?;
            map.items.push(item);
        } else if !(line.is_empty() || line.starts_with("items:") || line.starts_with('#')) {
            return Err(format!(
                "line {}: expected an item (`- {{...}}`)",
                number + 1
            ));
        }
    }
    Ok(map)
}
