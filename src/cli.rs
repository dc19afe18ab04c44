//! Command-line interface: arguments in, an exit code out. `main` only forwards to `run`.
//!
//! This file holds the list of commands (each with its help), the dispatch and the exit
//! codes; each command's arguments, its run and its messages live in `cli/<command>.rs`.

mod agree;
mod check;
mod completions;
mod export;
mod frictions;
mod graph;
mod import;
mod man;
mod new;
mod observe;
mod play;
mod preview;
mod progress;
mod replay;
mod report;
mod review;
mod schema;
mod serve;
mod simulate;
mod ssh;
mod study;

use std::ffi::OsString;
use std::io::{self, Write};

use clap::{Parser, Subcommand};

/// Nothing wrong was found.
pub const EXIT_OK: u8 = 0;
/// The command ran and found errors (or, with `--strict`, warnings).
pub const EXIT_FINDINGS: u8 = 1;
/// The command could not run: bad arguments, a missing or unreadable file.
pub const EXIT_USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "mvx",
    version,
    about = "Test minimal viable experiences with real people, in a terminal",
    long_about = "Test minimal viable experiences with real people, in a terminal.\n\n\
        Designers write flows (screens, choices, prompts, verdict questions) as YAML; \
        researchers play them to participants while every choice and hesitation is \
        recorded; teams review, replay and report what happened.",
    after_help = "Example:\n  mvx check flows/*.yaml\n\nThe flow format: docs/flow-format.md"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate flows and lint their graph (broken links, dead ends, unreachable steps)
    #[command(
        after_help = "Examples:\n  mvx check flows/*.yaml\n  mvx check --format json --strict flows/shop-order-status.yaml\n\n\
        Exit codes: 0 no errors, 1 errors found (or warnings, with --strict), 2 could not run."
    )]
    Check(check::CheckArgs),
    /// Print a flow as a Mermaid flowchart or a Graphviz DOT graph
    #[command(
        after_help = "Examples:\n  mvx graph flows/espresso-three-menus.yaml > flow.mmd\n  \
        mvx graph --format dot flows/espresso-three-menus.yaml | dot -Tsvg > flow.svg"
    )]
    Graph(graph::GraphArgs),
    /// Play a flow to a participant, full-screen, recording every choice and hesitation
    #[command(after_help = keys_help(
        "mvx play flows/espresso-three-menus.yaml --participant P07 --researcher ana",
        &crate::runner::session::KEYS.help_lines().join("\n"),
        "The session file is written to --sessions as it happens; see docs/session-format.md."
    ))]
    Play(play::PlayArgs),
    /// Walk every path of a flow before a participant does: coverage, traps, ends
    #[command(after_help = "Examples:\n  mvx simulate flows/*.yaml --exhaustive\n  \
        mvx simulate flows/espresso-three-menus.yaml --walks 500 --seed 7 --format json\n  \
        mvx simulate flows/espresso-one-menu.yaml --sessions sim-sessions --participants 12\n\n\
        Exit codes: 0 nothing wrong, 1 a flow has errors or a walk gets trapped, 2 could not run.\n\
        What it reports and the model of hesitation times: docs/simulate.md.")]
    Simulate(simulate::SimulateArgs),
    /// Serve a flow to remote participants in their browser, from one-time invitation links
    #[command(
        after_help = "Examples:\n  mvx serve flows/espresso-three-menus.yaml --invites 3\n  \
        mvx serve flows/espresso-three-menus.yaml --participants P01,P02 --listen 0.0.0.0:8080\n\n\
        Prints one link per participant; type `invite [ID]` for more, `observe ID` for a\n\
        link that watches a participant live, `list`, or `quit`.\n\
        Sessions are written to --sessions as with mvx play; see docs/serve.md."
    )]
    Serve(serve::ServeArgs),
    /// Serve a flow to remote participants in their own terminal, over SSH: each connects
    /// with `ssh -p PORT CODE@host`
    #[command(
        after_help = "Examples:\n  mvx ssh flows/espresso-three-menus.yaml --invites 3\n  \
        mvx ssh studies/espresso.yaml --listen 0.0.0.0:2222 --authorized-keys ~/.ssh/id_ed25519.pub\n\n\
        Prints one ssh command per participant; type `invite [ID]` for more, `observe ID` for\n\
        a command that watches a participant live, `list`, or `quit`. A key listed in\n\
        --authorized-keys watches as `ssh -p PORT ID@host`.\n\
        The host key is kept in --sessions; see docs/serve.md, \"Over SSH\"."
    )]
    Ssh(ssh::SshArgs),
    /// Write recorded sessions as tidy tables (a row per event, per session, per task), or
    /// each as an asciicast replay
    #[command(
        after_help = "Examples:\n  mvx export sessions/ --format csv -o export\n  \
        mvx export sessions/ --format jsonl --redact-text -o shared\n  \
        mvx export sessions/P07.yaml --format cast -o replays\n\n\
        Writes DIR/events.FORMAT, DIR/sessions.FORMAT and DIR/tasks.FORMAT, or with --format \
        cast DIR/<session>.cast for each session (asciinema plays them); see docs/export.md."
    )]
    Export(export::ExportArgs),
    /// Report tasks, steps, paths and verdicts with small-sample statistics
    #[command(after_help = "Examples:\n  mvx report sessions/ > report.md\n  \
        mvx report sessions/ --flow espresso --format json -o report.json\n\n\
        Formulas and their sources: docs/statistics.md.")]
    Report(report::ReportArgs),
    /// How far coders who tagged the same sessions agree, per tag: percent agreement, Cohen's
    /// kappa, Krippendorff's alpha, and the step visits they disagree on
    #[command(after_help = "Examples:\n  mvx agree sessions/\n  \
        mvx agree sessions/ --coder ana --coder ben --codebook codebook.yaml --format json\n\n\
        Units are step visits; a coder counts on the sessions they wrote a note on.\n\
        Exit codes: 0 compared, 2 could not run (no sessions, fewer than two coders).\n\
        The method: docs/findings.md (Agreement); sources: docs/statistics.md.")]
    Agree(agree::AgreeArgs),
    /// A study's progress: sessions counted per variant, declined, aborted; who comes next
    #[command(subcommand)]
    Study(study::StudyCommand),
    /// Rank frictions from support tickets, reviews or interviews, tagged with the codebook
    #[command(after_help = "Examples:\n  mvx frictions import tickets.csv\n  \
        mvx frictions tag --coder ana\n  \
        mvx frictions frictions.yaml --format json\n\n\
        A flow names what it sets out to solve with `addresses: [tag]`; mvx report answers\n\
        per friction. See docs/findings.md, \"The friction map\".")]
    Frictions(frictions::FrictionsArgs),
    /// Browse recorded sessions: who did what, each session's timeline, where flows cause friction
    #[command(after_help = keys_help(
        "mvx review sessions/",
        &crate::review::keys::help(),
        "? shows these keys and the friction formula in the review itself."
    ))]
    Review(review::ReviewArgs),
    /// Follow a live session from a second terminal; notes go beside it, never into it
    #[command(after_help = keys_help(
        "mvx observe --latest\n  mvx observe sessions/20261126T140211Z_P07_espresso.yaml",
        &crate::observe::help(),
        "Notes are saved to <session>.notes.yaml, never into the session file."
    ))]
    Observe(observe::ObserveArgs),
    /// Re-play a recorded session as the participant saw it, at the recorded pace
    #[command(after_help = keys_help(
        "mvx replay sessions/20261126T140211Z_P07_espresso.yaml --speed 2",
        &crate::replay::KEYS.help_lines().join("\n"),
        "Run it from the folder the session was recorded in, so the flow file is found."
    ))]
    Replay(replay::ReplayArgs),
    /// Try a flow as participants will see it, reloading on every save; nothing is recorded
    #[command(after_help = keys_help(
        "mvx preview flows/espresso-three-menus.yaml --step strength",
        &crate::preview::help(),
        "Nothing is recorded; saving the file reloads it on the same step."
    ))]
    Preview(preview::PreviewArgs),
    /// Turn a Twine (Twee 3) or Ink story into a flow
    #[command(
        after_help = "Examples:\n  mvx import twine story.twee -o flows/story.yaml\n  mvx import ink story.ink > flows/story.yaml\n\n\
        Ink's variables, conditions, assignments and weaves carry over; what cannot (functions,\n\
        Twine macros) is named on stderr with its line and kept as a comment in the flow."
    )]
    Import(import::ImportArgs),
    /// Write a starter flow to flows/NAME.yaml (never overwriting)
    #[command(after_help = "Examples:\n  mvx new checkout\n  mvx new checkout --template variants")]
    New(new::NewArgs),
    /// Print the JSON Schema of the flow format (or the study format), for editors
    #[command(
        after_help = "Examples:\n  mvx schema > schema/flow.schema.json\n  mvx schema study > schema/study.schema.json\n\n\
        Put `# yaml-language-server: $schema=../schema/flow.schema.json` at the top of a flow\n\
        (the path relative to the flow) for completion and checks in editors."
    )]
    Schema(schema::SchemaArgs),
    /// Print shell completions for bash, zsh or fish
    #[command(
        after_help = "Example:\n  mvx completions bash > ~/.local/share/bash-completion/completions/mvx"
    )]
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff), generated from these definitions
    #[command(after_help = "Example:\n  mvx man > mvx.1 && man ./mvx.1")]
    Man,
}

