//! `mvx simulate`: walk flows before participants do, print what was found, and write
//! synthetic sessions on request.
#![allow(clippy::disallowed_methods)] // the shell: synthetic sessions are dated when written

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde::Serialize;

mod study;

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::flow::Flow;
use crate::format::percent;
use crate::simulate::sessions::Hesitation;
use crate::simulate::study::{Made, write};
use crate::simulate::{Options, Simulation, Took, TrapKind, Walk, simulate};
use crate::study::participant::Plan;
use crate::study::{OpenedStudy, Variant};
use crate::text::printable;

#[derive(Debug, clap::Args)]
pub(super) struct SimulateArgs {
    /// The flow files to simulate; a study file simulates each of its variants
    #[arg(value_name = "FLOW|STUDY", required = true)]
    flows: Vec<PathBuf>,
    /// Random walks to make
    #[arg(long, value_name = "N", default_value_t = 200)]
    walks: usize,
    /// Seed of the random walks: the same seed walks the same ways
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// A walk longer than this many moves is stopped and reported as never ending
    #[arg(long, value_name = "N", default_value_t = 200)]
    max_steps: usize,
    /// Take every choice of every reachable (step, variables) state instead of random walks
    #[arg(long)]
    exhaustive: bool,
    /// Stop an exhaustive search after this many states, and say so
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    max_states: usize,
    /// Start at this step instead of the flow's start
    #[arg(long, value_name = "STEP")]
    from: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = SimulateFormat::Text)]
    format: SimulateFormat,
    /// Also write synthetic session files (marked `simulated: true`) to this folder
    #[arg(long, value_name = "DIR")]
    sessions: Option<PathBuf>,
    /// Synthetic participants per flow (per study: assigned as `mvx play STUDY.yaml` would), with --sessions
    #[arg(long, value_name = "N", default_value_t = 10, requires = "sessions")]
    participants: usize,
    /// Ex-Gaussian hesitation of synthetic participants, in ms: mu,sigma,tau
    #[arg(
        long,
        value_name = "MU,SIGMA,TAU",
        default_value = "1200,300,800",
        requires = "sessions"
    )]
    hesitation: String,
    /// In a study with returns: the share of synthetic participants who drop out before each return
    #[arg(
        long,
        value_name = "SHARE",
        default_value_t = 0.2,
        value_parser = share,
        requires = "sessions"
    )]
    dropout: f64,
    /// In a study with returns: synthetic participants' trial n takes n^-B times as long as their first
    #[arg(
        long,
        value_name = "B",
        default_value_t = 0.3,
        value_parser = rate,
        allow_negative_numbers = true,
        requires = "sessions"
    )]
    learning_rate: f64,
}

fn share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("`{text}` is not a share from 0 to 1 (e.g. 0.2)")),
    }
}

fn rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if (-1.0..=2.0).contains(&x) => Ok(x),
        _ => Err(format!(
            "`{text}` is not a learning rate from -1 to 2 (e.g. 0.3)"
        )),
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SimulateFormat {
    /// Readable text
    Text,
    /// One JSON document
    Json,
}

#[derive(Serialize)]
struct Output<'a> {
    flows: Vec<FlowOutput<'a>>,
}

#[derive(Serialize)]
struct FlowOutput<'a> {
    path: &'a str,
    flow: &'a str,
    #[serde(flatten)]
    simulation: &'a Simulation,
}

pub(super) fn run(args: &SimulateArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let Some(hesitation) = hesitation(&args.hesitation) else {
        writeln!(
            err,
            "mvx: --hesitation takes three numbers of milliseconds, mu,sigma,tau (e.g. 1200,300,800), each 0 or more"
        )?;
        return Ok(EXIT_USAGE);
    };
    let options = Options {
        walks: args.walks,
        seed: args.seed,
        max_steps: args.max_steps,
        exhaustive: args.exhaustive,
        max_states: args.max_states,
        from: args.from.clone(),
        ..Options::default()
    };
    let mut code = EXIT_OK;
    let mut done: Vec<Done> = Vec::new();
    for path in &args.flows {
        // A glob such as `flows/*.yaml` takes in the codebook beside the flows: no flow
        // to walk, and no mistake.
        if crate::codebook::read_if_codebook(path).is_some() {
            let shown = printable(&path.display().to_string());
            writeln!(err, "mvx: {shown} is a codebook, not a flow: not simulated")?;
            continue;
        }
        let found = match crate::study::open_any(path) {
            Ok(opened) => {
                let opened = opened.into_study();
                each_variant(&opened, args, (&options, &hesitation), &mut done, err)?
            }
            Err(e) => {
                writeln!(err, "mvx: {e}")?;
                EXIT_USAGE
            }
        };
        code = code.max(found);
    }
    let text = match args.format {
        SimulateFormat::Json => {
            let flows = done
                .iter()
                .map(|d| FlowOutput {
                    path: &d.path,
                    flow: &d.flow,
                    simulation: &d.simulation,
                })
                .collect();
            serde_json::to_string_pretty(&Output { flows }).map_err(io::Error::other)? + "\n"
        }
        SimulateFormat::Text => done
            .iter()
            .map(|d| render(&d.path, &d.simulation))
            .collect::<Vec<_>>()
            .join("\n"),
    };
    out.write_all(text.as_bytes())?;
    Ok(code)
}

