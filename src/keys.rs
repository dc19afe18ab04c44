//! Keys as data: what was pressed, whatever read it, and each screen's table of keys.
//!
//! A transport (the local terminal, a browser) turns what it reads into a [`Press`];
//! a screen's [`Keymap`] turns a press into that screen's action. The same table
//! writes the screen's footer, its `?` help and the command's `--help`, so what a
//! screen says about its keys is what its keys do.

/// A key, independent of the terminal or browser it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Char(char),
    Up,
    Down,
    Left,
    Right,
    Enter,
    Esc,
    Backspace,
    Delete,
    Home,
    End,
    PageUp,
    PageDown,
    Tab,
    BackTab,
}

impl Key {
    /// How help texts name the key.
    pub fn name(self) -> String {
        let name = match self {
            Key::Char(' ') => "space",
            Key::Char(c) => return c.to_string(),
            Key::Up => "↑",
            Key::Down => "↓",
            Key::Left => "←",
            Key::Right => "→",
            Key::Enter => "Enter",
            Key::Esc => "Esc",
            Key::Backspace => "Backspace",
            Key::Delete => "Delete",
            Key::Home => "Home",
            Key::End => "End",
            Key::PageUp => "PgUp",
            Key::PageDown => "PgDn",
            Key::Tab => "Tab",
            Key::BackTab => "Shift-Tab",
        };
        name.into()
    }
}

/// How an input was given: a key, or a click or tap on what a key would pick (the
/// screen's targets, docs/serve.md "Pointer and touch"). Recorded with the timed event it
/// decided, so a report can tell taps from keys.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    #[default]
    Key,
    /// A mouse or pen: a click.
    Pointer,
    /// A finger on a touch screen: a tap.
    Touch,
}

impl Via {
    pub fn is_key(&self) -> bool {
        *self == Via::Key
    }

    /// The word the session file writes.
    pub fn word(self) -> &'static str {
        match self {
            Via::Key => "key",
            Via::Pointer => "pointer",
            Via::Touch => "touch",
        }
    }

    /// The word read back, as the session file writes it.
    pub fn from_word(word: &str) -> Option<Via> {
        [Via::Key, Via::Pointer, Via::Touch]
            .into_iter()
            .find(|v| v.word() == word)
    }
}

/// A key with or without Ctrl held: the researcher's keys are Ctrl keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Press {
    pub key: Key,
    pub ctrl: bool,
}

impl Press {
    pub const fn plain(key: Key) -> Press {
        Press { key, ctrl: false }
    }

    pub const fn char(c: char) -> Press {
        Press::plain(Key::Char(c))
    }

    pub const fn ctrl(c: char) -> Press {
        Press {
            key: Key::Char(c),
            ctrl: true,
        }
    }

    /// A printable character typed without Ctrl: text, where a screen takes text.
    pub fn typed(self) -> Option<char> {
        match self.key {
            Key::Char(c) if !self.ctrl && !c.is_control() => Some(c),
            _ => None,
        }
    }

    pub fn name(self) -> String {
        match (self.ctrl, self.key) {
            (true, Key::Char(c)) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            (true, key) => format!("Ctrl-{}", key.name()),
            (false, key) => key.name(),
        }
    }
}

/// Keys that do one thing on a screen, and what they do in the user's words.
#[derive(Debug, Clone)]
pub struct Binding<A> {
    pub keys: Vec<Press>,
    pub action: A,
    pub help: &'static str,
}

/// `keys` do `action`, which `help` describes.
pub fn bind<A>(keys: &[Press], action: A, help: &'static str) -> Binding<A> {
    Binding {
        keys: keys.to_vec(),
        action,
        help,
    }
}

/// The keys that edit a line of typed text, for screens with a text field.
fn editing<A>(edit: fn(Key) -> A) -> Vec<Binding<A>> {
    [
        (Key::Backspace, "delete the character before the cursor"),
        (Key::Delete, "delete the character under the cursor"),
        (Key::Left, "move the cursor left"),
        (Key::Right, "move the cursor right"),
        (Key::Home, "to the start of the text"),
        (Key::End, "to the end of the text"),
    ]
    .into_iter()
    .map(|(key, help)| bind(&[Press::plain(key)], edit(key), help))
    .collect()
}

/// Printable characters as text, on screens that take typing.
#[derive(Debug, Clone, Copy)]
pub struct Typing<A> {
    /// The action of a typed character, given as `Key::Char`.
    pub action: fn(Key) -> A,
    pub help: &'static str,
}

/// One screen's keys. A press matches the first binding that lists it; a printable
/// character no binding lists is typing, where the screen takes typing.
#[derive(Debug, Clone)]
pub struct Keymap<A> {
    pub bindings: Vec<Binding<A>>,
    pub typing: Option<Typing<A>>,
}

impl<A: Copy + PartialEq> Keymap<A> {
    pub fn new(bindings: Vec<Binding<A>>) -> Self {
        Keymap {
            bindings,
            typing: None,
        }
    }

    /// Printable characters no binding takes are typing: `action(Key::Char(c))`.
    pub fn with_typing(mut self, action: fn(Key) -> A, help: &'static str) -> Self {
        self.typing = Some(Typing { action, help });
        self
    }

    /// A screen with one line of text: typing and the editing keys all go to `edit`.
    pub fn with_text_field(mut self, edit: fn(Key) -> A, help: &'static str) -> Self {
        self.bindings.extend(editing(edit));
        self.with_typing(edit, help)
    }

