//! Ink's weave, of any depth, flattened into steps: each choice leads to a step holding
//! what it prints; a choice's body that runs out goes on to the next gather at its
//! depth or above, which is a step of its own.

use std::collections::{HashMap, HashSet};

use super::logic::{self, Names};
use super::new_step;
use crate::import::{Draft, DraftChoice};

/// One line of a knot, classified.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::import) enum Line {
    Choice {
        depth: usize,
        sticky: bool,
        label: Option<String>,
        conditions: Vec<String>,
        rest: String,
    },
    Gather {
        depth: usize,
        label: Option<String>,
        rest: String,
    },
    Divert(String),
    Logic(String),
    Text(String),
}

impl Line {
    pub(in crate::import) fn classify(t: &str) -> Line {
        if t.starts_with('*') || t.starts_with('+') {
            let (depth, rest) = marks(t, &['*', '+']);
            let (label, rest) = label(rest);
            let mut conditions = Vec::new();
            let mut rest = rest.trim_start();
            while let Some(inner) = rest.strip_prefix('{') {
                let Some(close) = inner.find('}') else { break };
                conditions.push(inner[..close].trim().to_owned());
                rest = inner[close + 1..].trim_start();
            }
            let (label, rest) = match label {
                Some(l) => (Some(l), rest),
                None => self::label(rest),
            };
            let sticky = t.starts_with('+');
            let rest = rest.to_owned();
            Line::Choice {
                depth,
                sticky,
                label,
                conditions,
                rest,
            }
        } else if let Some(target) = t.strip_prefix("->") {
            Line::Divert(target.trim().to_owned())
        } else if t.starts_with('-') {
            let (depth, rest) = marks(t, &['-']);
            let (label, rest) = label(rest);
            Line::Gather {
                depth,
                label,
                rest: rest.trim().to_owned(),
            }
        } else if t.starts_with('~') || t.starts_with("<-") {
            Line::Logic(t.to_owned())
        } else {
            Line::Text(t.to_owned())
        }
    }
}

/// Leading marks (spaces between them allowed), not the `-` of a `->`; and the rest.
fn marks<'t>(t: &'t str, of: &[char]) -> (usize, &'t str) {
    let mut depth = 0;
    let mut rest = t;
    loop {
        let trimmed = rest.trim_start();
        match trimmed.chars().next() {
            Some(c) if of.contains(&c) && !trimmed.starts_with("->") => {
                depth += 1;
                rest = &trimmed[c.len_utf8()..];
            }
            _ => return (depth.max(1), trimmed),
        }
    }
}

/// `(name) rest` -> the label and the rest.
fn label(rest: &str) -> (Option<String>, &str) {
    let t = rest.trim_start();
    match t.strip_prefix('(').and_then(|r| r.split_once(')')) {
        Some((name, after)) if name.chars().all(|c| c.is_alphanumeric() || c == '_') => {
            (Some(name.to_owned()), after)
        }
        _ => (None, rest),
    }
}

pub(super) struct Weave<'d> {
    draft: &'d mut Draft,
    taken: HashSet<String>,
    vars: HashSet<String>,
    places: HashSet<String>,
    /// Qualified names (knot, knot.stitch, knot.label, knot.stitch.label) to step indices.
    named: HashMap<String, usize>,
    knot: String,
    /// The knot or stitch being read, qualified: where its labels live.
    here: String,
    knot_step: Option<usize>,
    current: Option<usize>,
    /// By depth: the step holding that depth's choices, loose ends waiting for a gather,
    /// and the choice whose body is being read (its `~` lines become its `set`).
    points: Vec<Option<usize>>,
    loose: Vec<Vec<usize>>,
    bodies: Vec<Option<(usize, usize)>>,
    /// `go` targets to resolve at the end: (step, the names it may mean, in order).
    pending: Vec<(usize, Vec<String>)>,
    ends: Vec<usize>,
}

impl<'d> Weave<'d> {
    pub(super) fn new(
        draft: &'d mut Draft,
        name: &str,
        line: usize,
        vars: HashSet<String>,
        places: HashSet<String>,
    ) -> Self {
        let mut weave = Weave {
            draft,
            taken: HashSet::new(),
            vars,
            places,
            named: HashMap::new(),
            knot: String::new(),
            here: String::new(),
            knot_step: None,
            current: None,
            points: Vec::new(),
            loose: Vec::new(),
            bodies: Vec::new(),
            pending: Vec::new(),
            ends: Vec::new(),
        };
        weave.start_knot(name, line);
        weave
    }

    pub(super) fn draft(&mut self) -> &mut Draft {
        self.draft
    }

    pub(super) fn start_knot(&mut self, name: &str, line: usize) {
        let step = new_step(self.draft, &mut self.taken, name, line);
        self.named.insert(name.to_owned(), step);
        (self.knot, self.here, self.knot_step, self.current) =
            (name.into(), name.into(), Some(step), Some(step));
        self.points.clear();
        self.loose.clear();
        self.bodies.clear();
    }