/// A flow simulated: the path it was opened by, its id, what was found.
struct Done {
    path: String,
    flow: String,
    simulation: Simulation,
}

/// A study's variants, or a flow as a study of one variant: each simulated, then the
/// synthetic sessions written; the exit code.
fn each_variant(
    opened: &OpenedStudy,
    args: &SimulateArgs,
    (options, hesitation): (&Options, &Hesitation),
    done: &mut Vec<Done>,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let Some((study, variants)) = opened.playable() else {
        writeln!(err, "{}", opened.rendered_errors().join("\n"))?;
        writeln!(
            err,
            "mvx: {} has errors; `mvx check` lists them too",
            printable(&opened.path)
        )?;
        return Ok(EXIT_FINDINGS);
    };
    let mut code = EXIT_OK;
    for variant in variants {
        let shown = variant.path.display().to_string();
        match simulated(&shown, &variant.flow, options, done, err)? {
            Some(found) => code = code.max(found),
            None => return Ok(EXIT_USAGE),
        }
    }
    if let Some(dir) = &args.sessions {
        let written = match (opened.is_flow, variants) {
            (true, [flow]) => write_sessions(dir, flow, args, hesitation),
            _ => study::write_sessions(dir, (opened, study, variants), args, hesitation),
        };
        code = code.max(written_note(written, &study.id, dir, err)?);
    }
    Ok(code)
}

/// `flow` simulated and added to `done`: the exit code its findings give, or `None`
/// when `--from` names no step of it (said on `err`).
fn simulated(
    path: &str,
    flow: &Flow,
    options: &Options,
    done: &mut Vec<Done>,
    err: &mut dyn Write,
) -> io::Result<Option<u8>> {
    let simulation = match simulate(flow, options) {
        Ok(s) => s,
        Err(e) => {
            let hint = e
                .suggestion
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            let (path, id) = (printable(path), printable(&e.id));
            writeln!(
                err,
                "mvx: {path}: --from names the step `{id}`, which does not exist{hint}"
            )?;
            return Ok(None);
        }
    };
    let code = match simulation.traps.is_empty() {
        true => EXIT_OK,
        false => EXIT_FINDINGS,
    };
    done.push(Done {
        path: path.to_owned(),
        flow: flow.id.clone(),
        simulation,
    });
    Ok(Some(code))
}

/// Says how many sessions of `what` were written to `dir`, or why none could be.
fn written_note(
    written: io::Result<usize>,
    what: &str,
    dir: &Path,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let dir = printable(&dir.display().to_string());
    match written {
        Ok(n) => {
            writeln!(
                err,
                "mvx: wrote {n} simulated sessions of {} to {dir}",
                printable(what)
            )?;
            Ok(EXIT_OK)
        }
        Err(e) => {
            writeln!(err, "mvx: cannot write sessions to {dir}: {e}")?;
            Ok(EXIT_USAGE)
        }
    }
}

fn hesitation(text: &str) -> Option<Hesitation> {
    let numbers: Vec<f64> = text
        .split(',')
        .map(|n| n.trim().parse().ok())
        .collect::<Option<_>>()?;
    match numbers[..] {
        [mu_ms, sigma_ms, tau_ms] if numbers.iter().all(|n| n.is_finite() && *n >= 0.0) => {
            Some(Hesitation {
                mu_ms,
                sigma_ms,
                tau_ms,
            })
        }
        _ => None,
    }
}

/// One session file per synthetic participant, `S01`, `S02`, ..., each walked from its
/// own seed (the run's seed and the participant's number), so a seed writes the same sessions.
fn write_sessions(
    dir: &Path,
    variant: &Variant,
    args: &SimulateArgs,
    hesitation: &Hesitation,
) -> io::Result<usize> {
    let flow = &variant.flow;
    let started = chrono::Utc::now();
    let shown = variant.path.display().to_string();
    let plan = Plan::flow(flow.clone(), &shown, &variant.sha256);
    for n in 1..=args.participants {
        let made = Made {
            participant: format!("S{n:02}"),
            ids: format!("sim-{}-{}-{n:02}", flow.id, args.seed),
            seed: args.seed.wrapping_mul(1_000_003).wrapping_add(n as u64),
            hesitation: *hesitation,
            max_moves: args.max_steps,
            pace: 1.0,
        };
        write(&plan, &made, dir, started).map_err(io::Error::other)?;
    }
    Ok(args.participants)
}

