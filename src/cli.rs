//! Command-line interface: arguments in, an exit code out. `main` only forwards to `run`.

mod check;
mod export;
mod graph;
mod import;
mod new;
mod play;
mod progress;
mod report;
mod serve;
mod simulate;
mod study;

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
    /// Walk every path of a flow before a participant does: coverage, traps, ends
    #[command(after_help = "Examples:\n  mvx simulate flows/*.yaml --exhaustive\n  \
        mvx simulate flows/espresso-three-menus.yaml --walks 500 --seed 7 --format json\n  \
        mvx simulate flows/espresso-one-menu.yaml --sessions sim-sessions --participants 12\n\n\
        Exit codes: 0 nothing wrong, 1 a flow has errors or a walk gets trapped, 2 could not run.\n\
        What it reports and the model of hesitation times: docs/simulate.md.")]
    Simulate(SimulateArgs),
    /// Serve a flow to remote participants in their browser, from one-time invitation links
    #[command(
        after_help = "Examples:\n  mvx serve flows/espresso-three-menus.yaml --invites 3\n  \
        mvx serve flows/espresso-three-menus.yaml --participants P01,P02 --listen 0.0.0.0:8080\n\n\
        Prints one link per participant; type `invite [ID]` for more, `list`, or `quit`.\n\
        Sessions are written to --sessions as with mvx play; see docs/serve.md."
    )]
    Serve(ServeArgs),
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
    /// A study's progress: sessions counted per variant, declined, aborted; who comes next
    #[command(subcommand)]
    Study(StudyCommand),
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
        Ink's variables, conditions, assignments and weaves carry over; what cannot (functions,\n\
        Twine macros) is named on stderr with its line and kept as a comment in the flow."
    )]
    Import(ImportArgs),
    /// Write a starter flow to flows/NAME.yaml (never overwriting)
    #[command(after_help = "Examples:\n  mvx new checkout\n  mvx new checkout --template variants")]
    New(NewArgs),
    /// Print the JSON Schema of the flow format (or the study format), for editors
    #[command(
        after_help = "Examples:\n  mvx schema > schema/flow.schema.json\n  mvx schema study > schema/study.schema.json\n\n\
        Put `# yaml-language-server: $schema=../schema/flow.schema.json` at the top of a flow\n\
        (the path relative to the flow) for completion and checks in editors."
    )]
    Schema(SchemaArgs),
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

#[derive(Debug, Subcommand)]
enum StudyCommand {
    /// Per variant: sessions counted against the target, declined, technical aborts; the next participant's variant and order
    #[command(after_help = "Examples:\n  mvx study status studies/espresso.yaml\n  \
        mvx study status studies/espresso.yaml --sessions sessions/ --format json\n\n\
        Who is counted: docs/studies.md.")]
    Status(StudyStatusArgs),
}

