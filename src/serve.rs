//! `mvx serve`: participants play a flow in their browser, from an invitation link,
//! while their sessions are recorded here exactly as `mvx play` records them.
//!
//! An HTTP server (axum on tokio) serves the page and one WebSocket per participant;
//! each participant's session runs the one screen loop as a task on the server's two
//! threads, over a transport that renders frames for xterm.js and takes keys and "shown"
//! stamped in the browser. See docs/serve.md.
#![allow(clippy::disallowed_methods)] // the shell: signals and the researcher's terminal

pub mod assets;
pub mod board;
pub mod clock;
pub mod dashboard;
mod ended;
mod http;
pub mod invite;
pub mod keys;
mod listen;
pub mod output;
pub mod protocol;
mod record;
pub mod room;
pub mod session;
pub mod socket;
pub mod ssh;
pub mod study;
pub mod tls;
pub mod transport;
pub mod watch;

use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use dashboard::alerts::Thresholds;
use output::{Format, Watch};
use room::{Content, Door, Room, Served};

use crate::study::participant::Plan;

/// How long a participant whose connection dropped may come back to their session.
pub const RESUME_WITHIN: Duration = Duration::from_secs(30 * 60);

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub flow: PathBuf,
    pub listen: SocketAddr,
    pub sessions: PathBuf,
    /// Participant ids to invite, each `ID` or `ID:VARIANT` (a study's variant chosen
    /// by hand); more are generated up to `invites`.
    pub participants: Vec<String>,
    /// A study may take participants beyond its target.
    pub over_target: bool,
    /// `--tls-cert` and `--tls-key`: serve HTTPS directly.
    pub tls: Option<(PathBuf, PathBuf)>,
    pub invites: usize,
    pub researcher: Option<String>,
    /// `--trusted-proxy`: the reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Overrides [`RESUME_WITHIN`] (tests).
    pub resume_within: Duration,
    /// `mvx ssh`: participants come in over SSH, not from a browser.
    pub ssh: Option<ssh::SshOptions>,
    /// `--format`: text lines, or JSON lines for scripts.
    pub format: Format,
    /// `--dashboard`: the full-screen dashboard instead of lines.
    pub dashboard: bool,
    /// `--stuck-factor`, `--stuck-after`.
    pub thresholds: Thresholds,
    /// `--public`: where participants reach the server, as links say it.
    pub public: Option<String>,
}

/// Why the server could not start.
#[derive(Debug)]
pub enum NotServed {
    Usage(String),
    /// The flow has errors: already rendered, ready to print.
    Flow(String),
}

