//! The layers the code is built in, held by a test: the core (flows, the player, sessions,
//! figures) imports nothing from the terminal shell, the commands or the CLI, and names
//! no UI or server crate (ratatui, crossterm, tokio, axum, hyper) at all; commands import
//! no other command; and no modules, at any level, import each other in a cycle.
//! See docs/architecture.md.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The top-level modules of each layer; a layer may import only the layers before it
/// (and itself, except that commands never import each other).
const CORE: &[&str] = &[
    "diagnostic",
    "suggest",
    "text",
    "source",
    "keys",
    "flow",
    "codebook",
    "player",
    "session",
    "stats",
    "report",
    "export",
    "import",
    "simulate",
    "runner",
    "format",
    "study",
    "frictions",
];
const SHELL: &[&str] = &["tui"];
/// Crates that draw, read terminals or serve: the core names none of them, in a `use` or
/// in a path, so it never draws (not even a consent screen) and never listens.
const UI_AND_SERVER_CRATES: &[&str] = &["ratatui", "crossterm", "tokio", "axum", "hyper"];
const COMMANDS: &[&str] = &["play", "preview", "replay", "observe", "review", "serve"];
const CLI: &[&str] = &["cli"];

type Module = Vec<String>;

/// Every file of `src/` as a module path (`src/a/b.rs` is `a::b`), with its text.
fn modules() -> BTreeMap<Module, String> {
    let mut found = BTreeMap::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    let root = stack[0].clone();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(&root).expect("under src/");
            let mut module: Module = relative
                .with_extension("")
                .iter()
                .map(|c| c.to_string_lossy().into_owned())
                .collect();
            if module == ["main"] {
                continue;
            }
            if module == ["lib"] {
                module.clear();
            }
            let text = std::fs::read_to_string(&path).expect("source is UTF-8");
            found.insert(module, text);
        }
    }
    found
}

/// The text without comments and string literals, which may mention paths.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            'r' if chars.peek() == Some(&'#') => {
                // r#"..."#: skip to the closing quote and hash.
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '"' && c == '#' {
                        break;
                    }
                    last = c;
                }
                out.push_str("\"\"");
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    match (escaped, c) {
                        (false, '\\') => escaped = true,
                        (false, '"') => break,
                        _ => escaped = false,
                    }
                }
                out.push_str("\"\"");
            }
            '\'' => {
                // A char literal ('x', '\n', '"') or a lifetime ('a): skip a literal whole.
                let rest: String = chars.clone().take(4).collect();
                let close = if let Some(escaped) = rest.strip_prefix('\\') {
                    escaped.find('\'').map(|i| i + 2)
                } else {
                    rest.char_indices()
                        .nth(1)
                        .filter(|(_, c)| *c == '\'')
                        .map(|(i, _)| i + 1)
                };
                if let Some(len) = close {
                    for _ in 0..rest[..len].chars().count() {
                        chars.next();
                    }
                }
                out.push(' ');
            }
            c => out.push(c),
        }
    }
    out
}

