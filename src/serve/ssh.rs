//! `mvx ssh`: participants play in their own terminal, over SSH (russh). Each connects
//! with `ssh -p PORT CODE@host`, its invitation code as the user name (or typed when
//! asked, by keyboard-interactive), and its terminal becomes a page of the served
//! study: the same room, claims, resume, session runner, key tables and screens as a
//! browser's, over a [`Link`] that writes frames to the terminal and reads its keys.
//!
//! Keys and frames are stamped here, at the server: a hesitation recorded over SSH holds
//! about one round trip more than the participant took, and the header says how long a
//! round trip was (docs/serve.md, "Over SSH").
#![allow(clippy::disallowed_methods)] // the shell: keys are stamped as they arrive

pub mod input;

use std::collections::VecDeque;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use russh::keys::ssh_key::{LineEnding, PrivateKey, PublicKey, private::Ed25519Keypair};
use russh::server::{
    Auth, ChannelOpenHandle, Config, Handle, Msg, PublicKeyOffer, Response, Session,
    VerifiedPublicKey,
};
use russh::{Channel, ChannelId, MethodKind, MethodSet, Pty};
use tokio::sync::mpsc::{self as queue, Receiver, Sender};

use super::invite::Code;
use super::listen::{self, Marker};
use super::protocol::{FromPage, Pointer, ToPage};
use super::room::Room;
use super::session::Client;
use super::socket::{self, Link};
use super::watch;
use input::{Decoder, Typed};

/// The limits of a connection.
#[derive(Debug, Clone)]
pub struct SshOptions {
    /// Observers' public keys (`--authorized-keys`).
    pub authorized_keys: Option<PathBuf>,
    /// A connection that sends nothing for this long is closed.
    pub idle: Duration,
    /// A connection is closed after this long, whatever it does.
    pub longest: Duration,
}

/// Where the server's host key is kept, in the sessions folder, so participants' `ssh`
/// knows the server again next time.
pub const HOST_KEY: &str = ".mvx-ssh/ssh_host_ed25519_key";

/// Round trips kept per connection: the header sums up the latest.
const ROUND_TRIPS_KEPT: usize = 32;
/// Round trips measured when the session starts, one after another.
const OPENING_TRIPS: usize = 4;
/// How often a round trip is measured while keys arrive.
const MEASURE_EVERY: Duration = Duration::from_secs(2);
/// Keys taken at once, and then a second: a paste of thousands is not a participant's
/// typing, and the rest of it is dropped (never the participant).
const KEYS_AT_ONCE: f64 = 256.0;
const KEYS_A_SECOND: f64 = 64.0;
/// What waits for the session from the terminal: keys are dropped beyond it.
const LINK_QUEUE: usize = 256;
/// How long a connection has to log in.
const LOGIN_WITHIN: Duration = Duration::from_secs(60);
/// A keepalive each this long; three unanswered and the client is gone.
const KEEPALIVE_EVERY: Duration = Duration::from_secs(5);
/// How long a connection stays once its session is over, for its last words to leave.
const LAST_WORDS_WITHIN: Duration = Duration::from_secs(2);
/// A client that takes nothing written to it for this long is gone (it stopped reading).
const WRITE_WITHIN: Duration = Duration::from_secs(15);

/// The terminal set up for a session: the alternate screen (the participant's own
/// screen comes back at the end), no cursor, clicks reported (SGR).
const SET_UP: &[u8] = b"\x1b[?1049h\x1b[?25l\x1b[?1000h\x1b[?1006h";
/// Every setting of [`SET_UP`] undone.
const RESTORE: &[u8] = b"\x1b[?1006l\x1b[?1000l\x1b[?25h\x1b[?1049l";

/// The server's ed25519 host key, created in `sessions` on the first run and read from
/// there after.
pub fn host_key(sessions: &Path) -> Result<PrivateKey, String> {
    let path = sessions.join(HOST_KEY);
    if path.exists() {
        return PrivateKey::read_openssh_file(&path)
            .map_err(|e| format!("cannot read the host key {}: {e}", path.display()));
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| format!("no random source for a host key: {e}"))?;
    let key = PrivateKey::from(Ed25519Keypair::from_seed(&seed));
    let text = key
        .to_openssh(LineEnding::LF)
        .map_err(|e| format!("cannot write a host key: {e}"))?;
    let cannot = |e: std::io::Error| format!("cannot keep the host key {}: {e}", path.display());
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).map_err(cannot)?;
    }
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(cannot)?;
    file.write_all(text.as_bytes()).map_err(cannot)?;
    file.sync_all().map_err(cannot)?;
    Ok(key)
}

