//! A passage's body as a sequence of pieces: text, links, Harlowe `(macro: ...)` with or
//! without a `[hook]`, the hook's end, SugarCube `<<macro ...>>` and `<</macro>>`.

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Piece {
    Text(String),
    /// `[[...]]`: label, target, and SugarCube's setter `[[l|t][$x to 1]]`.
    Link {
        label: String,
        target: String,
        setter: Option<String>,
    },
    /// `(name: args)`, and whether a `[hook]` opens right after it.
    Harlowe {
        name: String,
        args: String,
        hook: bool,
    },
    HookEnd,
    /// `<<name args>>`, or `<</name>>` when `close`.
    Sugar {
        name: String,
        args: String,
        close: bool,
    },
}

/// The pieces of `body`, each with the line it starts on (`first` is the body's first).
pub(super) fn pieces(body: &str, first: usize) -> Vec<(usize, Piece)> {
    let chars: Vec<char> = body.chars().collect();
    let mut out: Vec<(usize, Piece)> = Vec::new();
    let (mut i, mut line, mut hooks) = (0, first, 0usize);
    let mut text = String::new();
    let mut text_line = line;
    while i < chars.len() {
        let at = line;
        match piece_at(&chars, i, hooks > 0) {
            Some((piece, end)) => {
                if !text.is_empty() {
                    out.push((text_line, Piece::Text(std::mem::take(&mut text))));
                }
                line += chars[i..end].iter().filter(|&&c| c == '\n').count();
                match &piece {
                    Piece::Harlowe { hook: true, .. } => hooks += 1,
                    Piece::HookEnd => hooks -= 1,
                    _ => {}
                }
                out.push((at, piece));
                i = end;
            }
            None => {
                if text.is_empty() {
                    text_line = line;
                }
                if chars[i] == '\n' {
                    line += 1;
                }
                text.push(chars[i]);
                i += 1;
            }
        }
    }
    if !text.is_empty() {
        out.push((text_line, Piece::Text(text)));
    }
    out
}

/// The piece that starts at `i`, if one does, and where it ends.
fn piece_at(chars: &[char], i: usize, in_hook: bool) -> Option<(Piece, usize)> {
    if starts(chars, i, "[[") {
        link(chars, i)
    } else if starts(chars, i, "<<") {
        sugar(chars, i)
    } else if chars[i] == '(' {
        harlowe(chars, i)
    } else if chars[i] == '[' {
        markdown(chars, i)
    } else if chars[i] == ']' && in_hook {
        Some((Piece::HookEnd, i + 1))
    } else {
        None
    }
}

fn starts(chars: &[char], i: usize, with: &str) -> bool {
    with.chars()
        .enumerate()
        .all(|(k, c)| chars.get(i + k) == Some(&c))
}

/// `[[...]]` from `i`: the piece and where it ends.
fn link(chars: &[char], i: usize) -> Option<(Piece, usize)> {
    let close = (i + 2..chars.len()).find(|&k| starts(chars, k, "]]"))?;
    let inner: String = chars[i + 2..close].iter().collect();
    if inner.contains('\n') {
        return None;
    }
    let (inner, setter) = match inner.split_once("][") {
        Some((link, setter)) => (link.to_owned(), Some(setter.trim().to_owned())),
        None => (inner, None),
    };
    let (label, target) = if let Some((l, t)) = inner.rsplit_once("->") {
        (l, t)
    } else if let Some((t, l)) = inner.split_once("<-") {
        (l, t)
    } else if let Some((l, t)) = inner.rsplit_once('|') {
        (l, t)
    } else {
        (inner.as_str(), inner.as_str())
    };
    let piece = Piece::Link {
        label: label.trim().to_owned(),
        target: target.trim().to_owned(),
        setter,
    };
    Some((piece, close + 2))
}

/// Markdown's `[label](target)` from `i`, on one line.
fn markdown(chars: &[char], i: usize) -> Option<(Piece, usize)> {
    let mid = (i + 1..chars.len())
        .take_while(|&k| !matches!(chars[k], '[' | '\n'))
        .find(|&k| starts(chars, k, "]("))?;
    let close = (mid + 2..chars.len())
        .take_while(|&k| chars[k] != '\n')
        .find(|&k| chars[k] == ')')?;
    let text = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    let piece = Piece::Link {
        label: text(i + 1, mid),
        target: text(mid + 2, close),
        setter: None,
    };
    Some((piece, close + 1))
}