/// Runs mvx with `args` (program name first) and returns the process exit code.
/// A closed stdout (as in `mvx graph f | head`) is not an error.
pub fn run(
    args: impl IntoIterator<Item = OsString>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e, out, err),
    };
    let result = match cli.command {
        Command::Check(args) => check::run(&args, out, err),
        Command::Graph(args) => graph::run(&args, out, err),
        Command::Play(args) => play::run(args, out, err),
        Command::Simulate(args) => simulate::run(&args, out, err),
        Command::Serve(args) => serve::run(args, out, err),
        Command::Ssh(args) => ssh::run(args, out, err),
        Command::Export(args) => export::run(&args, out, err),
        Command::Report(args) => report::run(&args, out, err),
        Command::Agree(args) => agree::run(&args, out, err),
        Command::Study(command) => study::run(&command, out, err),
        Command::Frictions(args) => frictions::run(args, out, err),
        Command::Review(args) => review::run(&args, err),
        Command::Observe(args) => observe::run(args, err),
        Command::Replay(args) => replay::run(&args, err),
        Command::Preview(args) => preview::run(args, err),
        Command::Import(args) => import::run(&args, out, err),
        Command::New(args) => new::run(&args, out, err),
        Command::Schema(args) => schema::run(&args, out),
        Command::Completions(args) => completions::run(&args, out),
        Command::Man => man::run(out),
    };
    match result {
        Ok(code) => code,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            let _ = writeln!(err, "mvx: cannot write output: {e}");
            EXIT_USAGE
        }
    }
}