/// The public keys in an OpenSSH `authorized_keys` file.
pub fn authorized(path: &Path) -> Result<Vec<PublicKey>, String> {
    let entries = russh::keys::ssh_key::AuthorizedKeys::read_file(path).map_err(|e| {
        format!(
            "cannot read {} as OpenSSH authorized_keys (public keys, one a line, as in \
             ~/.ssh/id_ed25519.pub; never a private key): {e}",
            path.display()
        )
    })?;
    Ok(entries
        .into_iter()
        .map(|e| e.public_key().clone())
        .collect())
}

/// Serves participants on `listener` until the runtime stops.
pub fn serve(
    runtime: &tokio::runtime::Runtime,
    listener: tokio::net::TcpListener,
    room: Arc<Room>,
    options: &SshOptions,
) -> Result<(), String> {
    let key = host_key(&room.served.sessions)?;
    let observers = match &options.authorized_keys {
        Some(path) => authorized(path)?,
        None => Vec::new(),
    };
    let config = Config {
        keys: vec![key],
        // The session's link closes an idle participant itself, with its terminal put
        // back and a word on how to come back; this closes any other quiet connection.
        inactivity_timeout: Some(options.idle.saturating_mul(2)),
        auth_rejection_time: Duration::from_secs(1),
        // OpenSSH asks with `none` first, to learn the methods: no need to wait then.
        auth_rejection_time_initial: Some(Duration::ZERO),
        max_auth_attempts: 6,
        nodelay: true,
        // A client that stops answering (its network gone without a word) is gone after
        // about 15 s, as a page that stops answering pings is.
        keepalive_interval: Some(KEEPALIVE_EVERY),
        keepalive_max: 3,
        ..Config::default()
    };
    let config = Arc::new(config);
    let doors = Arc::new(Doors {
        room,
        observers: Arc::new(observers),
        idle: options.idle,
        longest: options.longest,
    });
    // Connections through the same gate as the browser's: a cap well below the files
    // the process may open, a minute to log in, the longest waiting closed for room.
    // Two files each: the socket, and its copy that shuts it (`Shut`).
    let limits = listen::Limits {
        within: LOGIN_WITHIN,
        files_each: 2,
    };
    runtime.spawn(listen::gated(listener, limits, move |stream, _, ticket| {
        let (config, doors) = (Arc::clone(&config), Arc::clone(&doors));
        async move {
            // russh runs the connection in a task of its own: when the gate closes
            // this one (a login too slow, room needed, the session over), the socket
            // is shut under it, which ends that task too.
            let _shut = stream.as_fd().try_clone_to_owned().map(Shut);
            let connection = doors.connection(ticket.marker());
            if let Ok(running) = russh::server::run_stream(config, stream, connection).await {
                let _ = running.await;
            }
            drop(ticket);
        }
    }));
    Ok(())
}

/// A connection's socket, shut both ways when this goes: the connection ends
/// whichever task holds it.
struct Shut(std::os::fd::OwnedFd);

impl Drop for Shut {
    fn drop(&mut self) {
        let _ = rustix::net::shutdown(&self.0, rustix::net::Shutdown::Both);
    }
}

/// What every connection shares.
struct Doors {
    room: Arc<Room>,
    observers: Arc<Vec<PublicKey>>,
    idle: Duration,
    longest: Duration,
}

impl Doors {
    fn connection(&self, marker: Marker) -> Connection {
        Connection {
            room: Arc::clone(&self.room),
            observers: Arc::clone(&self.observers),
            idle: self.idle,
            longest: self.longest,
            marker,
            keys: KEYS_AT_ONCE,
            keyed: Instant::now(),
            epoch: Instant::now(),
            seat: None,
            channel: None,
            pty: None,
            to_link: None,
            decoder: Decoder::default(),
            round_trips: Arc::default(),
            measured: None,
        }
    }
}

