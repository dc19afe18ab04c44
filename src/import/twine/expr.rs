//! Harlowe's and SugarCube's expressions in the flow's expression language: `$x`, numbers,
//! text, true/false, `is`/`eq`/`==`/`===`, `is not`/`neq`/`!=`, `gt`/`gte`/`lt`/`lte`,
//! `and`/`&&`, `or`/`||`, `not`/`!`, `+ - * /`, `visited("Passage")`. What has no
//! counterpart (`contains`, `_temp`, `it` outside a set, calls, datamaps) is an `Err`
//! saying what it was.

/// The assignments of a Harlowe `(set:)`/`(put:)` or a SugarCube `<<set>>` or setter:
/// `$x to v`, `$x = v`, `$x += v`, `$x -= v`, `$x++`, `$x--`, `v into $x`, separated by
/// commas or semicolons. Each is (variable, value) or, when it does not map, what it was.
pub(super) fn assignments(
    args: &str,
    step: &dyn Fn(&str) -> Option<String>,
) -> Vec<Result<(String, String), String>> {
    split_top(args)
        .into_iter()
        .map(|one| {
            let one = one.trim();
            assignment(one, step).map_err(|why| format!("`{one}` ({why})"))
        })
        .collect()
}

fn assignment(
    one: &str,
    step: &dyn Fn(&str) -> Option<String>,
) -> Result<(String, String), String> {
    let (target, value) = if let Some((value, target)) = one.split_once(" into ") {
        (target, value.to_owned())
    } else if let Some((target, value)) = one.split_once(" to ") {
        (target, value.to_owned())
    } else if let Some((target, value)) = one.split_once("+=") {
        (target, format!("{} + ({value})", target.trim()))
    } else if let Some((target, value)) = one.split_once("-=") {
        (target, format!("{} - ({value})", target.trim()))
    } else if let Some(target) = one.strip_suffix("++") {
        (target, format!("{target} + 1"))
    } else if let Some(target) = one.strip_suffix("--") {
        (target, format!("{target} - 1"))
    } else {
        let eq = one
            .char_indices()
            .find(|&(k, c)| {
                c == '='
                    && !one[k + 1..].starts_with('=')
                    && !one[..k].ends_with(['=', '!', '<', '>'])
            })
            .map(|(k, _)| k)
            .ok_or("not an assignment")?;
        (&one[..eq], one[eq + 1..].to_owned())
    };
    let name = target
        .trim()
        .strip_prefix('$')
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .ok_or("only story variables such as $name are carried over")?;
    if name.len() > 64 {
        return Err("a name longer than 64 characters".into());
    }
    Ok((name.to_owned(), translate(&value, Some(name), step)?))
}

/// `a, (b, c); d` -> [a, (b, c), d]: commas and semicolons outside brackets and quotes.
fn split_top(args: &str) -> Vec<String> {
    let (mut out, mut part) = (Vec::new(), String::new());
    let (mut depth, mut quote) = (0i32, None);
    for c in args.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => depth -= 1,
            (None, ',' | ';') if depth == 0 => {
                out.push(std::mem::take(&mut part));
                continue;
            }
            _ => {}
        }
        part.push(c);
    }
    out.push(part);
    out.retain(|p| !p.trim().is_empty());
    out
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// Already in the flow's words: `{x}`, `3`, `"text"`, `==`, `and`, `(`.
    Flow(String),
    Not,
}

/// Translates a condition or a value. `it` (Harlowe's "the variable being set") reads as
/// `it_var` when given; `visited` names a passage, mapped to its step id by `step`.
pub(super) fn translate(
    src: &str,
    it_var: Option<&str>,
    step: &dyn Fn(&str) -> Option<String>,
) -> Result<String, String> {
    let toks = lex(src, it_var, step)?;
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        i = operand_or_op(&toks, i, &mut out, 0)?;
    }
    let text = out.join(" ").replace("( ", "(").replace(" )", ")");
    if text.is_empty() {
        return Err("an empty expression".into());
    }
    Ok(text)
}

/// How deep `not`s may nest: as deep as the flow's own expressions may (deeper ones it
/// refuses anyway), and the bound on this translator's recursion.
const MAX_NOT_DEPTH: usize = 48;

