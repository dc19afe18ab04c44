//! Ink's logic in the flow's expression language: conditions, assignments, first values,
//! and the `{...}` inside text. What cannot be said there comes back as `None`.

/// An Ink value for `vars:`: a number, `true`/`false` (as yes/no), or "text".
pub(super) fn literal(value: &str) -> Option<String> {
    let v = value.trim();
    match v {
        "true" => Some("yes".into()),
        "false" => Some("no".into()),
        _ if v.parse::<f64>().is_ok() => Some(v.to_owned()),
        _ if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') => {
            Some(serde_json::to_string(&v[1..v.len() - 1]).unwrap_or_default())
        }
        _ => None,
    }
}

/// What a name in an Ink condition means: a variable, or a knot, stitch or label
/// (its read count, as "was it visited").
pub(super) trait Names {
    fn is_var(&self, name: &str) -> bool;
    /// The step id a knot, stitch or label name refers to, seen from the current knot.
    fn place(&self, name: &str) -> Option<String>;
}

/// `x > 2 && not seen_it` -> `{x} > 2 and not visited(seen_it)`.
pub(super) fn condition(ink: &str, names: &dyn Names) -> Option<String> {
    let chars: Vec<char> = ink.trim().chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if chars[i..].iter().find(|c| !c.is_whitespace()) == Some(&'(') {
                return None; // a function call
            }
            match word.as_str() {
                "and" | "or" | "not" | "true" | "false" => out.push_str(&word),
                _ if names.is_var(&word) => out.push_str(&format!("{{{word}}}")),
                _ => out.push_str(&format!("visited({})", names.place(&word)?)),
            }
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        match (c, two.as_str()) {
            (_, "&&") => (out.push_str(" and "), i += 2).1,
            (_, "||") => (out.push_str(" or "), i += 2).1,
            (_, "==" | "!=" | "<=" | ">=") => (out.push_str(&two), i += 2).1,
            ('!', _) => (out.push_str(" not "), i += 1).1,
            ('"', _) => {
                let close = chars[i + 1..].iter().position(|&q| q == '"')? + i + 1;
                out.extend(&chars[i..=close]);
                i = close + 1;
            }
            ('?' | '^' | '%' | '{' | '}' | '[' | ']', _) => return None,
            _ => (out.push(c), i += 1).1,
        }
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    (!out.is_empty()).then_some(out)
}

/// `~ x = e`, `~ x++`, `~ x += e`: the variable and its new value as an expression.
pub(super) fn assignment(line: &str, names: &dyn Names) -> Option<(String, String)> {
    let line = line.trim().trim_start_matches('~').trim();
    if line.starts_with("temp ") || line.starts_with("return") {
        return None;
    }
    let (name, value) = if let Some(name) = line.strip_suffix("++") {
        (name.trim(), format!("{{{}}} + 1", name.trim()))
    } else if let Some(name) = line.strip_suffix("--") {
        (name.trim(), format!("{{{}}} - 1", name.trim()))
    } else if let Some((name, e)) = line.split_once("+=") {
        (
            name.trim(),
            format!("{{{}}} + ({})", name.trim(), condition(e, names)?),
        )
    } else if let Some((name, e)) = line.split_once("-=") {
        (
            name.trim(),
            format!("{{{}}} - ({})", name.trim(), condition(e, names)?),
        )
    } else {
        let (name, e) = line.split_once('=')?;
        (name.trim(), condition(e, names)?)
    };
    names.is_var(name).then(|| (name.to_owned(), value))
}

/// Text with Ink's `{...}`: `{x}` of a variable stays `{x}` (shown by the flow);
/// alternatives and conditional text keep their first branch, with a note each.
pub(super) fn text(ink: &str, names: &dyn Names, notes: &mut Vec<String>) -> String {
    let mut out = String::new();
    let mut rest = ink;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inner = &rest[open + 1..close];
        if names.is_var(inner.trim()) {
            out.push_str(&format!("{{{}}}", inner.trim()));
        } else if let Some((cond, branches)) = split_conditional(inner) {
            let first = branches.split('|').next().unwrap_or("");
            notes.push(format!(
                "text shown only when {cond}; kept as always shown: {first}"
            ));
            out.push_str(first);
        } else {
            let first = inner
                .trim_start_matches(['~', '&', '!'])
                .split('|')
                .next()
                .unwrap_or("");
            notes.push(format!("alternatives {{{inner}}}: the first is kept"));
            out.push_str(first);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// `cond: a|b` -> (`cond`, `a|b`); a `:` inside quotes does not count.
fn split_conditional(inner: &str) -> Option<(&str, &str)> {
    let colon = inner.find(':')?;
    let before = &inner[..colon];
    (!before.contains('"') && !before.contains('|')).then(|| (before.trim(), &inner[colon + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Known;
    impl Names for Known {
        fn is_var(&self, name: &str) -> bool {
            matches!(name, "patience" | "met")
        }
        fn place(&self, name: &str) -> Option<String> {
            (name == "office").then(|| "office".into())
        }
    }

    #[test]
    fn conditions_and_assignments_become_expressions() {
        assert_eq!(
            condition("patience > 2 && !met", &Known).as_deref(),
            Some("{patience} > 2 and not {met}")
        );
        assert_eq!(
            condition("not office || met == true", &Known).as_deref(),
            Some("not visited(office) or {met} == true")
        );
        assert_eq!(condition("RANDOM(1, 2)", &Known), None);
        assert_eq!(condition("nowhere", &Known), None);
        let set = |l| assignment(l, &Known);
        assert_eq!(
            set("~ patience = patience - 1"),
            Some(("patience".into(), "{patience} - 1".into()))
        );
        assert_eq!(
            set("~ patience++"),
            Some(("patience".into(), "{patience} + 1".into()))
        );
        assert_eq!(set("~ met = true"), Some(("met".into(), "true".into())));
        assert_eq!(set("~ temp x = 1"), None);
        assert_eq!(literal("\"Sam\"").as_deref(), Some("\"Sam\""));
        assert_eq!(literal("false").as_deref(), Some("no"));
        assert_eq!(literal("-> knot"), None);
    }

    #[test]
    fn braces_in_text_keep_variables_and_first_branches() {
        let mut notes = Vec::new();
        let shown = text(
            "You have {patience} left. {met: Hello again|Hello}. {~Hi|Hey}",
            &Known,
            &mut notes,
        );
        assert_eq!(shown, "You have {patience} left.  Hello again. Hi");
        assert_eq!(notes.len(), 2);
    }
}