/// The simulation as text: coverage, what was never reached, traps with their walks,
/// conditions that never changed, and the ends with the shortest way to each.
fn render(path: &str, sim: &Simulation) -> String {
    let mut out = String::new();
    let how = match sim.seed {
        Some(seed) => format!("{} random walks, seed {seed}", sim.walks),
        None if sim.capped => format!(
            "exhaustive search stopped at {} states (--max-states, or 256 MB of states): what follows may be incomplete",
            sim.walks
        ),
        None => format!("exhaustive search, {} states", sim.walks),
    };
    let _ = writeln!(out, "{}: {how}", printable(path));
    let (steps, choices) = sim.coverage();
    let reached = sim.steps.iter().filter(|s| s.reached > 0).count();
    let taken = sim.choices.iter().filter(|c| c.taken > 0).count();
    let _ = writeln!(
        out,
        "  coverage: steps {reached}/{} ({}), choices {taken}/{} ({})",
        sim.steps.len(),
        percent(steps),
        sim.choices.len(),
        percent(choices)
    );
    coverage_lines(sim, &mut out);
    for step in sim.never_reached() {
        let _ = writeln!(out, "  never reached: step `{}`", printable(&step.step));
    }
    for choice in sim.never_taken() {
        let _ = writeln!(
            out,
            "  never taken: `{}` on step `{}`",
            printable(&choice.choice),
            printable(&choice.step)
        );
    }
    for trap in &sim.traps {
        let why = match trap.kind {
            TrapKind::Stuck => "stuck: nothing is offered and no way leads on",
            TrapKind::NoWayOut => "trapped: no end can be reached from here",
            TrapKind::TooLong => "never ends: still walking after --max-steps moves",
            TrapKind::TextTooLong => {
                "text too long: a variable reached 10,000 characters and is cut from here"
            }
        };
        let values = match trap.values.is_empty() {
            true => String::new(),
            false => format!(" with {}", trap.values.join(", ")),
        };
        let _ = writeln!(
            out,
            "  TRAP at step `{}` ({why}){}",
            printable(&trap.step),
            printable(&values)
        );
        let _ = writeln!(out, "    walk: {}", walk_text(&trap.walk));
    }
    for c in &sim.constants {
        let always = if c.always { "true" } else { "false" };
        let _ = writeln!(
            out,
            "  condition at line {}:{} `{}` was always {always} ({} tests)",
            c.line,
            c.column,
            printable(&c.condition),
            c.tested
        );
    }
    if sim.ends.is_empty() {
        let _ = writeln!(out, "  no end was reached");
    }
    for end in &sim.ends {
        let _ = writeln!(
            out,
            "  end `{}` ({}) reached {} times; shortest: {}",
            printable(&end.step),
            printable(&end.outcome),
            end.times,
            walk_text(&end.shortest)
        );
    }
    out
}

/// Per step and choice: walks that reached or took it (random), states (exhaustive).
fn coverage_lines(sim: &Simulation, out: &mut String) {
    let of = match sim.seed {
        Some(_) => format!("/{} walks", sim.walks),
        None => " states".into(),
    };
    for step in &sim.steps {
        let _ = writeln!(
            out,
            "    {:<28} {}{of}",
            printable(&step.step),
            step.reached
        );
        for choice in sim.choices.iter().filter(|c| c.step == step.step) {
            let _ = writeln!(
                out,
                "      - {:<24} {}",
                printable(&choice.choice),
                choice.taken
            );
        }
    }
}

/// `home: Espresso → confirm: typed "40" → brewing`; a long walk keeps its last moves.
fn walk_text(walk: &Walk) -> String {
    const SHOWN: usize = 12;
    let skipped = walk.moves.len().saturating_sub(SHOWN);
    let mut parts: Vec<String> = Vec::new();
    if skipped > 0 {
        parts.push(format!("({skipped} moves before)"));
    }
    for m in &walk.moves[skipped..] {
        let took = match &m.took {
            Took::Choice(label) => label.clone(),
            Took::Typed(text) => {
                format!("typed {}", serde_json::to_string(text).unwrap_or_default())
            }
            Took::Continue => "continue".into(),
        };
        parts.push(format!("{}: {took} →", m.step));
    }
    parts.push(walk.at.clone());
    printable(&parts.join(" "))
}