/// Reads one path after `crate::` or `super::`, with `{...}` groups, into full paths.
fn paths_at(code: &[char], at: usize, prefix: &[String], out: &mut Vec<Module>) {
    let mut path = prefix.to_vec();
    let mut i = at;
    loop {
        while code.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        if code.get(i) == Some(&'{') {
            let mut depth = 0;
            let mut start = i + 1;
            for (j, c) in code.iter().enumerate().skip(i) {
                match c {
                    '{' => depth += 1,
                    '}' | ',' if depth == 1 => {
                        paths_at(code, start, &path, out);
                        start = j + 1;
                        if *c == '}' {
                            return;
                        }
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            return;
        }
        let word: String = code[i..]
            .iter()
            .take_while(|c| c.is_alphanumeric() || **c == '_')
            .collect();
        if word.is_empty() {
            break;
        }
        path.push(word.clone());
        i += word.chars().count();
        if code.get(i..i + 2) != Some(&[':', ':']) {
            break;
        }
        i += 2;
    }
    out.push(path);
}

/// Every module path a file names through `crate::` or `super::`, resolved from the
/// inline module it is written in.
fn references(file: &Module, text: &str) -> Vec<Module> {
    let code: Vec<char> = code_only(text).chars().collect();
    let mut found = Vec::new();
    // Inline modules (`mod tests { ... }`) and the brace depth they close at.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < code.len() {
        let rest: String = code[i..code.len().min(i + 7)].iter().collect();
        let boundary = i == 0 || !(code[i - 1].is_alphanumeric() || code[i - 1] == '_');
        match code[i] {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
            }
            _ => {}
        }
        let here: Module = file
            .iter()
            .cloned()
            .chain(inline.iter().map(|(m, _)| m.clone()))
            .collect();
        if boundary && rest.starts_with("mod ") {
            let name: String = code[i + 4..]
                .iter()
                .take_while(|c| c.is_alphanumeric() || **c == '_')
                .collect();
            let after = code[i + 4 + name.len()..]
                .iter()
                .find(|c| !c.is_whitespace());
            if after == Some(&'{') {
                inline.push((name, depth));
            }
        } else if boundary && rest.starts_with("crate::") {
            paths_at(&code, i + 7, &[], &mut found);
        } else if boundary && rest.starts_with("super::") {
            let mut base = here.clone();
            let mut j = i;
            while code[j..].starts_with(&['s', 'u', 'p', 'e', 'r', ':', ':']) {
                base.pop();
                j += 7;
            }
            paths_at(&code, j, &base, &mut found);
            i = j;
            continue;
        }
        i += 1;
    }
    found
}

/// The longest prefix of `path` that is a module file.
fn module_of(path: &[String], modules: &BTreeMap<Module, String>) -> Module {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|m| modules.contains_key(m))
        .unwrap_or_default()
}

fn layer(top: &str) -> Option<usize> {
    [CORE, SHELL, COMMANDS, CLI]
        .iter()
        .position(|layer| layer.contains(&top))
}

/// Every import between two modules, neither inside the other.
fn edges() -> BTreeSet<(Module, Module)> {
    let modules = modules();
    let mut edges = BTreeSet::new();
    for (file, text) in &modules {
        for path in references(file, text) {
            let to = module_of(&path, &modules);
            if !to.starts_with(file) && !file.starts_with(&to) {
                edges.insert((file.clone(), to));
            }
        }
    }
    edges
}