#[derive(Debug, clap::Args)]
struct StudyStatusArgs {
    /// The study file
    #[arg(value_name = "STUDY")]
    study: std::path::PathBuf,
    /// Folder the study's sessions are in
    #[arg(long, value_name = "DIR", default_value = "sessions")]
    sessions: PathBuf,
    #[arg(long, value_enum, default_value_t = StatusFormat::Text)]
    format: StatusFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum StatusFormat {
    /// A table for people
    Text,
    /// Every figure, machine-readable
    Json,
}

#[derive(Debug, clap::Args)]
struct SchemaArgs {
    /// Which format
    #[arg(value_enum, default_value_t = SchemaKind::Flow)]
    kind: SchemaKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SchemaKind {
    /// Flow files
    Flow,
    /// Study files
    Study,
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
    /// Compare every other variant with this one (default: the first named variant by name)
    #[arg(long, value_name = "VARIANT")]
    baseline: Option<String>,
    /// Count every session of a participant, not only their first
    #[arg(long)]
    all_attempts: bool,
    /// Count technical endings (researcher's abort, signal, cut-off file) as failures
    #[arg(long)]
    count_technical: bool,
    /// Count sessions made up by `mvx simulate --sessions` (left out by default)
    #[arg(long)]
    include_simulated: bool,
}

#[derive(Debug, clap::Args)]
struct SimulateArgs {
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
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SimulateFormat {
    /// Readable text
    Text,
    /// One JSON document
    Json,
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
    /// The flow file to play, or a study file (its participants' variants, orders, consent)
    #[arg(value_name = "FLOW", required_unless_present = "resume")]
    flow: Option<PathBuf>,
    /// Participant id (letters, digits, - and _); default: P and a random suffix
    #[arg(long, value_name = "ID")]
    participant: Option<String>,
    /// Researcher running the session (letters, digits, - and _)
    #[arg(long, value_name = "NAME")]
    researcher: Option<String>,
    /// Folder the session file is written to
    #[arg(long, value_name = "DIR", default_value = "sessions")]
    sessions: PathBuf,
    #[command(flatten)]
    study: StudyPlayArgs,
}

/// `mvx play`'s options for studies and resumes (see docs/studies.md).
#[derive(Debug, clap::Args)]
struct StudyPlayArgs {
    /// A study's variant for this participant (required when the study assigns by hand)
    #[arg(long, value_name = "NAME")]
    variant: Option<String>,
    /// Run a participant although every variant has reached the study's target
    #[arg(long)]
    over_target: bool,
    /// Seed of the study's draws (ties, random orders); default: drawn and recorded
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Carry on a session that was cut off or aborted, in the same file
    #[arg(long, value_name = "SESSION", conflicts_with_all = ["flow", "variant", "over_target", "seed"])]
    resume: Option<PathBuf>,
    /// With --resume: go on although the flow file changed since (recorded)
    #[arg(long, requires = "resume")]
    force: bool,
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// The flow file to serve, or a study file: variants and orders are assigned as
    /// `mvx play STUDY.yaml` assigns them
    #[arg(value_name = "FLOW|STUDY")]
    flow: PathBuf,
    /// Address and port to listen on; anything but loopback is reachable from elsewhere
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    listen: std::net::SocketAddr,
    /// Folder session files are written to
    #[arg(long, value_name = "DIR", default_value = "sessions")]
    sessions: PathBuf,
    /// Invitation links to print (at least one per --participants id)
    #[arg(long, value_name = "N", default_value_t = 1)]
    invites: usize,
    /// Participant ids to invite, comma-separated; others get a generated id. In a study
    /// that assigns by hand, give each its variant: P01:one-menu,P02:three-menus
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    participants: Vec<String>,
    /// Serve a study beyond its target number of participants
    #[arg(long)]
    over_target: bool,
    /// Serve HTTPS directly with this certificate chain (PEM); links print https://
    #[arg(long, value_name = "PATH", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert
    #[arg(long, value_name = "PATH", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Researcher running the sessions (letters, digits, - and _)
    #[arg(long, value_name = "NAME")]
    researcher: Option<String>,
    /// Minutes a participant whose connection dropped may come back to their session
    #[arg(long, value_name = "MINUTES", default_value_t = 30, hide = true)]
    resume_minutes: u64,
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
        Command::Serve(args) => serve::run(args, out, err),
        Command::Export(args) => export::run(&args, out, err),
        Command::Report(args) => report::run(&args, out, err),
        Command::Simulate(args) => simulate::run(&args, out, err),
        Command::Study(command) => study::run(&command, out, err),
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
        Command::Schema(args) => {
            let schema = match args.kind {
                SchemaKind::Flow => crate::flow::schema::FLOW.generate(),
                SchemaKind::Study => crate::flow::schema::STUDY.generate(),
            };
            out.write_all(schema.as_bytes()).map(|()| EXIT_OK)
        }
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
        Command::Review(args) => match review(&args.paths) {
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

/// `mvx review`, with a count of sessions read on stderr while they load, cleared
/// before the screen opens.
fn review(paths: &[PathBuf]) -> Result<(), String> {
    let bar = progress::counting("loading sessions");
    let loaded = crate::review::data::load_telling(paths, &mut || bar.inc(1));
    bar.finish_and_clear();
    crate::review::run(loaded?)
}
