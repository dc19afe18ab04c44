//! Splitting a session's text into lines, the one thing done to every byte of it.

/// The lines of `text`, as `str::lines` gives them (a `\r` before a `\n` dropped), found
/// with `memchr`'s vector search: sessions are mostly this split.
pub(super) fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut ends = memchr::memchr_iter(b'\n', text.as_bytes());
    std::iter::from_fn(move || {
        let Some(end) = ends.next() else {
            let last = &text[start.min(text.len())..];
            start = text.len() + 1;
            return (!last.is_empty()).then_some(last);
        };
        let line = &text[start..end];
        start = end + 1;
        Some(line.strip_suffix('\r').unwrap_or(line))
    })
}