    pub(super) fn start_stitch(&mut self, name: &str, line: usize) {
        let qualified = format!("{}.{name}", self.knot);
        let step = new_step(self.draft, &mut self.taken, &qualified, line);
        self.named.insert(qualified.clone(), step);
        // A knot with no content of its own goes on to its first stitch, as Ink does.
        if let Some(k) = self.knot_step.take() {
            let s = &self.draft.steps[k];
            if s.text.is_empty() && s.choices.is_empty() && s.go.is_none() {
                self.draft.steps[k].go = Some(self.draft.steps[step].id.clone());
            }
        }
        (self.here, self.current) = (qualified, Some(step));
        self.points.clear();
        self.loose.clear();
        self.bodies.clear();
    }

    /// Ends the knot or stitch: what runs out of content there ends the story.
    pub(super) fn finish(&mut self) {
        self.current = None;
    }

    pub(super) fn note(&mut self, line: usize, what: String) {
        let at = self
            .current
            .unwrap_or(self.draft.steps.len().saturating_sub(1));
        self.draft.note(at, line, what);
    }

    pub(super) fn line(&mut self, n: usize, line: Line) {
        match line {
            Line::Choice {
                depth,
                sticky,
                label,
                conditions,
                rest,
            } => self.choice(n, depth, label, (sticky, conditions), &rest),
            Line::Gather { depth, label, rest } => self.gather(n, depth, label, &rest),
            Line::Divert(target) => self.divert(n, &target),
            Line::Logic(logic) => self.logic(n, &logic),
            Line::Text(text) => self.text(n, &text),
        }
    }

    fn grow(&mut self, depth: usize) {
        while self.points.len() <= depth {
            self.points.push(None);
            self.loose.push(Vec::new());
            self.bodies.push(None);
        }
    }

    fn falls_through(&self, step: usize) -> bool {
        let s = &self.draft.steps[step];
        s.go.is_none() && s.choices.is_empty()
    }

    /// Closes the weaves deeper than `depth`: their loose ends join `depth`'s.
    fn close_deeper(&mut self, depth: usize) {
        for d in depth + 1..self.points.len() {
            self.points[d] = None;
            self.bodies[d] = None;
            let loose = std::mem::take(&mut self.loose[d]);
            self.loose[depth].extend(loose);
        }
    }

    fn choice(
        &mut self,
        n: usize,
        depth: usize,
        label: Option<String>,
        (sticky, conditions): (bool, Vec<String>),
        rest: &str,
    ) {
        self.grow(depth);
        self.close_deeper(depth);
        let point = match (self.points[depth], self.current) {
            (None, Some(current)) => current,
            (None, None) => self.step_here(n),
            (Some(point), current) => {
                if let Some(c) = current.filter(|&c| self.falls_through(c)) {
                    self.loose[depth].push(c);
                }
                point
            }
        };
        self.points[depth] = Some(point);
        let (shown, printed, divert) = choice_parts(rest);
        let mut notes = Vec::new();
        let printed = logic::text(&printed, self, &mut notes);
        let body = self.step_here(n);
        self.draft.steps[body].text = printed;
        for what in notes {
            self.draft.note(body, n, what);
        }
        let mut choice = DraftChoice::to(shown, self.draft.steps[body].id.clone());
        choice.once = !sticky;
        choice.when = self.conditions(n, point, &conditions);
        self.draft.steps[point].choices.push(choice);
        self.bodies[depth] = Some((point, self.draft.steps[point].choices.len() - 1));
        if let Some(name) = label {
            self.named.insert(format!("{}.{name}", self.here), body);
        }
        self.current = Some(body);
        if let Some(target) = divert {
            self.divert(n, &target);
        }
    }

    fn conditions(&mut self, n: usize, at: usize, conditions: &[String]) -> Option<String> {
        let mut translated = Vec::new();
        for c in conditions {
            match logic::condition(c, self) {
                Some(t) => translated.push(format!("({t})")),
                None => self.draft.note(
                    at,
                    n,
                    format!("the condition {{{c}}}: the choice is always offered"),
                ),
            }
        }
        (!translated.is_empty()).then(|| translated.join(" and "))
    }

    fn gather(&mut self, n: usize, depth: usize, label: Option<String>, rest: &str) {
        self.grow(depth);
        let mut ends: Vec<usize> = Vec::new();
        for d in depth..self.points.len() {
            ends.append(&mut self.loose[d]);
            self.points[d] = None;
            self.bodies[d] = None;
        }
        if let Some(c) = self.current.filter(|&c| self.falls_through(c)) {
            ends.push(c);
        }
        let gather = self.step_here(n);
        let id = self.draft.steps[gather].id.clone();
        for end in ends {
            self.draft.steps[end].go = Some(id.clone());
        }
        if let Some(name) = label {
            self.named.insert(format!("{}.{name}", self.here), gather);
        }
        self.current = Some(gather);
        self.text(n, rest);
    }