/// `<<name args>>` or `<</name>>` from `i`. Quotes may hold `>>`.
fn sugar(chars: &[char], i: usize) -> Option<(Piece, usize)> {
    let mut k = i + 2;
    let mut quote = None;
    while k + 1 < chars.len() {
        match (quote, chars[k]) {
            (None, '"' | '\'') => quote = Some(chars[k]),
            (Some(q), c) if c == q => quote = None,
            (None, '>') if chars[k + 1] == '>' => break,
            _ => {}
        }
        k += 1;
    }
    if k + 1 >= chars.len() {
        return None;
    }
    let inner: String = chars[i + 2..k].iter().collect();
    let (close, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner.as_str()),
    };
    let name: String = inner
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_' || *c == '=')
        .collect();
    if name.is_empty() {
        return None;
    }
    let args = inner[name.len()..].trim().to_owned();
    let piece = Piece::Sugar { name, args, close };
    Some((piece, k + 2))
}

/// `(name: args)` from `i`, with brackets and quotes inside the args; a `[` right after
/// (not a link's `[[`, unless it is `[[[`) opens its hook.
fn harlowe(chars: &[char], i: usize) -> Option<(Piece, usize)> {
    // Harlowe's code is written in lowercase: prose such as "(Note: ...)" is not a macro.
    let colon = (i + 1..chars.len()).find(|&k| {
        !(chars[k].is_ascii_lowercase() || chars[k].is_ascii_digit() || chars[k] == '-')
    })?;
    if colon == i + 1 || chars[colon] != ':' {
        return None;
    }
    let name: String = chars[i + 1..colon].iter().collect();
    let (mut k, mut depth, mut quote) = (colon + 1, 1, None);
    while k < chars.len() && depth > 0 {
        match (quote, chars[k]) {
            (None, '"' | '\'') => quote = Some(chars[k]),
            (Some(q), c) if c == q => quote = None,
            (None, '(') => depth += 1,
            (None, ')') => depth -= 1,
            _ => {}
        }
        k += 1;
    }
    if depth > 0 {
        return None;
    }
    let args: String = chars[colon + 1..k - 1].iter().collect();
    let hook = chars.get(k) == Some(&'[') && (!starts(chars, k, "[[") || starts(chars, k, "[[["));
    let piece = Piece::Harlowe {
        name: name.to_lowercase(),
        args: args.trim().to_owned(),
        hook,
    };
    Some((piece, if hook { k + 1 } else { k }))
}

/// The quoted strings among a macro's arguments: `"a", 'b'` -> [a, b].
pub(super) fn strings(args: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = args;
    while let Some(open) = rest.find(['"', '\'']) {
        let q = rest[open..].chars().next().unwrap_or('"');
        let Some(close) = rest[open + 1..].find(q) else {
            break;
        };
        out.push(rest[open + 1..open + 1 + close].to_owned());
        rest = &rest[open + close + 2..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn harlowe_hooks_sugarcube_macros_and_links_are_told_apart() {
        let got = pieces(
            "Hi (if: $a is 1)[[[Go]]] (else:)[no\n]<<set $b to \">>\">>[[x|y][$c to 2]]",
            3,
        );
        let kinds: Vec<String> = got
            .iter()
            .map(|(l, p)| match p {
                Piece::Text(t) => format!("{l}:text {t:?}"),
                Piece::Link { target, setter, .. } => format!("{l}:link {target} {setter:?}"),
                Piece::Harlowe { name, hook, .. } => format!("{l}:({name} {hook})"),
                Piece::HookEnd => format!("{l}:]"),
                Piece::Sugar { name, args, .. } => format!("{l}:<<{name} {args}>>"),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "3:text \"Hi \"",
                "3:(if true)",
                "3:link Go None",
                "3:]",
                "3:text \" \"",
                "3:(else true)",
                "3:text \"no\\n\"",
                "4:]",
                "4:<<set $b to \">>\">>",
                "4:link y Some(\"$c to 2\")",
            ]
        );
        assert_eq!(strings("\"a b\", 'c'"), ["a b", "c"]);
    }

    #[test]
    fn every_link_form_is_a_link() {
        let got = pieces(
            "Go [[Left]] or [[Take the right->Right]], [[Up<-Climb]], [[Down|Cellar]] or [see](Map).",
            1,
        );
        let pairs: Vec<(&str, &str)> = got
            .iter()
            .filter_map(|(_, p)| match p {
                Piece::Link { label, target, .. } => Some((label.as_str(), target.as_str())),
                _ => None,
            })
            .collect();
        assert_eq!(
            pairs,
            [
                ("Left", "Left"),
                ("Take the right", "Right"),
                ("Climb", "Up"),
                ("Down", "Cellar"),
                ("see", "Map")
            ]
        );
    }
}
