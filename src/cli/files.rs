//! Reading a designer's files, with messages that say what went wrong.

use std::path::Path;

use crate::text::printable;

/// No real flow comes near this; a larger file is a mistake (a video, a log).
const MAX_FLOW_BYTES: u64 = 16 * 1024 * 1024;

/// The file's text, or a message naming the file and the problem.
pub fn read_text(path: &Path) -> Result<String, String> {
    let shown = printable(&path.display().to_string());
    let size =
        std::fs::metadata(path).map_err(|e| format!("cannot read {shown}: {}", reason(&e)))?;
    if size.is_dir() {
        return Err(format!(
            "{shown} is a folder; name the flow files in it, e.g. {shown}/*.yaml"
        ));
    }
    if size.len() > MAX_FLOW_BYTES {
        return Err(format!(
            "{shown} is {} MiB; flow files are limited to 16 MiB",
            size.len() / (1024 * 1024)
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {shown}: {}", reason(&e)))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{shown} is not UTF-8 text (byte {} is not valid); save it as UTF-8",
            e.utf8_error().valid_up_to()
        )
    })
}

fn reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}