    fn divert(&mut self, n: usize, target: &str) {
        let target = target.trim();
        if target.contains("->") || target.is_empty() {
            self.note(n, format!("a tunnel -> {target}: not carried over"));
            return;
        }
        let Some(at) = self.current.take() else {
            return;
        };
        if self.draft.steps[at].go.is_none() && self.draft.steps[at].choices.is_empty() {
            let name = target.split(['(', ' ']).next().unwrap_or("").to_owned();
            let candidates = vec![
                format!("{}.{name}", self.here),
                format!("{}.{name}", self.knot),
                name,
            ];
            self.draft.steps[at].go = Some(candidates[2].clone());
            self.pending.push((at, candidates));
        }
    }

    fn logic(&mut self, n: usize, line: &str) {
        let body = self.bodies.iter().rev().flatten().next().copied();
        match (logic::assignment(line, self), body) {
            (Some(set), Some((point, choice))) => {
                self.draft.steps[point].choices[choice].set.push(set)
            }
            (Some(_), None) => self.note(
                n,
                format!("{line}: an assignment outside a choice is not carried over"),
            ),
            (None, _) => self.note(n, format!("logic not carried over: {line}")),
        }
    }

    fn text(&mut self, n: usize, text: &str) {
        let (text, divert) = match text.split_once("->") {
            Some((t, d)) => (t, Some(d)),
            None => (text, None),
        };
        let text = text.replace("<>", " ");
        if !text.trim().is_empty() {
            let Some(at) = self.current else {
                self.note(
                    n,
                    format!("text after a divert is never shown: {}", text.trim()),
                );
                return;
            };
            let mut notes = Vec::new();
            let shown = logic::text(text.trim(), self, &mut notes);
            for what in notes {
                self.draft.note(at, n, what);
            }
            let step = &mut self.draft.steps[at];
            step.text = match step.text.is_empty() {
                true => shown.split_whitespace().collect::<Vec<_>>().join(" "),
                false => format!(
                    "{}\n{}",
                    step.text,
                    shown.split_whitespace().collect::<Vec<_>>().join(" ")
                ),
            };
        }
        if let Some(d) = divert {
            self.divert(n, d);
        }
    }

    /// A new step for a part of the current knot or stitch.
    fn step_here(&mut self, line: usize) -> usize {
        let name = self.here.clone();
        new_step(self.draft, &mut self.taken, &name, line)
    }

    /// Resolves every divert; `END` and `DONE` lead to one end step.
    pub(super) fn end_steps(mut self) {
        for (step, candidates) in std::mem::take(&mut self.pending) {
            let last = candidates.last().cloned().unwrap_or_default();
            let found = match last.as_str() {
                "END" | "DONE" => Some(self.end()),
                _ => candidates.iter().find_map(|c| self.named.get(c).copied()),
            };
            if let Some(target) = found {
                self.draft.steps[step].go = Some(self.draft.steps[target].id.clone());
            }
        }
    }

    fn end(&mut self) -> usize {
        if let Some(&end) = self.ends.first() {
            return end;
        }
        let end = new_step(self.draft, &mut self.taken, "end", 0);
        self.draft.steps[end].text = "The end.".into();
        self.ends.push(end);
        end
    }
}

impl Names for Weave<'_> {
    fn is_var(&self, name: &str) -> bool {
        self.vars.contains(name)
    }

    fn place(&self, name: &str) -> Option<String> {
        let candidates = [
            format!("{}.{name}", self.here),
            format!("{}.{name}", self.knot),
            name.to_owned(),
        ];
        candidates.iter().find_map(|c| {
            let step = self.named.get(c).map(|&s| self.draft.steps[s].id.clone());
            step.or_else(|| self.places.contains(c).then(|| crate::import::step_id(c)))
        })
    }
}

/// A choice's label (what the player picks), what it prints after, and its divert:
/// `Hello [back] right back` shows "Hello back", then prints "Hello right back".
fn choice_parts(rest: &str) -> (String, String, Option<String>) {
    let (rest, divert) = match rest.split_once("->") {
        Some((before, target)) => (before, Some(target.trim().to_owned())),
        None => (rest, None),
    };
    let (label, printed) = match (rest.find('['), rest.find(']')) {
        (Some(open), Some(close)) if open < close => (
            format!("{}{}", &rest[..open], &rest[open + 1..close]),
            format!("{}{}", &rest[..open], &rest[close + 1..]),
        ),
        _ => (rest.to_owned(), rest.to_owned()),
    };
    let clean = |t: &str| {
        t.replace("<>", "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    (clean(&label), clean(&printed), divert)
}
