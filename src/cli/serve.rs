//! `mvx serve`: serves until stopped, then says how each session ended.

use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::ValueEnum;

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::serve::dashboard::alerts::Thresholds;
use crate::serve::output::Format;
use crate::serve::{self, NotServed, ServeOptions};

/// What `mvx serve` and `mvx ssh` share: what is served, to whom, and where sessions go.
#[derive(Debug, clap::Args)]
pub(super) struct Served {
    /// The flow file to serve, or a study file: variants and orders are assigned as
    /// `mvx play STUDY.yaml` assigns them
    #[arg(value_name = "FLOW|STUDY")]
    flow: PathBuf,
    /// Folder session files are written to
    #[arg(long, value_name = "DIR", default_value = "sessions")]
    sessions: PathBuf,
    /// Invitations to print (at least one per --participants id)
    #[arg(long, value_name = "N", default_value_t = 1)]
    invites: usize,
    /// Participant ids to invite, comma-separated; others get a generated id. In a study
    /// that assigns by hand, give each its variant: P01:one-menu,P02:three-menus
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    participants: Vec<String>,
    /// Serve a study beyond its target number of participants
    #[arg(long)]
    over_target: bool,
    /// Researcher running the sessions (letters, digits, - and _)
    #[arg(long, value_name = "NAME")]
    researcher: Option<String>,
    /// Minutes a participant whose connection dropped may come back to their session
    #[arg(long, value_name = "MINUTES", default_value_t = 30, hide = true)]
    resume_minutes: u64,
    /// Where participants reach this server, as the links say it: https://NAME for mvx
    /// serve (behind a proxy, say), NAME or NAME:PORT for mvx ssh
    #[arg(long, value_name = "ADDRESS")]
    public: Option<String>,
    /// What the researcher's stdout gets: lines in words, or JSON lines for scripts
    #[arg(long, value_enum, default_value_t = ServeFormat::Text)]
    format: ServeFormat,
    /// A full-screen dashboard of every participant, with alerts, instead of lines
    #[arg(long, conflicts_with = "format")]
    dashboard: bool,
    /// A participant is stuck after this many times the step's median time (once three
    /// have left the step)
    #[arg(long, value_name = "N", default_value_t = 3.0, value_parser = positive)]
    stuck_factor: f64,
    /// ...or, before three have left it, after this many seconds on the step
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    stuck_after: u64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ServeFormat {
    /// A line per change, in words; `invite`, `list`, `quit` typed on stdin
    Text,
    /// JSON lines: invitations, the room's state when it changed, alerts
    Json,
}

fn positive(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!("`{text}` is not a number above 0")),
    }
}

#[derive(Debug, clap::Args)]
pub(super) struct ServeArgs {
    #[command(flatten)]
    served: Served,
    /// Address and port to listen on; anything but loopback is reachable from elsewhere
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    listen: std::net::SocketAddr,
    /// Serve HTTPS directly with this certificate chain (PEM); links print https://
    #[arg(long, value_name = "PATH", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert
    #[arg(long, value_name = "PATH", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// A reverse proxy in front of this server (comma-separated for several): requests
    /// from it are counted by the client address it puts last in X-Forwarded-For
    #[arg(long, value_name = "ADDR", value_delimiter = ',')]
    trusted_proxy: Vec<std::net::IpAddr>,
}

impl Served {
    /// The options of serving these, on `listen`.
    pub(super) fn options(self, listen: std::net::SocketAddr) -> ServeOptions {
        ServeOptions {
            flow: self.flow,
            listen,
            sessions: self.sessions,
            invites: self.invites.max(self.participants.len()),
            participants: self.participants,
            over_target: self.over_target,
            tls: None,
            researcher: self.researcher,
            trusted_proxies: Vec::new(),
            resume_within: Duration::from_secs(self.resume_minutes.saturating_mul(60)),
            ssh: None,
            format: match self.format {
                ServeFormat::Text => Format::Text,
                ServeFormat::Json => Format::Json,
            },
            dashboard: self.dashboard,
            public: self.public,
            thresholds: Thresholds {
                stuck_factor: self.stuck_factor,
                stuck_after: Duration::from_secs(self.stuck_after),
            },
        }
    }
}

pub(super) fn run(args: ServeArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let options = ServeOptions {
        tls: args.tls_cert.zip(args.tls_key),
        trusted_proxies: args.trusted_proxy,
        ..args.served.options(args.listen)
    };
    serve(&options, out, err)
}

/// Serves until stopped; a flow with errors is shown as `mvx check` shows it.
pub(super) fn serve(
    options: &ServeOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    match serve::run(options, out) {
        Ok(()) => Ok(EXIT_OK),
        Err(NotServed::Usage(message)) => {
            writeln!(err, "mvx: {message}")?;
            Ok(EXIT_USAGE)
        }
        Err(NotServed::Flow(rendered)) => {
            writeln!(err, "{rendered}")?;
            Ok(EXIT_FINDINGS)
        }
    }
}