#[test]
fn each_layer_imports_only_the_layers_below_it() {
    let mut wrong = Vec::new();
    for (from, to) in edges() {
        let (a, b) = (&from[0], &to[0]);
        let (Some(la), Some(lb)) = (layer(a), layer(b)) else {
            wrong.push(format!(
                "{a} or {b} is in no layer: add it to tests/architecture.rs"
            ));
            continue;
        };
        let command_to_command = la == 2 && lb == 2 && a != b;
        if lb > la || command_to_command {
            wrong.push(format!("{} imports {}", from.join("::"), to.join("::")));
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

/// Every UI or server crate `text` names as a path (`ratatui::x`, `use tokio;`), outside
/// comments and strings, with the line it is on.
fn ui_and_server_paths(text: &str) -> Vec<(usize, &'static str)> {
    let code: Vec<char> = code_only(text).chars().collect();
    let mut found = Vec::new();
    let mut line = 1;
    for i in 0..code.len() {
        if code[i] == '\n' {
            line += 1;
        }
        let boundary = i == 0 || !(code[i - 1].is_alphanumeric() || code[i - 1] == '_');
        if !boundary {
            continue;
        }
        for name in UI_AND_SERVER_CRATES {
            let len = name.chars().count();
            let word: String = code[i..code.len().min(i + len)].iter().collect();
            let after: String = code[(i + len).min(code.len())..]
                .iter()
                .skip_while(|c| c.is_whitespace())
                .take(2)
                .collect();
            let ends = code
                .get(i + len)
                .is_none_or(|c| !(c.is_alphanumeric() || *c == '_'));
            let before: String = code[..i].iter().rev().take(4).collect();
            let used = before.starts_with(" esu");
            if word == *name && ends && (after == "::" || used) {
                found.push((line, *name));
            }
        }
    }
    found
}

#[test]
fn the_core_names_no_ui_or_server_crate() {
    let mut wrong = Vec::new();
    for (file, text) in modules() {
        let core = file.first().is_some_and(|top| CORE.contains(&top.as_str()));
        if !core {
            continue;
        }
        for (line, name) in ui_and_server_paths(&text) {
            wrong.push(format!("src/{}.rs:{line} names {name}", file.join("/")));
        }
    }
    assert!(
        wrong.is_empty(),
        "the core must not draw or serve; move this into tui/ or a command:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_reader_of_crate_names_finds_uses_and_paths_but_not_words() {
    let text = "use ratatui::widgets::Widget;\nfn f() { ::tokio::spawn(g()); }\n\
                use axum;\n// crossterm::event in a comment\nlet s = \"hyper::Body\";\n\
                let my_ratatui = 1; let x = crate::tui::view;\nfn h() -> crossterm :: Result {}";
    let found = ui_and_server_paths(text);
    assert_eq!(
        found,
        [(1, "ratatui"), (2, "tokio"), (3, "axum"), (7, "crossterm")]
    );
}

#[test]
fn no_modules_import_each_other_in_a_cycle_at_any_level() {
    // Group each import under the children of the two modules' closest common parent.
    let mut graphs: BTreeMap<Module, BTreeSet<(String, String)>> = BTreeMap::new();
    for (from, to) in edges() {
        let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
        graphs
            .entry(from[..common].to_vec())
            .or_default()
            .insert((from[common].clone(), to[common].clone()));
    }
    let mut cycles = Vec::new();
    for (parent, graph) in &graphs {
        for (a, b) in graph {
            if reaches(graph, b, a) {
                let parent = match parent.is_empty() {
                    true => "crate".to_owned(),
                    false => parent.join("::"),
                };
                cycles.push(format!("in {parent}: {a} -> {b} -> ... -> {a}"));
            }
        }
    }
    assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
}

fn reaches(graph: &BTreeSet<(String, String)>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_owned()];
    while let Some(node) = stack.pop() {
        if node == to {
            return true;
        }
        if seen.insert(node.clone()) {
            stack.extend(
                graph
                    .iter()
                    .filter(|(a, _)| *a == node)
                    .map(|(_, b)| b.clone()),
            );
        }
    }
    false
}

#[test]
fn the_reader_of_imports_finds_grouped_nested_and_relative_paths() {
    let file: Module = vec!["a".into(), "b".into()];
    let text = "use crate::{x::y, z::{p, q::r}};\nfn f() { crate::text::printable(\"crate::no\"); }\n\
                // crate::comment\nmod tests { use super::super::c::D; }\nuse super::e;";
    let found: BTreeSet<String> = references(&file, text)
        .iter()
        .map(|m| m.join("::"))
        .collect();
    let expected: BTreeSet<String> = [
        "x::y",
        "z::p",
        "z::q::r",
        "text::printable",
        "a::c::D",
        "a::e",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(found, expected);
}

#[test]
fn every_file_is_on_the_map_in_docs_architecture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let map = std::fs::read_to_string(root.join("docs/architecture.md")).expect("the map");
    let missing: Vec<String> = modules()
        .keys()
        .map(|m| match m.is_empty() {
            true => "src/lib.rs".to_owned(),
            false => format!("src/{}.rs", m.join("/")),
        })
        .filter(|path| !map.contains(&format!("\n{path} ")))
        .collect();
    assert!(missing.is_empty(), "not on the map: {missing:?}");
}