/// The terminal a client asked for.
struct Terminal {
    term: String,
    cols: u16,
    rows: u16,
}

/// Who a connection is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Seat {
    /// The participant of this seat, by their invitation code.
    Plays(usize),
    /// An observer of this seat's participant: by the observers' code, or by a
    /// researcher's key (`--authorized-keys`) and the participant's id as user name.
    Watches(usize),
}

/// One SSH connection: who it is, its terminal, and where its keys go.
struct Connection {
    room: Arc<Room>,
    /// Researchers' keys: they may watch any participant, named as the user.
    observers: Arc<Vec<PublicKey>>,
    idle: Duration,
    longest: Duration,
    /// Its place at the gate: busy once logged in.
    marker: Marker,
    /// Keys it may send now (refilled at [`KEYS_A_SECOND`]), and when last counted.
    keys: f64,
    keyed: Instant,
    /// The link's clock: what it says are milliseconds from here.
    epoch: Instant,
    /// The invitation the connection's code opened, or the participant it watches.
    seat: Option<Seat>,
    channel: Option<ChannelId>,
    pty: Option<Terminal>,
    /// The link's input, once the session's page is up.
    to_link: Option<Sender<(FromPage, Instant)>>,
    decoder: Decoder,
    round_trips: Arc<Mutex<Vec<f64>>>,
    measured: Option<Instant>,
}

fn ms_since(epoch: Instant, at: Instant) -> f64 {
    at.saturating_duration_since(epoch).as_secs_f64() * 1000.0
}

impl Connection {
    /// The seat whose code, a participant's or their observers', `text` is.
    fn seat_of(&self, text: &str) -> Option<Seat> {
        // A code read out or copied may come in capitals.
        let code = Code::parse(&text.trim().to_ascii_lowercase())?;
        (self.room.find(&code).map(Seat::Plays))
            .or_else(|| self.room.find_watched(&code).map(Seat::Watches))
    }

    /// How else a connection may come in: a code asked for, and a researcher's key
    /// when there are any.
    fn methods(&self) -> MethodSet {
        match self.observers.is_empty() {
            true => MethodSet::from(&[MethodKind::KeyboardInteractive][..]),
            false => MethodSet::from(&[MethodKind::PublicKey, MethodKind::KeyboardInteractive][..]),
        }
    }

    /// Lets the connection in as `seat`; it still waits at the gate (and is closed
    /// when its minute to log in is up) until its session starts.
    fn let_in(&mut self, seat: Seat) -> Auth {
        self.seat = Some(seat);
        Auth::Accept
    }

    fn admit(&mut self, user: &str) -> Auth {
        match self.seat_of(user) {
            Some(seat) => self.let_in(seat),
            None => Auth::Reject {
                proceed_with_methods: Some(self.methods()),
                partial_success: false,
            },
        }
    }

    /// The seat a researcher's `key` may watch as `user`: a participant's id.
    fn watched_with(&self, user: &str, key: &PublicKey) -> Option<usize> {
        let known = (self.observers.iter()).any(|k| k.key_data() == key.key_data());
        known.then(|| self.room.find_participant(user)).flatten()
    }

    /// Measures a round trip to the client's SSH (a keepalive it must answer).
    fn measure(&mut self, session: &mut Session) {
        let now = Instant::now();
        if self.measured.is_some_and(|m| now - m < MEASURE_EVERY) {
            return;
        }
        self.measured = Some(now);
        Self::ping(session, Arc::clone(&self.round_trips));
    }

    /// One round trip to the client, kept with the others when it is answered.
    fn ping(session: &mut Session, trips: Arc<Mutex<Vec<f64>>>) {
        let now = Instant::now();
        let (answered, answer) = tokio::sync::oneshot::channel();
        if session.send_ping(answered).is_err() {
            return;
        }
        tokio::spawn(async move {
            if tokio::time::timeout(Duration::from_secs(30), answer)
                .await
                .is_ok_and(|a| a.is_ok())
            {
                let mut trips = trips.lock().unwrap_or_else(|e| e.into_inner());
                if trips.len() == ROUND_TRIPS_KEPT {
                    trips.remove(0);
                }
                trips.push(now.elapsed().as_secs_f64() * 1000.0);
            }
        });
    }

