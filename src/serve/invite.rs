//! Invitation codes: 128 random bits each, bound to one participant, compared in
//! constant time so a guess learns nothing from how long a refusal took.

use subtle::ConstantTimeEq;

/// The secret in an invitation link.
#[derive(Clone, PartialEq, Eq)]
pub struct Code([u8; 16]);

/// Never printed by `{:?}`: codes are credentials.
impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Code(..)")
    }
}

impl Code {
    /// A new code from the operating system's random source.
    pub fn random() -> Result<Code, String> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| format!("no random source for codes: {e}"))?;
        Ok(Code(bytes))
    }

    /// As written in links: 32 lower-case hexadecimal digits.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A code as written in a link, or `None` for anything else.
    pub fn parse(text: &str) -> Option<Code> {
        if text.len() != 32 || !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        let mut bytes = [0u8; 16];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(Code(bytes))
    }
}

/// Which of `codes` is `candidate`: every code is compared, each in constant time.
pub fn find<'a>(codes: impl Iterator<Item = &'a Code>, candidate: &Code) -> Option<usize> {
    let mut found = None;
    for (i, code) in codes.enumerate() {
        if bool::from(code.0.ct_eq(&candidate.0)) {
            found = Some(i);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_from_their_links() {
        let code = Code::random().expect("random");
        let hex = code.to_hex();
        assert_eq!(hex.len(), 32);
        assert_eq!(Code::parse(&hex), Some(code.clone()));
        assert_ne!(
            Code::random().expect("random"),
            code,
            "128 bits do not repeat"
        );
        assert_eq!(format!("{code:?}"), "Code(..)");
    }

    #[test]
    fn anything_but_32_lower_case_hex_digits_is_no_code() {
        for text in ["", "abc", &"A".repeat(32), &"g".repeat(32), &"0".repeat(33)] {
            assert_eq!(Code::parse(text), None, "{text}");
        }
    }

    #[test]
    fn a_code_is_found_among_others() {
        let codes: Vec<Code> = (0..3).map(|_| Code::random().expect("random")).collect();
        assert_eq!(find(codes.iter(), &codes[1]), Some(1));
        let stranger = Code::random().expect("random");
        assert_eq!(find(codes.iter(), &stranger), None);
    }
}
