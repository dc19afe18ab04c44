//! A study's variants opened and checked together: each flow must open without errors,
//! name its variant, share the first one's flow id, and (for a task order) its tasks.

use std::collections::BTreeSet;
use std::path::Path;

use super::{Variant, VariantFile};
use crate::diagnostic::Diagnostic;
use crate::flow::study::{Design, Study, TaskOrder, VariantRef};
use crate::flow::{self, Flow};
use crate::text::printable;

/// What opening a study's variants found.
pub(super) struct Found {
    /// The variants that opened cleanly.
    pub variants: Vec<Variant>,
    /// Every variant's flow file as opened, in the study's order.
    pub files: Vec<VariantFile>,
    /// Every finding about them, at the study's lines.
    pub findings: Vec<Diagnostic>,
}

pub(super) fn open_all(study: &Study, folder: &Path) -> Found {
    let mut findings = Vec::new();
    let mut variants: Vec<Variant> = Vec::new();
    let mut files = Vec::new();
    for written in &study.variants {
        let path = folder.join(&written.path);
        let opened = flow::open(&path);
        let file = VariantFile { path, opened };
        let variant = open_one(written, &file, &mut findings);
        files.push(file);
        let Some(variant) = variant else {
            continue;
        };
        if let Some(first) = variants.first()
            && first.flow.id != variant.flow.id
        {
            findings.push(
                Diagnostic::error(
                    "mixed-flows",
                    written.at,
                    format!(
                        "{} is flow `{}`, but {} is flow `{}`; a study's variants share one flow id",
                        printable(&written.path),
                        variant.flow.id,
                        printable(&first.written),
                        first.flow.id
                    ),
                )
                .with_help("give every variant the same `flow:` and its own `variant:`"),
            );
            continue;
        }
        if variant.name.is_empty() {
            findings.push(
                Diagnostic::error(
                    "unnamed-variant",
                    written.at,
                    format!("{} names no `variant`", printable(&written.path)),
                )
                .with_help("add `variant: <name>` to the flow, so reports can tell variants apart"),
            );
            continue;
        }
        if let Some(same) = variants.iter().find(|v| v.name == variant.name) {
            findings.push(Diagnostic::error(
                "duplicate-variant",
                written.at,
                format!(
                    "{} and {} are both variant `{}`; each needs its own `variant:`",
                    printable(&same.written),
                    printable(&written.path),
                    variant.name
                ),
            ));
            continue;
        }
        variants.push(variant);
    }
    if findings.is_empty() {
        findings.extend(design_findings(study, &variants));
        findings.extend(question_findings(study, &variants));
        findings.extend(intention_findings(study, &variants));
    }
    findings.sort_by_key(|d| (d.at.line, d.at.col));
    Found {
        variants,
        files,
        findings,
    }
}

fn open_one(
    written: &VariantRef,
    VariantFile { path, opened }: &VariantFile,
    findings: &mut Vec<Diagnostic>,
) -> Option<Variant> {
    let shown = printable(&written.path);
    let opened = match opened {
        Ok(opened) => opened,
        Err(e) => {
            // Named as the study writes it, not joined to the study's folder.
            let message = e
                .to_string()
                .replace(&printable(&path.display().to_string()), &shown);
            findings.push(
                Diagnostic::error("missing-variant", written.at, message)
                    .with_help("variants are flow files, relative to the study file's folder"),
            );
            return None;
        }
    };
    let errors = opened.diagnostics.iter().filter(|d| d.is_error()).count();
    let Some(flow) = opened.flow.as_ref().filter(|_| errors == 0) else {
        let plural = if errors == 1 { "" } else { "s" };
        findings.push(
            Diagnostic::error(
                "variant-errors",
                written.at,
                format!("{shown} has {errors} error{plural}"),
            )
            .with_help(format!(
                "`mvx check {}` lists them",
                printable(&path.display().to_string())
            )),
        );
        return None;
    };
    // A flow without a `variant` is reported once its flow id is known to match.
    Some(Variant {
        name: flow.variant.clone().unwrap_or_default(),
        written: written.path.clone(),
        path: path.clone(),
        flow: flow.clone(),
        sha256: opened.sha256.clone(),
    })
}

