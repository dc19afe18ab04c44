//! One passage read piece by piece: text, links under the conditions around them, sets
//! on links (their context) or at the passage's top level, `goto`, and what is left out.

use super::expr::{assignments, translate};
use super::markup::Piece;
use crate::import::DraftChoice;

mod macros;

/// A set at the passage's top level: it runs whenever the passage is entered. `Err`
/// says why it cannot move onto the choices leading in.
#[derive(Debug, Clone)]
pub(super) struct TopSet {
    pub line: usize,
    pub name: String,
    pub value: Result<String, String>,
}

/// What a passage holds, its targets still passage names.
#[derive(Debug, Default)]
pub(super) struct Read {
    pub text: String,
    pub choices: Vec<DraftChoice>,
    pub go: Option<String>,
    pub sets: Vec<TopSet>,
    pub notes: Vec<(usize, String)>,
}

enum Frame {
    /// A branch of an `(if:)` or `<<if>>` chain: the earlier branches' conditions and
    /// this one's (`None` where one did not translate), and whether it is the first.
    If {
        sugar: bool,
        earlier: Vec<Option<String>>,
        own: Option<String>,
        first: bool,
        noted: bool,
    },
    /// A link whose body is run when it is taken: `(link:)[...]`, `<<link>>...<</link>>`.
    Link {
        label: String,
        target: Option<String>,
        set: Vec<(String, String)>,
        line: usize,
    },
    /// Any other hook or container: `hidden` text is not shown; sets in a `guarded`
    /// one may not run, so they are not carried over.
    Other {
        sugar: Option<String>,
        hidden: bool,
        guarded: bool,
    },
}

pub(super) struct Walker<'s> {
    step: &'s dyn Fn(&str) -> Option<String>,
    frames: Vec<Frame>,
    /// The conditions of the `(if:)` chain that just closed, for `(else:)`.
    chain: Option<Vec<Option<String>>>,
    /// Variables read so far: a later top-level set of one cannot move before the passage.
    read: Vec<String>,
    out: Read,
}

impl<'s> Walker<'s> {
    pub(super) fn read(
        pieces: Vec<(usize, Piece)>,
        step: &'s dyn Fn(&str) -> Option<String>,
    ) -> Read {
        let mut w = Walker {
            step,
            frames: Vec::new(),
            chain: None,
            read: Vec::new(),
            out: Read::default(),
        };
        for (line, piece) in pieces {
            w.piece(line, piece);
        }
        if !w.frames.is_empty() {
            w.note(0, "a hook or macro is not closed".into());
        }
        w.out
    }

    fn note(&mut self, line: usize, what: String) {
        self.out.notes.push((line, what));
    }

    fn piece(&mut self, line: usize, piece: Piece) {
        match piece {
            Piece::Text(t) => self.text(line, &t),
            Piece::Link {
                label,
                target,
                setter,
            } => self.link(line, label, target, setter),
            Piece::Harlowe { name, args, hook } => self.harlowe(line, &name, &args, hook),
            Piece::HookEnd => {
                self.chain = None;
                match self.frames.pop() {
                    Some(Frame::If {
                        sugar: false,
                        mut earlier,
                        own,
                        ..
                    }) => {
                        earlier.push(own);
                        self.chain = Some(earlier);
                    }
                    Some(link @ Frame::Link { .. }) => {
                        self.frames.push(link);
                        self.end_link();
                    }
                    _ => {}
                }
            }
            Piece::Sugar {
                name,
                args,
                close: false,
            } => self.sugar(line, &name, &args),
            Piece::Sugar {
                name, close: true, ..
            } => self.sugar_close(&name),
        }
    }

    /// Whether text here is shown, and a note the first time it is not plainly so.
    fn text(&mut self, line: usize, text: &str) {
        if text.trim().is_empty() {
            self.out.text.push_str(text);
            return;
        }
        self.note_conditional_text(line);
        self.label(text);
    }

    /// Text shown unless it is hidden or in an else branch; a link's label needs no note,
    /// as its choice carries the condition.
    fn label(&mut self, text: &str) {
        let hidden = self.frames.iter().any(|f| {
            matches!(f, Frame::Link { .. } | Frame::Other { hidden: true, .. })
                || matches!(f, Frame::If { first: false, .. })
        });
        if !hidden {
            self.reads(text);
            self.out.text.push_str(text);
        }
    }

