//! The macros a passage may hold, Harlowe's `(name: ...)` and SugarCube's `<<name>>`:
//! those that map drive the walker, the others are named.

use super::{Frame, Walker};
use crate::import::DraftChoice;
use crate::import::twine::markup::strings;

/// SugarCube containers whose content shows (and whose sets run) only sometimes.
const GUARDED: &[&str] = &[
    "for",
    "switch",
    "repeat",
    "timed",
    "linkappend",
    "linkprepend",
    "linkreplace",
    "widget",
    "done",
    "capture",
    "type",
    "append",
    "prepend",
    "replace",
    "cycle",
    "listbox",
    "do",
];
const HIDDEN: &[&str] = &[
    "script",
    "silently",
    "linkreplace",
    "linkappend",
    "linkprepend",
];

impl Walker<'_> {
    fn goto(&mut self, line: usize, target: Option<String>, raw: &str) {
        let top_level = self.frames.is_empty() && self.out.go.is_none();
        let link = self.frames.iter_mut().rev().find_map(|f| match f {
            Frame::Link { target, .. } => Some(target),
            _ => None,
        });
        match (link, target) {
            (Some(slot), Some(t)) => *slot = Some(t),
            (None, Some(t)) if top_level => self.out.go = Some(t),
            _ => self.note(line, format!("{raw}: a jump that runs only sometimes")),
        }
    }

    pub(super) fn end_link(&mut self) {
        let Some(Frame::Link {
            label,
            target,
            set,
            line,
        }) = self.frames.pop()
        else {
            return;
        };
        match target {
            Some(target) => {
                let mut choice = DraftChoice::to(label, target);
                choice.set = set;
                self.offer(line, choice);
            }
            None => self.note(
                line,
                format!("the link \"{label}\" changes the passage in place rather than leading on"),
            ),
        }
    }

    fn open_link(&mut self, line: usize, label: String, target: Option<String>) {
        let set = Vec::new();
        self.frames.push(Frame::Link {
            label,
            target,
            set,
            line,
        });
    }

    /// `(if:)`, `(unless:)`, `(else-if:)`, `(else:)`: a branch opens with its hook.
    fn harlowe_branch(&mut self, line: usize, name: &str, args: &str, raw: &str) {
        if name == "if" || name == "unless" {
            let c = self.cond(line, raw, args);
            let c = match name {
                "unless" => c.map(|c| format!("not ({c})")),
                _ => c,
            };
            return self.branch(false, Vec::new(), c);
        }
        let earlier = self.chain.take().unwrap_or_else(|| {
            let what = format!("{raw} without an (if:) before it");
            self.out.notes.push((line, what));
            vec![None]
        });
        let own = match name {
            "else" => Some("true".into()),
            _ => self.cond(line, raw, args),
        };
        self.branch(false, earlier, own);
    }

    /// `<<elseif c>>`, `<<else if c>>`, `<<else>>`: the next branch of the open `<<if>>`.
    fn sugar_else(&mut self, line: usize, name: &str, args: &str, raw: &str) {
        let own = match args.strip_prefix("if").filter(|_| name == "else") {
            Some(c) => self.cond(line, raw, c),
            None if name == "else" => Some("true".into()),
            None => self.cond(line, raw, args),
        };
        match self.frames.pop() {
            Some(Frame::If {
                sugar: true,
                mut earlier,
                own: prev,
                ..
            }) => {
                earlier.push(prev);
                self.branch(true, earlier, own);
            }
            other => {
                self.frames.extend(other);
                self.note(line, format!("{raw} outside an <<if>>"));
            }
        }
    }

    /// Any other SugarCube macro is named; a container among them opens a frame.
    fn other_sugar(&mut self, line: usize, name: &str, raw: &str) {
        let what = match name {
            "include" | "display" => format!("an included passage: {raw}"),
            "script" | "run" => format!("JavaScript: {raw}"),
            _ => format!("a macro: {raw}"),
        };
        self.note(line, what);
        if GUARDED.contains(&name) || HIDDEN.contains(&name) || name == "nobr" {
            self.frames.push(Frame::Other {
                sugar: Some(name.to_owned()),
                hidden: HIDDEN.contains(&name),
                guarded: GUARDED.contains(&name),
            });
        }
    }

    pub(super) fn harlowe(&mut self, line: usize, name: &str, args: &str, hook: bool) {
        let raw = format!("({name}: {args})");
        match name {
            "set" | "put" => self.set(line, args, &raw),
            "if" | "unless" | "else-if" | "elseif" | "else" if hook => {
                self.harlowe_branch(line, name, args, &raw)
            }
            "link-goto" => match strings(args).as_slice() {
                [t] => self.link(line, t.clone(), t.clone(), None),
                [l, t, ..] => self.link(line, l.clone(), t.clone(), None),
                [] => self.note(line, format!("{raw}: a link to a computed passage")),
            },
            "link" | "link-reveal" | "link-reveal-goto" | "link-rerun" | "link-repeat" if hook => {
                let s = strings(args);
                let label = s.first().cloned().unwrap_or_default();
                let target = (name == "link-reveal-goto")
                    .then(|| s.get(1).cloned())
                    .flatten();
                self.open_link(line, label, target);
            }
            "goto" => self.goto(line, strings(args).into_iter().next(), &raw),
            "print" => self.print(line, args, &raw),
            _ => {
                self.note(line, format!("a macro: {raw}"));
                if hook {
                    self.frames.push(Frame::Other {
                        sugar: None,
                        hidden: false,
                        guarded: true,
                    });
                }
            }
        }
    }

    fn print(&mut self, line: usize, args: &str, raw: &str) {
        let var = args.trim().strip_prefix('$');
        match var
            .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        {
            Some(_) => self.text(line, args.trim()),
            None => self.note(line, format!("{raw}: only a variable's value is shown")),
        }
    }

    pub(super) fn sugar(&mut self, line: usize, name: &str, args: &str) {
        let raw = format!("<<{name} {args}>>").replace(" >>", ">>");
        match name {
            "set" => self.set(line, args, &raw),
            "if" => {
                let c = self.cond(line, &raw, args);
                self.branch(true, Vec::new(), c);
            }
            "elseif" | "else" => self.sugar_else(line, name, args, &raw),
            "link" | "button" => {
                let (label, target) = sugar_link(args);
                self.open_link(line, label, target);
            }
            "goto" => {
                let target = strings(args).into_iter().next().or_else(|| bracketed(args));
                self.goto(line, target, &raw)
            }
            "print" | "=" | "-" => self.print(line, args, &raw),
            _ => self.other_sugar(line, name, &raw),
        }
    }

    pub(super) fn sugar_close(&mut self, name: &str) {
        let top = self.frames.last();
        let matches = match top {
            Some(Frame::If { sugar: true, .. }) => name == "if",
            Some(Frame::Link { .. }) => name == "link" || name == "button",
            Some(Frame::Other { sugar: Some(s), .. }) => s == name,
            _ => false,
        };
        if !matches {
            return;
        }
        if matches!(top, Some(Frame::Link { .. })) {
            self.end_link();
        } else {
            self.frames.pop();
        }
    }
}

/// `<<link "label" "target">>`, `<<link "label">>`, `<<link [[label|target]]>>`.
fn sugar_link(args: &str) -> (String, Option<String>) {
    if let Some(inner) = args
        .trim()
        .strip_prefix("[[")
        .and_then(|a| a.strip_suffix("]]"))
    {
        let (label, target) = inner.split_once('|').unwrap_or((inner, inner));
        return (label.trim().to_owned(), Some(target.trim().to_owned()));
    }
    let mut s = strings(args).into_iter();
    let label = s.next().unwrap_or_default();
    (label, s.next())
}

/// `[[target]]` in a macro's arguments.
fn bracketed(args: &str) -> Option<String> {
    let inner = args.trim().strip_prefix("[[")?.strip_suffix("]]")?;
    Some(inner.rsplit('|').next().unwrap_or(inner).trim().to_owned())
}
