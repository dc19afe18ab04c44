//! Command-line interface: arguments in, an exit code out. `main` only forwards to `run`.

mod check;
mod export;
mod graph;
mod import;
mod new;
mod play;
mod progress;
mod report;

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

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
    Check(CheckArgs),
    /// Print a flow as a Mermaid flowchart or a Graphviz DOT graph
    #[command(
        after_help = "Examples:\n  mvx graph flows/espresso-three-menus.yaml > flow.mmd\n  \
        mvx graph --format dot flows/espresso-three-menus.yaml | dot -Tsvg > flow.svg"
    )]
    Graph(GraphArgs),
    /// Play a flow to a participant, full-screen, recording every choice and hesitation
    #[command(after_help = keys_help(
        "mvx play flows/espresso-three-menus.yaml --participant P07 --researcher ana",
        &crate::runner::session::KEYS.help_lines().join("\n"),
        "The session file is written to --sessions as it happens; see docs/session-format.md."
    ))]
    Play(PlayArgs),
    /// Write recorded sessions as tidy tables: one row per event, one row per session
    #[command(
        after_help = "Examples:\n  mvx export sessions/ --format csv -o export\n  \
        mvx export sessions/ --format jsonl --redact-text -o shared\n\n\
        Writes DIR/events.FORMAT and DIR/sessions.FORMAT; see docs/export.md for the columns."
    )]
    Export(ExportArgs),
    /// Report tasks, steps, paths and verdicts with small-sample statistics
    #[command(after_help = "Examples:\n  mvx report sessions/ > report.md\n  \
        mvx report sessions/ --flow espresso --format json -o report.json\n\n\
        Formulas and their sources: docs/statistics.md.")]
    Report(ReportArgs),
    /// Browse recorded sessions: who did what, each session's timeline, where flows cause friction
    #[command(after_help = keys_help(
        "mvx review sessions/",
        &crate::review::keys::help(),
        "? shows these keys and the friction formula in the review itself."
    ))]
    Review(ReviewArgs),
    /// Follow a live session from a second terminal; notes go beside it, never into it
    #[command(after_help = keys_help(
        "mvx observe --latest\n  mvx observe sessions/20261126T140211Z_P07_espresso.yaml",
        &crate::observe::help(),
        "Notes are saved to <session>.notes.yaml, never into the session file."
    ))]
    Observe(ObserveArgs),
    /// Re-play a recorded session as the participant saw it, at the recorded pace
    #[command(after_help = keys_help(
        "mvx replay sessions/20261126T140211Z_P07_espresso.yaml --speed 2",
        &crate::replay::KEYS.help_lines().join("\n"),
        "Run it from the folder the session was recorded in, so the flow file is found."
    ))]
    Replay(ReplayArgs),
    /// Try a flow as participants will see it, reloading on every save; nothing is recorded
    #[command(after_help = keys_help(
        "mvx preview flows/espresso-three-menus.yaml --step strength",
        &crate::preview::help(),
        "Nothing is recorded; saving the file reloads it on the same step."
    ))]
    Preview(PreviewArgs),
    /// Turn a Twine (Twee 3) or Ink story into a flow
    #[command(
        after_help = "Examples:\n  mvx import twine story.twee -o flows/story.yaml\n  mvx import ink story.ink > flows/story.yaml\n\n\
        What cannot be carried over (macros, variables, conditions, deep weaves) is named on\n\
        stderr with its line and kept as a comment in the flow."
    )]
    Import(ImportArgs),
    /// Write a starter flow to flows/NAME.yaml (never overwriting)
    #[command(after_help = "Examples:\n  mvx new checkout\n  mvx new checkout --template variants")]
    New(NewArgs),
    /// Print the JSON Schema of the flow format, for editors
    #[command(after_help = "Example:\n  mvx schema > schema/flow.schema.json\n\n\
        Put `# yaml-language-server: $schema=../schema/flow.schema.json` at the top of a flow\n\
        (the path relative to the flow) for completion and checks in editors.")]
    Schema,
    /// Print shell completions for bash, zsh or fish
    #[command(
        after_help = "Example:\n  mvx completions bash > ~/.local/share/bash-completion/completions/mvx"
    )]
    Completions(CompletionsArgs),
    /// Print the manual page (roff), generated from these definitions
    #[command(after_help = "Example:\n  mvx man > mvx.1 && man ./mvx.1")]
    Man,
}

#[derive(Debug, clap::Args)]
struct PreviewArgs {
    /// The flow file to preview
    #[arg(value_name = "FLOW")]
    flow: PathBuf,
    /// Start on this step
    #[arg(long, value_name = "ID")]
    step: Option<String>,
}

#[derive(Debug, clap::Args)]
struct ImportArgs {
    /// The story's format
    #[arg(value_enum)]
    format: StoryFormat,
    /// The story file
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Write the flow here instead of stdout (never overwriting)
    #[arg(short, long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum StoryFormat {
    /// Twine's Twee 3 text format
    Twine,
    /// Ink
    Ink,
}