/// An interactive command's `--help` epilogue: an example, its keys (from the
/// screen's own key table) and a closing line.
fn keys_help(example: &str, keys: &str, closing: &str) -> String {
    let keys: Vec<String> = keys
        .lines()
        .map(|l| match l.is_empty() {
            true => String::new(),
            false => format!("  {l}"),
        })
        .collect();
    format!(
        "Example:\n  {example}\n\nKeys:\n{}\n\n{closing}",
        keys.join("\n")
    )
}

/// An interactive command's answer: nothing to say once its screen ends, or why it
/// could not run, on stderr (exit 2). The message may quote a file, so it is made
/// printable; a stderr that cannot be written changes nothing.
fn ran(result: Result<(), String>, err: &mut dyn Write) -> io::Result<u8> {
    if let Err(message) = result {
        // A message of several lines (a file's errors with their carets) keeps its lines.
        let lines: Vec<String> = message.lines().map(crate::text::printable).collect();
        let _ = writeln!(err, "mvx: {}", lines.join("\n"));
        return Ok(EXIT_USAGE);
    }
    Ok(EXIT_OK)
}

fn clap_error(e: &clap::Error, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let text = e.render().to_string();
    if e.use_stderr() {
        let _ = write!(err, "{text}");
        EXIT_USAGE
    } else {
        let _ = write!(out, "{text}");
        EXIT_OK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_with(args: &[&str]) -> (u8, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let args = std::iter::once("mvx").chain(args.iter().copied());
        let code = run(args.map(OsString::from), &mut out, &mut err);
        let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("mvx writes UTF-8");
        (code, text(out), text(err))
    }

    #[test]
    fn an_interactive_command_that_cannot_run_says_why_printably_and_exits_2() {
        let mut err = Vec::new();
        let code = ran(Err("cannot read s\u{1b}[2J.yaml".into()), &mut err).expect("answers");
        assert_eq!(code, EXIT_USAGE);
        assert_eq!(
            String::from_utf8(err).expect("UTF-8"),
            "mvx: cannot read s\\u{1b}[2J.yaml\n"
        );
        let mut err = Vec::new();
        assert_eq!(ran(Ok(()), &mut err).expect("answers"), EXIT_OK);
        assert!(err.is_empty());
    }

    #[test]
    fn observe_with_no_session_in_the_folder_exits_2_before_opening_the_terminal() {
        let dir = tempfile::tempdir().expect("temp dir");
        let folder = dir.path().to_str().expect("a UTF-8 temp path");
        let (code, out, err) = run_with(&["observe", "--latest", folder]);
        assert_eq!(code, EXIT_USAGE);
        assert_eq!(out, "");
        assert_eq!(err, "mvx: no session found to observe\n");
    }
}