    /// What the terminal said, to the link; dropped when the link has more waiting
    /// than a participant could have typed (it is not reading).
    fn to_link(&self, message: FromPage, at: Instant) {
        if let Some(link) = &self.to_link {
            let _ = link.try_send((message.bounded(), at));
        }
    }

    /// Whether one more key may go, by the allowance refilled since the last.
    fn may_key(&mut self, now: Instant) -> bool {
        let refill = now.saturating_duration_since(self.keyed).as_secs_f64() * KEYS_A_SECOND;
        (self.keys, self.keyed) = ((self.keys + refill).min(KEYS_AT_ONCE), now);
        let may = self.keys >= 1.0;
        if may {
            self.keys -= 1.0;
        }
        may
    }

    /// Says `text` on `channel` and closes it: no session for this connection. The
    /// request itself succeeds, or OpenSSH's client would leave before the words arrive.
    fn refuse(session: &mut Session, channel: ChannelId, text: &str) -> Result<(), russh::Error> {
        session.channel_success(channel)?;
        session.extended_data(channel, 1, format!("mvx: {text}\r\n").into_bytes())?;
        session.exit_status_request(channel, 1)?;
        session.eof(channel)?;
        session.close(channel)
    }
}

/// A size as the page would say it: a terminal that gave none is taken as 80x24.
fn size(cols: u32, rows: u32) -> (u16, u16) {
    let fit = |n: u32, default: u16| match u16::try_from(n) {
        Ok(0) => default,
        Ok(n) => n,
        Err(_) => u16::MAX,
    };
    (fit(cols, 80), fit(rows, 24))
}

impl russh::server::Handler for Connection {
    type Error = russh::Error;

