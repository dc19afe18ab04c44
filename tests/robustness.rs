//! The loader, the checks and the renderers never panic, whatever the file holds.

use mvx::flow::{self, graph};

/// A small deterministic generator, so a failure reproduces.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below.max(1)
    }
}

fn exercise(source: &str) {
    match flow::load(source) {
        Ok(flow) => {
            for finding in flow::check::check(&flow) {
                finding.render("f.yaml", source);
            }
            graph::render(&flow, graph::Format::Mermaid);
            graph::render(&flow, graph::Format::Dot);
        }
        Err(e) => {
            assert!(!e.diagnostics.is_empty(), "a failed load says why");
            for finding in e.diagnostics {
                finding.render("f.yaml", source);
            }
        }
    }
}

fn examples() -> Vec<String> {
    let mut sources: Vec<String> = std::fs::read_dir("flows")
        .expect("flows/ exists")
        .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("readable"))
        .collect();
    sources.sort();
    sources
}

#[test]
fn a_flow_cut_anywhere_loads_or_explains() {
    for source in examples() {
        let cuts: Vec<usize> = source.char_indices().map(|(i, _)| i).step_by(5).collect();
        for cut in cuts {
            exercise(&source[..cut]);
        }
    }
}

#[test]
fn a_flow_with_random_damage_loads_or_explains() {
    const NOISE: &[&str] = &[
        ":",
        ": ",
        "-",
        "- ",
        "{",
        "}",
        "[",
        "]",
        ",",
        "?",
        "#",
        "&a",
        "*a",
        "<<: *a",
        "|",
        ">",
        "\"",
        "'",
        "\t",
        "\n",
        "  ",
        "\u{1b}[2J",
        "日本",
        "☕",
        "!!binary",
        "%YAML 1.2",
        "---",
        "~",
        "null",
        "true",
        "1e999",
        "-0",
        "0x1F",
        "\u{0}",
    ];
    let mut random = Lcg(7);
    for source in examples() {
        for _ in 0..300 {
            let mut damaged = source.clone();
            for _ in 0..1 + random.next(4) {
                let boundaries: Vec<usize> = damaged.char_indices().map(|(i, _)| i).collect();
                let at = boundaries[random.next(boundaries.len())];
                damaged.insert_str(at, NOISE[random.next(NOISE.len())]);
            }
            exercise(&damaged);
        }
    }
}