/// What reaches the researcher's terminal, from the server, the sessions and its keyboard.
enum Notice {
    Line(String),
    Invite(Option<String>, Option<String>),
    /// The observers' link of a participant.
    Observe(String),
    List,
    Stop(&'static str),
}

/// Serves the flow until SIGINT or SIGTERM (or `quit` typed here); then every live
/// session is recorded as aborted and saved before the server stops.
pub fn run(options: &ServeOptions, out: &mut dyn Write) -> Result<(), NotServed> {
    let usage = NotServed::Usage;
    let researcher = options
        .researcher
        .as_deref()
        .map(|r| crate::session::ids::valid(r, "--researcher"))
        .transpose()
        .map_err(usage)?;
    if options.dashboard && !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Err(usage(
            "--dashboard needs a terminal: run it in one, or use --format json for a script".into(),
        ));
    }
    let content = content(options)?;
    let tls = (options.tls.as_ref())
        .map(|(cert, key)| tls::config(cert, key))
        .transpose()
        .map_err(usage)?;
    // Sessions and connections are tasks on two threads; a session waiting for the
    // disk (each event is synced) hands its thread on and borrows one of the blocking
    // pool's for the moment, so threads follow the writes under way, not the sessions;
    // one left idle for a second goes (tokio's default keeps it ten).
    listen::small_pages();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(64)
        .thread_keep_alive(Duration::from_secs(1))
        .enable_all()
        .build()
        .map_err(|e| usage(format!("cannot start the server: {e}")))?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(options.listen))
        .map_err(|e| usage(format!("cannot listen on {}: {e}", options.listen)))?;
    let address = listener
        .local_addr()
        .map_err(|e| usage(format!("cannot listen: {e}")))?;
    let served = Served {
        content,
        sessions: options.sessions.clone(),
        researcher,
        door: door(options, address, tls.is_some()).map_err(usage)?,
        resume_within: options.resume_within,
    };
    let (lines, from_room) = channel();
    let room = Room::new(served, lines);
    let invited = invite_all(&room, options).map_err(usage)?;
    let trusted = options.trusted_proxies.clone();
    match &options.ssh {
        Some(ssh) => ssh::serve(&runtime, listener, Arc::clone(&room), ssh).map_err(usage)?,
        None => spawn_server(&runtime, listener, Arc::clone(&room), trusted, tls).map_err(usage)?,
    }
    let (notices, incoming) = channel();
    watch_signals(&runtime, notices.clone());
    let mut failed = None;
    let signal = if options.dashboard {
        board::run(&room, options.thresholds, from_room).unwrap_or_else(|e| {
            failed = Some(format!("the dashboard stopped: {e}"));
            "error"
        })
    } else {
        forward(from_room, notices.clone(), Notice::Line);
        read_commands(notices);
        let mut watch = Watch::new(options.format, options.thresholds);
        announce(out, options, &room.served.door.shown(), address, &invited);
        answer_researcher(&room, &incoming, out, &mut watch)
    };
    let format = if options.dashboard {
        Format::Text
    } else {
        options.format
    };
    stop(&room, format, signal, out);
    runtime.shutdown_timeout(Duration::from_secs(1));
    failed.map_or(Ok(()), |why| Err(usage(why)))
}

/// Every live session saved as aborted by `signal`, then how each part ended.
fn stop(room: &Room, format: Format, signal: &'static str, out: &mut dyn Write) {
    let stopping = match format {
        Format::Text => format!("Stopping ({signal}): saving every live session as aborted..."),
        Format::Json => serde_json::json!({"t": "stopping", "signal": signal}).to_string(),
    };
    say(out, &stopping);
    room.stop_all(signal, Duration::from_secs(10));
    match format.state(&room.snapshot(std::time::Instant::now())) {
        Some(state) => say(out, &state),
        None => room.lines().iter().for_each(|line| say(out, line)),
    }
}

/// The flow, or the study, at `options.flow`, if it can be played: the one place
/// `mvx serve` decides which, and where a flow becomes a plan of one session.
fn content(options: &ServeOptions) -> Result<Content, NotServed> {
    let path = &options.flow;
    let opened = crate::study::open_any(path).map_err(|e| NotServed::Usage(e.to_string()))?;
    let opened = match opened {
        crate::study::Opened::Flow(opened) => {
            let (flow, sha256) = opened.playable().map_err(NotServed::Flow)?;
            let plan = Plan::flow(flow, &path.display().to_string(), &sha256);
            return Ok(Content::Flow(plan));
        }
        crate::study::Opened::Study(opened) => opened,
    };
    if let Some(refusal) = opened.refusal() {
        return Err(NotServed::Flow(refusal));
    }
    Ok(Content::Study(Box::new(study::ServedStudy {
        opened,
        path: path.clone(),
        over_target: options.over_target,
    })))
}