/// Writes the token at `i`; a `not` takes the operand after it in brackets, since the
/// flow's `not` binds more loosely than Twine's `!`.
fn operand_or_op(
    toks: &[Tok],
    i: usize,
    out: &mut Vec<String>,
    depth: usize,
) -> Result<usize, String> {
    match &toks[i] {
        Tok::Flow(t) => {
            out.push(t.clone());
            Ok(i + 1)
        }
        Tok::Not if depth >= MAX_NOT_DEPTH => {
            Err(format!("`not` nested more than {MAX_NOT_DEPTH} deep"))
        }
        Tok::Not => {
            let mut inner = Vec::new();
            let end = match toks.get(i + 1) {
                Some(Tok::Flow(t)) if t == "(" => {
                    let mut open = 0;
                    let mut j = i + 1;
                    loop {
                        match toks.get(j) {
                            Some(Tok::Flow(t)) if t == "(" => open += 1,
                            Some(Tok::Flow(t)) if t == ")" => open -= 1,
                            None => return Err("a bracket is not closed".into()),
                            _ => {}
                        }
                        j += 1;
                        if open == 0 {
                            break;
                        }
                    }
                    let mut k = i + 1;
                    while k < j {
                        k = operand_or_op(toks, k, &mut inner, depth + 1)?;
                    }
                    j
                }
                Some(_) => operand_or_op(toks, i + 1, &mut inner, depth + 1)?,
                None => return Err("`not` with nothing after it".into()),
            };
            out.push(format!("(not {})", inner.join(" ")));
            Ok(end)
        }
    }
}

fn lex(
    src: &str,
    it_var: Option<&str>,
    step: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = src.trim().chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '$' || c == '_' || c.is_alphabetic() {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if chars
                .get(i)
                .is_some_and(|&c| c == '.' || c == '[' || c == '\'')
            {
                return Err(format!("`{word}` with a property or index"));
            }
            toks.push(word_token(&word, it_var)?);
            if word == "visited" {
                i = visited(&chars, i, step, &mut toks)?;
            }
        } else {
            let (tok, len) = literal_or_symbol(&chars, i)?;
            toks.push(tok);
            i += len;
        }
    }
    Ok(merge_is_not(toks))
}

/// Text, a number or an operator at `i`, and how many characters it took.
fn literal_or_symbol(chars: &[char], i: usize) -> Result<(Tok, usize), String> {
    let c = chars[i];
    let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
    let three: String = chars[i..(i + 3).min(chars.len())].iter().collect();
    let flow = |s: &str, len| Ok((Tok::Flow(s.to_owned()), len));
    if c == '"' || c == '\'' {
        let close = chars[i + 1..]
            .iter()
            .position(|&q| q == c)
            .ok_or("a quote is not closed")?;
        let text: String = chars[i + 1..i + 1 + close].iter().collect();
        flow(&quote(&text)?, close + 2)
    } else if c.is_ascii_digit() {
        let len = chars[i..]
            .iter()
            .take_while(|c| c.is_ascii_digit() || **c == '.')
            .count();
        flow(&chars[i..i + len].iter().collect::<String>(), len)
    } else if three == "===" || three == "!==" {
        flow(if c == '=' { "==" } else { "!=" }, 3)
    } else if let Some(op) = [("==", "=="), ("!=", "!="), ("<=", "<="), (">=", ">=")]
        .iter()
        .chain(&[("&&", "and"), ("||", "or")])
        .find(|(t, _)| *t == two)
    {
        flow(op.1, 2)
    } else if c == '!' {
        Ok((Tok::Not, 1))
    } else if "<>+-*/()".contains(c) {
        flow(&c.to_string(), 1)
    } else {
        Err(format!("`{c}`"))
    }
}

/// A word in an expression: a variable, an operator written as a word, or a literal.
fn word_token(word: &str, it_var: Option<&str>) -> Result<Tok, String> {
    let flow = |s: &str| Ok(Tok::Flow(s.to_owned()));
    if let Some(name) = word.strip_prefix('$') {
        return if name.is_empty() {
            Err("a `$` without a name".into())
        } else {
            Ok(Tok::Flow(format!("{{{name}}}")))
        };
    }
    match word {
        "is" | "eq" => flow("=="),
        "neq" => flow("!="),
        "gt" => flow(">"),
        "gte" => flow(">="),
        "lt" => flow("<"),
        "lte" => flow("<="),
        "and" | "or" => flow(word),
        "not" => Ok(Tok::Not),
        "true" | "false" => flow(word),
        "visited" => flow("visited"),
        "it" => match it_var {
            Some(name) => Ok(Tok::Flow(format!("{{{name}}}"))),
            None => Err("`it`".into()),
        },
        "contains" | "in" => Err(format!("`{word}` (lists and text search)")),
        _ if word.starts_with('_') => Err(format!("the temporary variable {word}")),
        _ => Err(format!("`{word}`")),
    }
}