#[derive(Debug, clap::Args)]
struct NewArgs {
    /// The flow's name: lowercase letters, digits, - and _
    #[arg(value_name = "NAME")]
    name: String,
    /// What the starter shows
    #[arg(long, value_enum, default_value_t = Template::Basic)]
    template: Template,
    /// Folder to write it to
    #[arg(long, value_name = "DIR", default_value = "flows")]
    dir: PathBuf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Template {
    /// Steps of every kind and verdict questions
    Basic,
    /// Two timed tasks with briefs and success steps
    Tasks,
    /// One of two variants to compare (same flow id, its own variant)
    Variants,
}

#[derive(Debug, clap::Args)]
struct CompletionsArgs {
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
struct ReplayArgs {
    /// The session file to replay
    #[arg(value_name = "SESSION")]
    session: PathBuf,
    /// Play N times faster than recorded (0.5 plays at half speed)
    #[arg(long, value_name = "N", default_value_t = 1.0)]
    speed: f64,
}

#[derive(Debug, clap::Args)]
struct ObserveArgs {
    /// The session file to follow
    #[arg(value_name = "SESSION", required_unless_present = "latest")]
    session: Option<PathBuf>,
    /// Follow the newest session in DIR (default sessions/)
    #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = "sessions", conflicts_with = "session")]
    latest: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct ReviewArgs {
    /// Session files, or folders searched for them
    #[arg(value_name = "PATH", default_value = "sessions")]
    paths: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct ReportArgs {
    /// Session files, or folders searched for them
    #[arg(value_name = "PATH", default_value = "sessions")]
    paths: Vec<PathBuf>,
    /// Report only this flow id
    #[arg(long, value_name = "ID")]
    flow: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    format: ReportFormat,
    /// Write the report to this file instead of stdout
    #[arg(short, long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReportFormat {
    /// Markdown
    Md,
    /// One self-contained HTML file with charts
    Html,
    /// Every figure, machine-readable
    Json,
}

#[derive(Debug, clap::Args)]
struct ExportArgs {
    /// Session files, or folders searched for them
    #[arg(value_name = "PATH", default_value = "sessions")]
    paths: Vec<PathBuf>,
    /// Table format
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    format: ExportFormat,
    /// Replace what participants typed and researchers noted with "[redacted]"
    #[arg(long)]
    redact_text: bool,
    /// Write CSV cells exactly as typed: by default a cell that starts with = + - @ gets a
    /// ' in front, so a spreadsheet never runs it as a formula
    #[arg(long)]
    raw_text: bool,
    /// Folder to write the tables to (made if missing)
    #[arg(short, long = "output", value_name = "DIR", default_value = "export")]
    output: PathBuf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExportFormat {
    /// Comma-separated values with a header row
    Csv,
    /// One JSON object per line
    Jsonl,
}

#[derive(Debug, clap::Args)]
struct PlayArgs {
    /// The flow file to play
    #[arg(value_name = "FLOW")]
    flow: PathBuf,
    /// Participant id (letters, digits, - and _); default: P and a random suffix
    #[arg(long, value_name = "ID")]
    participant: Option<String>,
    /// Researcher running the session (letters, digits, - and _)
    #[arg(long, value_name = "NAME")]
    researcher: Option<String>,
    /// Folder the session file is written to
    #[arg(long, value_name = "DIR", default_value = "sessions")]
    sessions: PathBuf,
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Flow files to check
    #[arg(required = true, value_name = "FLOW")]
    flows: Vec<PathBuf>,
    /// How to print findings
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    /// Treat warnings as errors for the exit code
    #[arg(long)]
    strict: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CheckFormat {
    /// `file:line:col: error: message`, the source line and a caret
    Text,
    /// One JSON document, for editors and CI
    Json,
}

#[derive(Debug, clap::Args)]
struct GraphArgs {
    /// The flow file to draw
    #[arg(value_name = "FLOW")]
    flow: PathBuf,
    /// Diagram language
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    format: GraphFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum GraphFormat {
    /// A Mermaid flowchart, for wikis and pull requests
    Mermaid,
    /// Graphviz DOT, for `dot -Tsvg`
    Dot,
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
        Command::Export(args) => export::run(&args, out, err),
        Command::Report(args) => report::run(&args, out, err),
        Command::Observe(args) => {
            let path = match (args.session, args.latest) {
                (Some(path), _) => Some(path),
                (None, Some(dir)) => crate::observe::latest(&dir),
                (None, None) => None,
            };
            let Some(path) = path else {
                let _ = writeln!(err, "mvx: no session found to observe");
                return EXIT_USAGE;
            };
            match crate::observe::run(path) {
                Ok(()) => Ok(EXIT_OK),
                Err(e) => {
                    let _ = writeln!(err, "mvx: {e}");
                    Ok(EXIT_USAGE)
                }
            }
        }
        Command::New(args) => new::run(&args, out, err),
        Command::Import(args) => import::run(&args, out, err),
        Command::Preview(args) => match crate::preview::run(&args.flow, args.step) {
            Ok(()) => Ok(EXIT_OK),
            Err(message) => {
                let _ = writeln!(err, "mvx: {}", crate::text::printable(&message));
                Ok(EXIT_USAGE)
            }
        },
        Command::Completions(args) => {
            clap_complete::generate(args.shell, &mut Cli::command(), "mvx", out);
            Ok(EXIT_OK)
        }
        Command::Schema => out
            .write_all(crate::flow::schema::generate().as_bytes())
            .map(|()| EXIT_OK),
        Command::Man => clap_mangen::Man::new(Cli::command())
            .render(out)
            .map(|()| EXIT_OK),
        Command::Replay(args) => match crate::replay::run(&args.session, args.speed) {
            Ok(()) => Ok(EXIT_OK),
            Err(message) => {
                let _ = writeln!(err, "mvx: {}", crate::text::printable(&message));
                Ok(EXIT_USAGE)
            }
        },
        Command::Review(args) => match crate::review::run(&args.paths) {
            Ok(()) => Ok(EXIT_OK),
            Err(e) => {
                let _ = writeln!(err, "mvx: {e}");
                Ok(EXIT_USAGE)
            }
        },
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
