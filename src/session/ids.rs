//! Participant, researcher and session ids: checked when given, random when not.

/// `id` as given with `flag`, if it is fit for file names and reports.
pub fn valid(id: &str, flag: &str) -> Result<String, String> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    match ok {
        true => Ok(id.to_owned()),
        false => Err(format!(
            "{flag} `{}` may use only letters, digits, `-` and `_` (1 to 64 of them)",
            crate::text::printable(id)
        )),
    }
}

/// `len` characters no one misreads (no 0/O, 1/I/L): ids, not secrets.
pub fn random_suffix(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    (0..len)
        .map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())]))
        .collect()
}

/// A participant id for someone not named: `P` and four such characters.
pub fn participant() -> String {
    format!("P{}", random_suffix(4))
}