    async fn auth_none(&mut self, user: &str) -> Result<Auth, Self::Error> {
        Ok(self.admit(user))
    }

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        Ok(match self.watched_with(user, offer.public_key) {
            Some(_) => Auth::Accept,
            None => Auth::Reject {
                proceed_with_methods: Some(self.methods()),
                partial_success: false,
            },
        })
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        Ok(match self.watched_with(user, key.public_key) {
            Some(index) => self.let_in(Seat::Watches(index)),
            None => Auth::Reject {
                proceed_with_methods: Some(self.methods()),
                partial_success: false,
            },
        })
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        user: &str,
        _submethods: &str,
        response: Option<Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        if let Auth::Accept = self.admit(user) {
            return Ok(Auth::Accept);
        }
        let Some(mut response) = response else {
            return Ok(Auth::Partial {
                name: "mvx".into(),
                instructions: "Type the invitation code the researcher gave you.".into(),
                // Not echoed: a code is a key.
                prompts: vec![("Invitation code: ".into(), false)].into(),
            });
        };
        let typed = response.next().unwrap_or_default();
        let typed = String::from_utf8_lossy(&typed).into_owned();
        Ok(match self.seat_of(&typed) {
            Some(seat) => self.let_in(seat),
            None => Auth::reject(),
        })
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        // One session a connection: a second channel is refused (the handle's drop).
        if self.channel.is_none() {
            self.channel = Some(channel.id());
            reply.accept().await;
        }
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        term: &str,
        cols: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let (cols, rows) = size(cols, rows);
        let term = crate::text::printable(&term.chars().take(64).collect::<String>());
        self.pty = Some(Terminal { term, cols, rows });
        self.measure(session);
        session.channel_success(channel)
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let (Some(seat), Some(pty)) = (self.seat, self.pty.take()) else {
            return Self::refuse(
                session,
                channel,
                "a terminal is needed to take part: connect with `ssh -t`.",
            );
        };
        if self.to_link.is_some() || Some(channel) != self.channel {
            return session.channel_failure(channel);
        }
        session.channel_success(channel)?;
        self.marker.busy();
        // A few round trips for the session's header (a median, not one sample).
        for _ in 0..OPENING_TRIPS {
            Self::ping(session, Arc::clone(&self.round_trips));
        }
        self.measured = Some(Instant::now());
        let (to_link, from_terminal) = queue::channel(LINK_QUEUE);
        let _ = to_link.try_send((
            FromPage::Size {
                cols: pty.cols,
                rows: pty.rows,
            }
            .bounded(),
            Instant::now(),
        ));
        self.to_link = Some(to_link);
        let version = String::from_utf8_lossy(session.remote_sshid()).into_owned();
        let client = Client::Ssh {
            version: crate::text::printable(&version.chars().take(200).collect::<String>()),
            term: pty.term,
            round_trips: Arc::clone(&self.round_trips),
        };
        let link = SshLink {
            handle: session.handle(),
            channel,
            from_terminal,
            epoch: self.epoch,
            answers: VecDeque::new(),
            round_trips: Arc::clone(&self.round_trips),
            deadline: tokio::time::Instant::now() + self.longest,
            // An observer watches without a key: only the time limit closes theirs.
            idle: match seat {
                Seat::Plays(_) => self.idle,
                Seat::Watches(_) => self.longest,
            },
            heard: tokio::time::Instant::now(),
            marker: self.marker.clone(),
            closing: Closing::Left,
            framed: false,
            resume_within: self.room.served.resume_within,
            observer: matches!(seat, Seat::Watches(_)),
        };
        let room = Arc::clone(&self.room);
        tokio::spawn(async move {
            let mut link = link;
            if link.write(SET_UP).await.is_err() {
                return;
            }
            match seat {
                Seat::Plays(index) => socket::serve(room, index, client, link).await,
                Seat::Watches(index) => watch::serve(room, index, link).await,
            }
        });
        Ok(())
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        Self::refuse(
            session,
            channel,
            "mvx serves no files or subsystems: connect with `ssh` and the invitation only.",
        )
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _command: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        Self::refuse(
            session,
            channel,
            "mvx runs no commands: connect with `ssh` and the invitation only.",
        )
    }

    async fn window_change_request(
        &mut self,
        _channel: ChannelId,
        cols: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let (cols, rows) = size(cols, rows);
        self.to_link(FromPage::Size { cols, rows }, Instant::now());
        Ok(())
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // Stamped where it is read: the first thing done with it.
        let at = Instant::now();
        if Some(channel) != self.channel || self.to_link.is_none() {
            return Ok(());
        }
        let browser_ms = ms_since(self.epoch, at);
        let typed = self.decoder.feed(data);
        // Ctrl-C leaves, wherever it is in what arrived.
        if typed.contains(&Typed::Leave) {
            self.to_link = None;
            return Ok(());
        }
        for typed in typed {
            if !self.may_key(at) {
                break;
            }
            let message = match typed {
                Typed::Key(key) => FromPage::Key {
                    key,
                    at: browser_ms,
                },
                Typed::Point { col, row } => FromPage::Point {
                    col,
                    row,
                    at: browser_ms,
                    by: Pointer::Mouse,
                },
                Typed::Leave => continue, // taken above
            };
            self.to_link(message, at);
        }
        self.measure(session);
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        _channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.to_link = None;
        Ok(())
    }

    async fn channel_close(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.channel_eof(channel, session).await
    }
}

/// Why the link closes the connection, if the session did not end it.
enum Closing {
    /// The participant pressed Ctrl-C, or their connection ended.
    Left,
    /// The connection reached its time limit.
    TimeUp,
    /// The participant's terminal said nothing for too long.
    Idle,
    /// The session said its last words; the exit status `ssh` ends with.
    Said(u32),
}

/// A participant's terminal as a page: frames written to it, its keys read, every
/// answer the page would give (a ping's, a frame's "shown") given here, at once, by the
/// server's clock.
struct SshLink {
    handle: Handle,
    channel: ChannelId,
    from_terminal: Receiver<(FromPage, Instant)>,
    epoch: Instant,
    answers: VecDeque<(FromPage, Instant)>,
    round_trips: Arc<Mutex<Vec<f64>>>,
    deadline: tokio::time::Instant,
    /// The participant's terminal said nothing for this long: the connection closes.
    idle: Duration,
    /// When the terminal last said something.
    heard: tokio::time::Instant,
    /// The connection's place at the gate: closed once the link is done with it.
    marker: Marker,
    closing: Closing,
    /// A frame of the session was written.
    framed: bool,
    resume_within: Duration,
    /// An observer's connection: leaving it leaves no session behind.
    observer: bool,
}