    /// What `press` does on this screen, if anything.
    pub fn action(&self, press: Press) -> Option<A> {
        let bound = self.bindings.iter().find(|b| b.keys.contains(&press));
        match (bound, &self.typing, press.typed()) {
            (Some(binding), _, _) => Some(binding.action),
            (None, Some(typing), Some(c)) => Some((typing.action)(Key::Char(c))),
            _ => None,
        }
    }

    /// The first key bound to `action`, as help names it.
    pub fn key_of(&self, action: A) -> String {
        self.press_of(action).map_or_else(String::new, |p| p.name())
    }

    /// The first key of `action`: the one its footer names, and what a click on the
    /// footer's item stands for.
    pub fn press_of(&self, action: A) -> Option<Press> {
        (self.bindings.iter())
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first().copied())
    }

    /// A footer: each item's keys named from this table, then its label, joined by `·`.
    /// An item of several actions names their first keys together, as in `↑↓ scroll`.
    pub fn hint(&self, items: &[(&[A], &str)]) -> String {
        items
            .iter()
            .map(|(actions, label)| {
                let keys: String = actions.iter().map(|a| self.key_of(*a)).collect();
                format!("{keys} {label}")
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// Every key and what it does, one binding a line, descriptions aligned.
    pub fn help_lines(&self) -> Vec<String> {
        let mut rows: Vec<(String, &str)> = self
            .bindings
            .iter()
            .map(|b| {
                let keys: Vec<String> = b.keys.iter().map(|p| p.name()).collect();
                (keys.join(" "), b.help)
            })
            .collect();
        if let Some(typing) = &self.typing {
            rows.push(("letters, digits".into(), typing.help));
        }
        let width = rows
            .iter()
            .map(|(k, _)| crate::text::display_width(k))
            .max()
            .unwrap_or(0);
        rows.into_iter()
            .map(|(keys, help)| {
                let pad = width - crate::text::display_width(&keys);
                format!("{keys}{}  {help}", " ".repeat(pad))
            })
            .collect()
    }

    /// What is wrong with the table: a binding without keys or words, a key bound
    /// twice, or a plain character bound where typing would take it. Empty when sound.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen: Vec<Press> = Vec::new();
        for binding in &self.bindings {
            if binding.keys.is_empty() || binding.help.trim().is_empty() {
                problems.push(format!(
                    "a binding has no keys or no description: `{}`",
                    binding.help
                ));
            }
            for press in &binding.keys {
                if seen.contains(press) {
                    problems.push(format!("{} is bound twice", press.name()));
                }
                seen.push(*press);
            }
        }
        if self.typing.is_some() {
            for press in seen.iter().filter(|p| p.typed().is_some()) {
                problems.push(format!(
                    "{} is bound, but this screen takes it as text",
                    press.name()
                ));
            }
        }
        problems
    }

    /// This table's help, then `other`'s indented under `heading`: a screen's keys and
    /// those it takes while something is typed.
    pub fn help_with(&self, heading: &str, other: &Keymap<A>) -> String {
        let mut lines = self.help_lines();
        lines.push(heading.to_owned());
        lines.extend(other.help_lines().into_iter().map(|l| format!("  {l}")));
        lines.join("\n")
    }

    /// Whether `action` has a key on this screen.
    pub fn binds(&self, action: A) -> bool {
        self.bindings.iter().any(|b| b.action == action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Act {
        Up,
        Down,
        Quit,
        Type(Key),
    }

    fn table() -> Keymap<Act> {
        Keymap::new(vec![
            bind(&[Press::plain(Key::Up), Press::char('k')], Act::Up, "up"),
            bind(&[Press::plain(Key::Down)], Act::Down, "down"),
            bind(
                &[Press::ctrl('c'), Press::plain(Key::Esc)],
                Act::Quit,
                "quit",
            ),
        ])
    }

    #[test]
    fn presses_find_their_binding_and_typing_takes_the_rest() {
        let keys = table();
        assert_eq!(keys.action(Press::char('k')), Some(Act::Up));
        assert_eq!(keys.action(Press::ctrl('c')), Some(Act::Quit));
        assert_eq!(keys.action(Press::char('c')), None);
        let typing = table().with_typing(Act::Type, "text");
        assert_eq!(
            typing.action(Press::char('x')),
            Some(Act::Type(Key::Char('x')))
        );
        assert_eq!(typing.action(Press::ctrl('x')), None);
    }

    #[test]
    fn hints_and_help_name_the_keys_of_the_table() {
        let keys = table();
        assert_eq!(
            keys.hint(&[(&[Act::Up, Act::Down], "move"), (&[Act::Quit], "quit")]),
            "↑↓ move · Ctrl-C quit"
        );
        assert_eq!(
            keys.help_lines(),
            ["↑ k         up", "↓           down", "Ctrl-C Esc  quit"]
        );
    }

    #[test]
    fn a_key_bound_twice_or_taken_as_text_is_a_problem() {
        assert!(table().problems().is_empty());
        let mut twice = table();
        twice.bindings[1].keys = vec![Press::plain(Key::Up)];
        assert_eq!(twice.problems(), ["↑ is bound twice"]);
        let typing = table().with_typing(Act::Type, "text");
        assert_eq!(
            typing.problems(),
            ["k is bound, but this screen takes it as text"]
        );
    }
}