/// A within design needs two variants; a task order in a between design needs tasks,
/// the same ones in every variant.
fn design_findings(study: &Study, variants: &[Variant]) -> Vec<Diagnostic> {
    let at = study.variants.first().map_or(study.task_order_at, |v| v.at);
    if study.design == Design::Within && variants.len() < 2 {
        return vec![Diagnostic::error(
            "within-one-variant",
            at,
            "a `within` study needs at least two variants to play in turn",
        )];
    }
    if study.design == Design::Within || study.task_order == TaskOrder::Fixed {
        return Vec::new();
    }
    let tasks =
        |flow: &Flow| -> BTreeSet<String> { flow.tasks.iter().map(|t| t.id.clone()).collect() };
    let Some(first) = variants.first() else {
        return Vec::new();
    };
    let order = study.task_order.word();
    if first.flow.tasks.len() < 2 {
        return vec![
            Diagnostic::error(
                "nothing-to-order",
                study.task_order_at,
                format!(
                    "`task_order: {order}` orders tasks, but {} has fewer than two",
                    printable(&first.written)
                ),
            )
            .with_help("remove `task_order`, or give the flows two or more tasks"),
        ];
    }
    variants
        .iter()
        .skip(1)
        .zip(study.variants.iter().skip(1))
        .filter(|(v, _)| tasks(&v.flow) != tasks(&first.flow))
        .map(|(v, written)| {
            Diagnostic::error(
                "different-tasks",
                written.at,
                format!(
                    "{} has other tasks than {}; `task_order: {order}` needs the same task ids in every variant",
                    printable(&v.written),
                    printable(&first.written)
                ),
            )
        })
        .collect()
}

/// The study's own questions are recorded beside the flows' ones: their ids must differ.
fn question_findings(study: &Study, variants: &[Variant]) -> Vec<Diagnostic> {
    study
        .questions
        .iter()
        .filter_map(|q| {
            let clash = variants
                .iter()
                .find(|v| v.flow.questions.iter().any(|f| f.id == q.id))?;
            Some(Diagnostic::error(
                "question-clash",
                q.at,
                format!(
                    "question id `{}` is also a question of {}; give it another id",
                    q.id,
                    printable(&clash.written)
                ),
            ))
        })
        .collect()
}

/// The question of stated intention must be one every participant is asked: the
/// study's own, or one every variant asks; one with options, the first of which is "yes".
fn intention_findings(study: &Study, variants: &[Variant]) -> Vec<Diagnostic> {
    let Some((id, at)) = &study.returns.intention else {
        return Vec::new();
    };
    let found = (study.questions.iter()).find(|q| q.id == *id).or_else(|| {
        let asked: Vec<_> = (variants.iter())
            .filter_map(|v| v.flow.questions.iter().find(|q| q.id == *id))
            .collect();
        (asked.len() == variants.len())
            .then(|| asked.first().copied())
            .flatten()
    });
    match found {
        Some(q) if matches!(q.answer, crate::flow::Answer::Options(_)) => Vec::new(),
        Some(_) => vec![
            Diagnostic::error(
                "bad-intention",
                *at,
                format!("`intention: {id}` names a question without options"),
            )
            .with_help("give it options, the first saying yes: `options: [Yes, Maybe, No]`"),
        ],
        None => {
            let ids = (study.questions.iter())
                .chain(variants.iter().flat_map(|v| v.flow.questions.iter()))
                .map(|q| q.id.as_str());
            let diagnostic = Diagnostic::error(
                "unknown-intention",
                *at,
                format!("`intention: {id}` is not a question of the study or of every variant"),
            );
            vec![match crate::suggest::closest(id, ids) {
                Some(s) => diagnostic.with_suggestion(Some(s)),
                None => diagnostic
                    .with_help("add the question to the study's `questions:`; see docs/returns.md"),
            }]
        }
    }
}