fn say(out: &mut dyn Write, line: &str) {
    // The researcher's terminal may be gone; the sessions go on regardless.
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// The `--participants` ids (`ID` or `ID:VARIANT`), then generated ones up to
/// `--invites`: participant, link.
fn invite_all(room: &Room, options: &ServeOptions) -> Result<Vec<(String, String)>, String> {
    let generated = options.invites.saturating_sub(options.participants.len());
    let given = options
        .participants
        .iter()
        .map(|p| match p.split_once(':') {
            Some((id, variant)) => (Some(id), Some(variant)),
            None => (Some(p.as_str()), None),
        });
    given
        .chain(std::iter::repeat_n((None, None), generated))
        .map(|(id, variant)| room.invite(id, variant))
        .collect()
}

fn scheme(tls: bool) -> &'static str {
    if tls { "https" } else { "http" }
}

/// Serves the routes on `listener`, over TLS when `tls` is given.
fn spawn_server(
    runtime: &tokio::runtime::Runtime,
    listener: tokio::net::TcpListener,
    room: Arc<Room>,
    trusted: Vec<std::net::IpAddr>,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> Result<(), String> {
    let app = http::router(room, trusted);
    let tls = tls.map(tokio_rustls::TlsAcceptor::from);
    runtime.spawn(listen::serve(listener, app, tls));
    Ok(())
}

/// Where participants come in, as links say it: `--public`, else the address listened on.
fn door(options: &ServeOptions, address: SocketAddr, tls: bool) -> Result<Door, String> {
    let public = options.public.as_deref().map(str::trim);
    match (&options.ssh, public) {
        (None, None) => Ok(Door::Web {
            base_url: format!("{}://{address}", scheme(tls)),
        }),
        (None, Some(url)) => {
            let url = url.trim_end_matches('/');
            let host = (url
                .strip_prefix("https://")
                .or_else(|| url.strip_prefix("http://")))
            .filter(|host| !host.is_empty() && !host.contains(char::is_whitespace));
            match host {
                Some(_) => Ok(Door::Web {
                    base_url: url.to_owned(),
                }),
                None => Err(format!(
                    "--public {}: give the address participants open, as \
                     https://research.example.org",
                    crate::text::printable(url)
                )),
            }
        }
        (Some(_), None) => Ok(Door::Ssh {
            host: address.ip().to_string(),
            port: address.port(),
        }),
        (Some(_), Some(public)) => {
            let (host, port) = match public.rsplit_once(':') {
                Some((host, port)) if !host.contains(':') || host.ends_with(']') => {
                    let port = port.parse().map_err(|_| {
                        format!(
                            "--public {}: the port is not a number",
                            crate::text::printable(public)
                        )
                    })?;
                    (host, port)
                }
                _ => (public, address.port()),
            };
            let valid = !host.is_empty()
                && (host.chars()).all(|c| c.is_ascii_alphanumeric() || "-._:[]".contains(c));
            match valid {
                true => Ok(Door::Ssh {
                    host: host.to_owned(),
                    port,
                }),
                false => Err(format!(
                    "--public {}: give the host name participants connect to, as \
                     research.example.org or research.example.org:2222",
                    crate::text::printable(public)
                )),
            }
        }
    }
}

fn announce(
    out: &mut dyn Write,
    options: &ServeOptions,
    base_url: &str,
    address: SocketAddr,
    invited: &[(String, String)],
) {
    if address.ip().is_unspecified() && options.public.is_none() {
        say(
            out,
            &options.format.said(&format!(
                "warning: the links name {}, which participants cannot reach: give --public with the name they use (see docs/serve.md)",
                address.ip()
            )),
        );
    }
    if !address.ip().is_loopback() {
        say(
            out,
            &options.format.said(&format!(
                "warning: listening on {address}, reachable from other machines; invitation links are the only key (see docs/serve.md)"
            )),
        );
    }
    let flow = options.flow.display();
    let format = options.format;
    if format == Format::Json {
        let serving =
            serde_json::json!({"t": "serving", "flow": flow.to_string(), "url": base_url});
        say(out, &serving.to_string());
    } else {
        say(out, &format!("Serving {flow} on {base_url}"));
    }
    let variant = |id: &str| {
        let given = options
            .participants
            .iter()
            .filter_map(|p| p.split_once(':'));
        given.clone().find(|(p, _)| *p == id).map(|(_, v)| v)
    };
    for (participant, link) in invited {
        say(
            out,
            &format.invited(participant, link, variant(participant)),
        );
    }
    say(
        out,
        &format.said(
            "Type `invite [ID [VARIANT]]` for another link, `observe ID` for a link to watch them, `list` for everyone, `quit` to stop.",
        ),
    );
}

/// Prints what happens and answers the researcher until the server is asked to stop;
/// alerts and (in JSON) the room's state are looked at after each notice and at least
/// once a second.
fn answer_researcher(
    room: &Room,
    incoming: &Receiver<Notice>,
    out: &mut dyn Write,
    watch: &mut Watch,
) -> &'static str {
    let format = watch.format;
    loop {
        match incoming.recv_timeout(Duration::from_secs(1)) {
            Ok(Notice::Line(line)) => say(out, &format.said(&line)),
            Ok(Notice::Invite(id, variant)) => match room.invite(id.as_deref(), variant.as_deref())
            {
                Ok((participant, link)) => {
                    say(
                        out,
                        &format.invited(&participant, &link, variant.as_deref()),
                    );
                }
                Err(e) => say(out, &format.said(&format!("cannot invite: {e}"))),
            },
            Ok(Notice::Observe(id)) => match room.observer_link(&id) {
                Ok((_, link)) => say(out, &format.observer(&id, &link)),
                Err(e) => say(out, &format.said(&format!("cannot observe: {e}"))),
            },
            Ok(Notice::List) => match format.state(&room.snapshot(std::time::Instant::now())) {
                Some(state) => say(out, &state),
                None => room.lines().iter().for_each(|l| say(out, l)),
            },
            Ok(Notice::Stop(signal)) => return signal,
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return "SIGTERM",
        }
        for line in watch.look(room, std::time::Instant::now()) {
            say(out, &line);
        }
    }
}