/// SugarCube's `visited("Passage")` as `visited(step)`; `visited()` of the passage
/// itself is not carried over.
fn visited(
    chars: &[char],
    i: usize,
    step: &dyn Fn(&str) -> Option<String>,
    toks: &mut Vec<Tok>,
) -> Result<usize, String> {
    let mut open = i;
    while chars.get(open).is_some_and(|c| c.is_whitespace()) {
        open += 1;
    }
    let close = (chars.get(open) == Some(&'('))
        .then(|| chars[open..].iter().position(|&c| c == ')'))
        .flatten()
        .map(|p| open + p)
        .ok_or("`visited` without a passage")?;
    let inner: String = chars[open + 1..close].iter().collect();
    let inner = inner.trim();
    let name = inner.trim_matches(|c| c == '"' || c == '\'');
    let id = (name.len() + 2 == inner.len())
        .then(|| step(name))
        .flatten()
        .ok_or_else(|| format!("visited({inner})"))?;
    toks.pop();
    toks.push(Tok::Flow(format!("visited({id})")));
    Ok(close + 1)
}

/// `is not` (`==` then `not`) is one operator: `!=`.
fn merge_is_not(toks: Vec<Tok>) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::new();
    for t in toks {
        if t == Tok::Not && out.last() == Some(&Tok::Flow("==".into())) {
            out.pop();
            out.push(Tok::Flow("!=".into()));
        } else {
            out.push(t);
        }
    }
    out
}

/// Text as the flow writes it: in double quotes, or single ones when it holds `"`.
fn quote(text: &str) -> Result<String, String> {
    if !text.contains('"') {
        Ok(format!("\"{text}\""))
    } else if !text.contains('\'') {
        Ok(format!("'{text}'"))
    } else {
        Err("text holding both kinds of quote".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(src: &str) -> Result<String, String> {
        translate(src, Some("x"), &|p| (p == "Hall").then(|| "Hall".into()))
    }

    #[test]
    fn harlowe_and_sugarcube_operators_become_the_flows() {
        assert_eq!(t("$x is 3").as_deref(), Ok("{x} == 3"));
        assert_eq!(t("$x is not \"red\"").as_deref(), Ok("{x} != \"red\""));
        assert_eq!(
            t("$a gte 2 && !$b or $c neq 'it'").as_deref(),
            Ok("{a} >= 2 and (not {b}) or {c} != \"it\"")
        );
        assert_eq!(t("not ($a === 1)").as_deref(), Ok("(not ({a} == 1))"));
        assert_eq!(t("it + 1").as_deref(), Ok("{x} + 1"));
        assert_eq!(t("visited(\"Hall\")").as_deref(), Ok("visited(Hall)"));
        assert_eq!(
            t("visited('Hall') and $a lt 1").as_deref(),
            Ok("visited(Hall) and {a} < 1")
        );
    }

    #[test]
    fn assignments_of_both_formats() {
        let set = |a| assignments(a, &|_| None);
        assert_eq!(
            set("$x to 1, $y to it + 2"),
            [
                Ok(("x".into(), "1".into())),
                Ok(("y".into(), "{y} + 2".into()))
            ]
        );
        assert_eq!(
            set("\"a\" into $name; $n += 2; $m++; $k = $n == 2"),
            [
                Ok(("name".into(), "\"a\"".into())),
                Ok(("n".into(), "{n} + (2)".into())),
                Ok(("m".into(), "{m} + 1".into())),
                Ok(("k".into(), "{n} == 2".into())),
            ]
        );
        assert!(
            set("_t to 1")[0]
                .as_ref()
                .expect_err("does not map")
                .contains("story variables")
        );
        assert!(set("$bag to (a: 1, 2)")[0].is_err());
    }

    #[test]
    fn what_has_no_counterpart_is_named() {
        assert!(
            t("$bag contains \"key\"")
                .expect_err("does not map")
                .contains("contains")
        );
        assert!(
            t("_tmp is 1")
                .expect_err("does not map")
                .contains("temporary")
        );
        assert!(t("$a.length > 1").is_err());
        assert!(t("(either: 1, 2)").is_err());
        assert!(t("visited(\"Nowhere\")").is_err());
        assert!(t("$a % 2").is_err());
    }
}
