//! What a participant's terminal sends over SSH, decoded: the bytes a terminal writes
//! for keys (xterm's, which every terminal emulator speaks) and its mouse reports (SGR,
//! mode 1006), as the page's messages name them, so one key table serves every
//! participant. Pure: bytes in, keys out.

use crate::serve::keys::BrowserKey;

/// What the terminal sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Typed {
    /// A key, named as a browser's `KeyboardEvent.key` names it.
    Key(BrowserKey),
    /// The left button went down on cell `col`, `row` (from 0).
    Point { col: u16, row: u16 },
    /// Ctrl-C or Ctrl-D: the participant leaves (and may come back).
    Leave,
}

/// The longest escape sequence kept while its end has not arrived: anything longer is
/// not a key.
const LONGEST_HELD: usize = 64;

/// Decodes a terminal's input across reads: a sequence cut between two reads is held
/// until its end arrives.
#[derive(Debug, Default)]
pub struct Decoder {
    held: Vec<u8>,
}

impl Decoder {
    /// What `bytes` (after whatever was held) say, in order.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Typed> {
        let mut input = std::mem::take(&mut self.held);
        input.extend_from_slice(bytes);
        let mut typed = Vec::new();
        let mut at = 0;
        while at < input.len() {
            match decode(&input[at..]) {
                Decoded::One(used, found) => {
                    typed.extend(found);
                    at += used;
                }
                Decoded::Cut if input.len() - at <= LONGEST_HELD => {
                    self.held = input[at..].to_vec();
                    break;
                }
                // A sequence too long to be a key: dropped, with what follows it.
                Decoded::Cut => break,
            }
        }
        typed
    }
}

enum Decoded {
    /// This many bytes, and what they meant (if anything).
    One(usize, Option<Typed>),
    /// The bytes stop inside a sequence.
    Cut,
}

fn key(name: &str) -> Option<Typed> {
    Some(Typed::Key(BrowserKey {
        key: name.into(),
        ctrl: false,
        alt: false,
        meta: false,
        shift: false,
    }))
}

fn decode(bytes: &[u8]) -> Decoded {
    let Some(&first) = bytes.first() else {
        return Decoded::Cut;
    };
    let found = match first {
        0x1b => return escape(bytes),
        b'\r' | b'\n' => key("Enter"),
        b'\t' => key("Tab"),
        0x7f | 0x08 => key("Backspace"),
        0x03 | 0x04 => Some(Typed::Leave),
        0x00..=0x1f => None,
        _ => return text(bytes),
    };
    Decoded::One(1, found)
}

/// One character of UTF-8 text.
fn text(bytes: &[u8]) -> Decoded {
    let length = match bytes[0] {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => return Decoded::One(1, None),
    };
    let Some(encoded) = bytes.get(..length) else {
        return Decoded::Cut;
    };
    match std::str::from_utf8(encoded)
        .ok()
        .and_then(|s| s.chars().next())
    {
        Some(c) if !c.is_control() => Decoded::One(length, key(c.encode_utf8(&mut [0; 4]))),
        _ => Decoded::One(1, None),
    }
}

/// An escape sequence: CSI (`ESC [`), SS3 (`ESC O`), or Esc itself.
fn escape(bytes: &[u8]) -> Decoded {
    match bytes.get(1) {
        // Esc pressed alone: terminals send it by itself, and a sequence arrives whole.
        None => Decoded::One(1, key("Escape")),
        Some(b'[') => csi(bytes),
        Some(b'O') => match bytes.get(2) {
            None => Decoded::Cut,
            Some(letter) => Decoded::One(3, cursor_key(*letter)),
        },
        Some(0x1b) => Decoded::One(1, key("Escape")),
        // A terminal's report or string (OSC, DCS, APC, PM, SOS): none is a key, and
        // none of its text is typed.
        Some(b']' | b'P' | b'_' | b'^' | b'X') => string(bytes),
        // Alt with a key: a shortcut, which the participant's keys do not take.
        Some(_) => match decode(&bytes[1..]) {
            Decoded::One(used, _) => Decoded::One(1 + used, None),
            Decoded::Cut => Decoded::Cut,
        },
    }
}

/// A string sequence, to its end: BEL, or ST (`ESC \\`); nothing in it means a key.
fn string(bytes: &[u8]) -> Decoded {
    let body = &bytes[2..];
    let bel = body.iter().position(|b| *b == 0x07).map(|i| i + 1);
    let st = body.windows(2).position(|w| w == b"\x1b\\").map(|i| i + 2);
    match (bel, st) {
        (Some(a), Some(b)) => Decoded::One(2 + a.min(b), None),
        (Some(end), None) | (None, Some(end)) => Decoded::One(2 + end, None),
        (None, None) => Decoded::Cut,
    }
}

fn cursor_key(letter: u8) -> Option<Typed> {
    match letter {
        b'A' => key("ArrowUp"),
        b'B' => key("ArrowDown"),
        b'C' => key("ArrowRight"),
        b'D' => key("ArrowLeft"),
        b'H' => key("Home"),
        b'F' => key("End"),
        _ => None,
    }
}