fn forward<T: Send + 'static>(
    from: Receiver<T>,
    to: std::sync::mpsc::Sender<Notice>,
    wrap: fn(T) -> Notice,
) {
    std::thread::spawn(move || {
        for item in from {
            if to.send(wrap(item)).is_err() {
                return;
            }
        }
    });
}

/// The handlers are in place when this returns, before any link is announced: a signal
/// that came before them would end the server without saving its sessions.
fn watch_signals(runtime: &tokio::runtime::Runtime, notices: std::sync::mpsc::Sender<Notice>) {
    use tokio::signal::unix::{SignalKind, signal};
    let _context = runtime.enter();
    let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    ) else {
        return;
    };
    runtime.spawn(async move {
        let name = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
            _ = hup.recv() => "SIGHUP",
        };
        let _ = notices.send(Notice::Stop(name));
    });
}

/// `invite [ID]`, `observe ID`, `list` and `quit`, one a line, from the researcher's terminal. Input
/// that ends (no terminal, a closed pipe) leaves the server running.
fn read_commands(notices: std::sync::mpsc::Sender<Notice>) {
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { return };
            let mut words = line.split_whitespace();
            let owned = |w: Option<&str>| w.map(str::to_owned);
            let notice = match (words.next(), words.next()) {
                (Some("invite"), id) => Notice::Invite(owned(id), owned(words.next())),
                (Some("observe"), Some(id)) => Notice::Observe(id.to_owned()),
                (Some("list"), _) => Notice::List,
                (Some("quit"), _) => Notice::Stop("researcher"),
                (None, _) => continue,
                (Some(other), _) => Notice::Line(format!(
                    "unknown command `{}`: try `invite`, `invite ID [VARIANT]`, `observe ID`, `list` or `quit`",
                    crate::text::printable(other)
                )),
            };
            if notices.send(notice).is_err() {
                return;
            }
        }
    });
}
