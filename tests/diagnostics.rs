//! Every invalid flow in `tests/fixtures/invalid/` against its expected findings.
//!
//! Each fixture lists what it must produce in `# expect: SEVERITY CODE LINE:COL` lines,
//! exactly and in order; the full rendered messages are kept as snapshots.

use std::fs;

use mvx::diagnostic::{Diagnostic, Severity};
use mvx::flow;

fn findings(source: &str) -> Vec<Diagnostic> {
    match flow::load(source) {
        Ok(flow) => flow::check::check(&flow),
        Err(e) => e.diagnostics,
    }
}

/// A fixture as `mvx check` opens it: bytes that are not UTF-8 are a finding too.
fn opened(path: &std::path::Path) -> flow::Opened {
    flow::open(path).expect("fixture is readable")
}

fn describe(d: &Diagnostic) -> String {
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    format!("{severity} {} {}:{}", d.code, d.at.line, d.at.col)
}

fn expectations(source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|l| l.strip_prefix("# expect: "))
        .map(|l| l.trim().to_owned())
        .collect()
}

#[test]
fn every_invalid_fixture_reports_exactly_what_it_expects() {
    insta::glob!("fixtures/invalid/*.yaml", |path| {
        let opened = opened(path);
        let found: Vec<String> = opened.diagnostics.iter().map(describe).collect();
        assert_eq!(
            found,
            expectations(&opened.source),
            "findings of {}",
            path.display()
        );
        assert!(
            !found.is_empty(),
            "{} must produce a finding",
            path.display()
        );
        let name = path
            .file_name()
            .expect("fixture has a name")
            .to_string_lossy();
        let rendered: String = opened
            .diagnostics
            .iter()
            .map(|d| d.render(&name, &opened.source))
            .collect();
        insta::assert_snapshot!(rendered);
    });
}

#[test]
fn every_example_flow_is_clean() {
    for entry in fs::read_dir("flows").expect("flows/ exists") {
        let path = entry.expect("readable entry").path();
        let source = fs::read_to_string(&path).expect("readable flow");
        if path.file_name().is_some_and(|n| n == "codebook.yaml") {
            // The example flows' codebook: clean as a codebook.
            flow::load_codebook(&source).expect("the example codebook loads");
            continue;
        }
        let found: Vec<String> = findings(&source).iter().map(describe).collect();
        assert_eq!(found, Vec::<String>::new(), "{}", path.display());
    }
}

/// The codes documented in `docs/checks.md`, from the first column of its tables.
fn documented_codes() -> Vec<String> {
    let doc = fs::read_to_string("docs/checks.md").expect("docs/checks.md exists");
    doc.lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once('`').map(|(code, _)| code.to_owned()))
        .collect()
}

#[test]
fn every_documented_finding_has_a_fixture_that_triggers_it() {
    let mut expected = String::new();
    for entry in fs::read_dir("tests/fixtures/invalid").expect("fixtures exist") {
        expected += &opened(&entry.expect("entry").path()).source;
    }
    // Codebooks, and flows whose `addresses:` are checked against one.
    for folder in CODEBOOK_FIXTURES {
        for path in yaml_files(folder) {
            expected += &fs::read_to_string(path).expect("readable fixture");
        }
    }
    let codes = documented_codes();
    assert!(codes.len() >= 30, "found only {codes:?}");
    for code in codes {
        assert!(
            expected.contains(&format!(" {code} ")),
            "no fixture in tests/fixtures/invalid expects `{code}`"
        );
    }
}

/// A flat `1 + 1 + ...` of 20,000 terms: a finding at the part past the limit, with the
/// limit in its words and a caret, not a stack overflow.
#[test]
fn an_expression_past_the_size_limit_is_a_located_finding() {
    let chain = "1".to_owned() + &" + 1".repeat(20_000);
    let source = format!(
        "flow: f\ntitle: F\nvars:\n  n: 0\nsteps:\n  home:\n    choices:\n      - label: Go\n        if: \"{{n}} < {chain}\"\n        go: done\n  done:\n    end: success\n"
    );
    let found = findings(&source);
    let first = found.first().expect("a finding");
    assert_eq!(describe(first), "error bad-expression 9:2016");
    let rendered = first.render("f.yaml", &source);
    assert!(
        rendered.starts_with(
            "f.yaml:9:2016: error: the condition: the expression has more than 1,000 parts"
        ),
        "{rendered}"
    );
    assert!(rendered.contains("^\n"), "{rendered}");
}

/// Fixtures beyond flows: invalid codebooks, and flows with `addresses:` beside a
/// codebook (`with-codebook/`) or with none near (`alone/`).
const CODEBOOK_FIXTURES: [&str; 3] = [
    "tests/fixtures/codebooks",
    "tests/fixtures/addresses/with-codebook",
    "tests/fixtures/addresses/alone",
];

/// The `.yaml` files in `folder`, sorted.
fn yaml_files(folder: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = (fs::read_dir(folder).expect("fixtures exist"))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_invalid_codebook_reports_exactly_what_it_expects() {
    for path in yaml_files("tests/fixtures/codebooks") {
        let source = fs::read_to_string(&path).expect("readable fixture");
        let found: Vec<String> = match flow::load_codebook(&source) {
            Ok(_) => Vec::new(),
            Err(e) => e.diagnostics.iter().map(describe).collect(),
        };
        assert!(
            !found.is_empty(),
            "{} must produce a finding",
            path.display()
        );
        assert_eq!(
            found,
            expectations(&source),
            "findings of {}",
            path.display()
        );
    }
}

#[test]
fn addresses_are_checked_against_the_codebook_found_for_the_flow() {
    use mvx::codebook::{self, Lookup};
    for folder in &CODEBOOK_FIXTURES[1..] {
        for path in yaml_files(folder) {
            if path.file_name().is_some_and(|n| n == "codebook.yaml") {
                continue;
            }
            let opened = opened(&path);
            let flow = opened.flow.as_ref().expect("the fixture loads");
            assert!(!opened.has_errors(), "{}", path.display());
            let lookup = Lookup::of(codebook::find(None, None, Some(&path)));
            let found: Vec<String> = codebook::check_addresses(&flow.addresses, &lookup)
                .iter()
                .map(describe)
                .collect();
            let expected = expectations(&opened.source);
            assert_eq!(found, expected, "findings of {}", path.display());
        }
    }
}