/// `ESC [`, parameters, and a final byte.
fn csi(bytes: &[u8]) -> Decoded {
    let body = &bytes[2..];
    let Some(end) = body.iter().position(|b| (0x40..=0x7e).contains(b)) else {
        return Decoded::Cut;
    };
    let (parameters, last) = (&body[..end], body[end]);
    let used = 2 + end + 1;
    let parameters = std::str::from_utf8(parameters).unwrap_or("");
    if let Some(mouse) = parameters.strip_prefix('<') {
        return Decoded::One(used, pointer(mouse, last));
    }
    let mut numbers = parameters.split(';').map(|n| n.parse::<u16>().ok());
    let first = numbers.next().flatten();
    let found = match last {
        b'~' => match first {
            Some(1 | 7) => key("Home"),
            Some(4 | 8) => key("End"),
            Some(3) => key("Delete"),
            Some(5) => key("PageUp"),
            Some(6) => key("PageDown"),
            _ => None,
        },
        b'Z' => Some(Typed::Key(BrowserKey {
            shift: true,
            ..match key("Tab") {
                Some(Typed::Key(tab)) => tab,
                _ => return Decoded::One(used, None),
            }
        })),
        letter => cursor_key(letter),
    };
    Decoded::One(used, found)
}

/// An SGR mouse report, `ESC [ < button ; col ; row M` (`m` when released): a press of
/// the left button is a click, the wheel turns pages.
fn pointer(report: &str, last: u8) -> Option<Typed> {
    let mut numbers = report.split(';').map(|n| n.parse::<u16>().ok());
    let (Some(Some(button)), Some(Some(col)), Some(Some(row))) =
        (numbers.next(), numbers.next(), numbers.next())
    else {
        return None;
    };
    if last != b'M' {
        return None;
    }
    // Bits 2-4 are Shift, Meta and Ctrl; 32 is motion; 64 the wheel.
    match button & !0b1_1100 {
        0 => Some(Typed::Point {
            col: col.saturating_sub(1),
            row: row.saturating_sub(1),
        }),
        64 => key("PageUp"),
        65 => key("PageDown"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(typed: &[Typed]) -> Vec<String> {
        typed
            .iter()
            .map(|t| match t {
                Typed::Key(k) if k.shift => format!("Shift+{}", k.key),
                Typed::Key(k) => k.key.clone(),
                Typed::Point { col, row } => format!("point {col},{row}"),
                Typed::Leave => "leave".into(),
            })
            .collect()
    }

    fn decoded(bytes: &[u8]) -> Vec<String> {
        names(&Decoder::default().feed(bytes))
    }

    #[test]
    fn xterm_keys_are_named_as_the_page_names_them() {
        // The sequences are xterm's (ctlseqs, "PC-Style Function Keys"), in both the
        // normal and the application cursor mode.
        assert_eq!(
            decoded(b"\x1b[A\x1b[B\x1b[C\x1b[D\x1bOA\x1bOB\x1b[H\x1b[F\x1b[1~\x1b[4~"),
            [
                "ArrowUp",
                "ArrowDown",
                "ArrowRight",
                "ArrowLeft",
                "ArrowUp",
                "ArrowDown",
                "Home",
                "End",
                "Home",
                "End"
            ]
        );
        assert_eq!(
            decoded(b"\x1b[5~\x1b[6~\x1b[3~\x1b[Z\t\r\x7f\x08"),
            [
                "PageUp",
                "PageDown",
                "Delete",
                "Shift+Tab",
                "Tab",
                "Enter",
                "Backspace",
                "Backspace"
            ]
        );
        assert_eq!(decoded("yé→2".as_bytes()), ["y", "é", "→", "2"]);
        assert_eq!(decoded(b"\x1b"), ["Escape"]);
        assert_eq!(decoded(b"\x03"), ["leave"]);
        // Modified arrows are still arrows; Alt shortcuts and other controls are nothing.
        assert_eq!(decoded(b"\x1b[1;5A\x1bx\x01\x1b[15~"), ["ArrowUp"]);
        // A terminal's reports and strings type nothing, however they end.
        assert_eq!(
            decoded(b"a\x1b]11;rgb:0000/0000/0000\x07b\x1bP1$r0m\x1b\\c\x1b_x\x1b\\d"),
            ["a", "b", "c", "d"]
        );
    }

    #[test]
    fn a_sequence_cut_between_reads_is_held_until_it_ends() {
        let mut decoder = Decoder::default();
        assert!(decoder.feed(b"\x1b[").is_empty());
        assert!(decoder.feed(b"5").is_empty());
        assert_eq!(names(&decoder.feed(b"~a")), ["PageUp", "a"]);
        let e_acute = "é".as_bytes();
        assert!(decoder.feed(&e_acute[..1]).is_empty());
        assert_eq!(names(&decoder.feed(&e_acute[1..])), ["é"]);
        // A "sequence" that never ends is not kept growing.
        let mut endless = b"\x1b[".to_vec();
        endless.extend([b'1'; 100]);
        assert!(decoder.feed(&endless).is_empty());
        assert_eq!(names(&decoder.feed(b"q")), ["q"]);
    }

    #[test]
    fn a_left_click_is_a_point_and_the_wheel_turns_pages() {
        // SGR reports count from 1; the page's cells count from 0.
        assert_eq!(
            decoded(
                b"\x1b[<0;10;5M\x1b[<0;10;5m\x1b[<2;3;3M\x1b[<64;1;1M\x1b[<65;1;1M\x1b[<32;4;4M"
            ),
            ["point 9,4", "PageUp", "PageDown"]
        );
        assert_eq!(
            decoded(b"\x1b[<0;;5M\x1b[<0;99999;5M"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn any_bytes_decode_without_panicking() {
        let mut decoder = Decoder::default();
        let mut state = 0x2545_f491_u32;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let bytes = state.to_le_bytes();
            let _ = decoder.feed(&bytes[..(state % 5) as usize]);
            assert!(decoder.held.len() <= LONGEST_HELD);
        }
    }
}