    fn note_conditional_text(&mut self, line: usize) {
        for f in &mut self.frames {
            if let Frame::If {
                noted, own, first, ..
            } = f
                && !*noted
            {
                *noted = true;
                let what = match (*first, own) {
                    (true, Some(when)) => {
                        format!("text shown only when {when}; kept as always shown")
                    }
                    (true, None) => {
                        "text shown only under a condition that did not map; kept as always shown"
                            .into()
                    }
                    (false, _) => "text of an else branch: left out".into(),
                };
                self.out.notes.push((line, what));
            }
        }
    }

    fn reads(&mut self, flow: &str) {
        let mut rest = flow;
        while let Some(at) = rest.find(['{', '$']) {
            rest = &rest[at + 1..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && !self.read.contains(&name) {
                self.read.push(name);
            }
        }
    }

    /// The condition under which something here is offered: the conjunction of the
    /// branches around it; `Err` when one of them did not translate.
    fn condition(&self) -> Result<Option<String>, ()> {
        let mut parts = Vec::new();
        for f in &self.frames {
            if let Frame::If { earlier, own, .. } = f {
                for e in earlier {
                    parts.push(format!("(not ({}))", e.as_ref().ok_or(())?));
                }
                match own.as_deref() {
                    Some("true") => {}
                    Some(c) => parts.push(format!("({c})")),
                    None => return Err(()),
                }
            }
        }
        Ok((!parts.is_empty()).then(|| parts.join(" and ")))
    }

    fn link(&mut self, line: usize, label: String, target: String, setter: Option<String>) {
        if self.frames.iter().any(|f| matches!(f, Frame::Link { .. })) {
            self.note(line, format!("a link inside a link: {label}"));
            return;
        }
        let mut choice = DraftChoice::to(label.clone(), target);
        for set in setter.iter().flat_map(|s| assignments(s, self.step)) {
            match set {
                Ok(set) => choice.set.push(set),
                Err(what) => self.note(line, format!("the setter {what} of \"{label}\"")),
            }
        }
        self.offer(line, choice);
        self.label(&label);
    }

    /// A choice, under the conditions around it.
    fn offer(&mut self, line: usize, mut choice: DraftChoice) {
        if choice.target.contains("://") {
            let what = format!("an external link: {} -> {}", choice.label, choice.target);
            return self.note(line, what);
        }
        match self.condition() {
            Ok(when) => choice.when = when,
            Err(()) => {
                let what = format!(
                    "the condition around \"{}\" did not map; it is always offered",
                    choice.label
                );
                self.note(line, what);
            }
        }
        if let Some(when) = &choice.when {
            let when = when.clone();
            self.reads(&when);
        }
        self.out.choices.push(choice);
    }

    /// A set here: onto the link being read, or the passage's top level, or left out.
    fn set(&mut self, line: usize, args: &str, raw: &str) {
        let sets = assignments(args, self.step);
        for set in sets {
            let (name, value) = match set {
                Ok(set) => set,
                Err(what) => {
                    self.note(line, format!("{raw}: {what} has no counterpart"));
                    continue;
                }
            };
            if let Some(Frame::Link { set, .. }) = self
                .frames
                .iter_mut()
                .rev()
                .find(|f| matches!(f, Frame::Link { .. }))
            {
                set.push((name, value));
                continue;
            }
            let guarded = self
                .frames
                .iter()
                .any(|f| matches!(f, Frame::If { .. } | Frame::Other { guarded: true, .. }));
            if guarded {
                let what = format!("{raw}: a set that runs only sometimes, outside a link");
                self.note(line, what);
                continue;
            }
            let value = if self.read.contains(&name) {
                Err(format!(
                    "{raw}: ${name} is read in the passage before it is set"
                ))
            } else if value.contains("visited(") {
                Err(format!("{raw}: its value asks what was visited"))
            } else {
                Ok(value)
            };
            self.out.sets.push(TopSet { line, name, value });
        }
    }

    fn branch(&mut self, sugar: bool, earlier: Vec<Option<String>>, own: Option<String>) {
        let first = earlier.is_empty();
        self.frames.push(Frame::If {
            sugar,
            earlier,
            own,
            first,
            noted: false,
        });
    }

    /// A condition translated, or `None` with a note saying why not.
    fn cond(&mut self, line: usize, raw: &str, src: &str) -> Option<String> {
        match translate(src, None, self.step) {
            Ok(c) => {
                self.reads(&c);
                Some(c)
            }
            Err(why) => {
                self.note(
                    line,
                    format!("the condition {raw}: {why} has no counterpart"),
                );
                None
            }
        }
    }
}