impl SshLink {
    /// Writes to the terminal; a client that takes none of it for [`WRITE_WITHIN`] (it
    /// stopped reading) is taken as gone.
    async fn write(&mut self, bytes: &[u8]) -> Result<(), ()> {
        let written = self.handle.data(self.channel, bytes.to_vec());
        match tokio::time::timeout(WRITE_WITHIN, written).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(()),
        }
    }

    fn answer(&mut self, message: FromPage) {
        let now = Instant::now();
        self.answers.push_back((message, now));
    }

    fn ms(&self) -> f64 {
        ms_since(self.epoch, Instant::now())
    }

    /// The session's last words on the participant's own screen; `ssh` exits with
    /// `status`.
    async fn say_last(&mut self, text: &str, status: u32) -> Result<(), ()> {
        let mut bytes = RESTORE.to_vec();
        bytes.extend_from_slice(crate::text::printable(text).as_bytes());
        bytes.extend_from_slice(b"\r\n");
        self.closing = Closing::Said(status);
        self.write(&bytes).await
    }
}

impl Link for SshLink {
    const INVITATION: &'static str = "invitation";

    async fn receive(&mut self) -> Option<(FromPage, Instant)> {
        if let Some(answer) = self.answers.pop_front() {
            return Some(answer);
        }
        tokio::select! {
            typed = self.from_terminal.recv() => {
                self.heard = tokio::time::Instant::now();
                typed
            }
            () = tokio::time::sleep_until(self.deadline) => {
                self.closing = Closing::TimeUp;
                None
            }
            () = tokio::time::sleep_until(self.heard + self.idle) => {
                self.closing = Closing::Idle;
                None
            }
        }
    }

    async fn send(&mut self, message: &ToPage) -> Result<(), ()> {
        match message {
            ToPage::Ping { id } => {
                // The first answer waits (a second at most) for the opening round trips
                // to the client, which the session's header sums up.
                if *id == 0 {
                    for _ in 0..100 {
                        let measured = (self.round_trips.lock())
                            .map_or(true, |trips| trips.len() >= OPENING_TRIPS);
                        if measured {
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                }
                let at = self.ms();
                self.answer(FromPage::Pong { id: *id, at });
                Ok(())
            }
            ToPage::Frame { n, data, .. } => {
                self.write(data.as_bytes()).await?;
                self.framed = true;
                let at = self.ms();
                self.answer(FromPage::Shown { n: *n, at });
                Ok(())
            }
            // Words with no session before them are a refusal: `ssh` fails.
            // A terminal has no zone of its own to give: the server's words stand.
            ToPage::End { text, .. } => self.say_last(text, u32::from(!self.framed)).await,
            ToPage::Busy { text } => self.say_last(text, 1).await,
        }
    }

    async fn close(&mut self) {
        let minutes = self.resume_within.as_secs().div_ceil(60);
        let (why, status) = match self.closing {
            Closing::Said(status) => (None, status),
            _ if self.observer => (Some("You stopped observing.".to_owned()), 0),
            Closing::Left => (
                Some(format!(
                    "You left the session. To go on where you were, connect again with the same \
                 command within {minutes} minutes."
                )),
                0,
            ),
            Closing::TimeUp => (
                Some(format!(
                    "This connection has reached its time limit. To go on where you were, \
                 connect again with the same command within {minutes} minutes."
                )),
                0,
            ),
            Closing::Idle => (
                Some(format!(
                    "This connection was closed after {} without a key. To go on where you \
                 were, connect again with the same command within {minutes} minutes.",
                    crate::format::span(u64::try_from(self.idle.as_millis()).unwrap_or(u64::MAX))
                )),
                0,
            ),
        };
        if let Some(why) = why {
            let _ = self.say_last(&why, status).await;
        }
        let _ = self.handle.exit_status_request(self.channel, status).await;
        let _ = self.handle.eof(self.channel).await;
        let _ = self.handle.close(self.channel).await;
        // Its one session over, the connection goes too, whether or not the client
        // closes it (a moment for the last words to leave first).
        let marker = self.marker.clone();
        tokio::spawn(async move {
            tokio::time::sleep(LAST_WORDS_WITHIN).await;
            marker.close();
        });
    }
}
