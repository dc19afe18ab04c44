//! A `mvx serve` process for tests, and a page that speaks the page's protocol over a
//! real WebSocket with a clock of its own, so what it stamps is the truth to compare with.
#![allow(dead_code)] // each test file uses its own part
#![allow(clippy::disallowed_methods)] // a test page keeps its own clock

#[path = "../common/spawn.rs"]
pub mod spawn;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use mvx::session;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

pub const DEADLINE: Duration = Duration::from_secs(20);

/// The server, its printed lines, and the links it printed.
pub struct Server {
    pub child: Child,
    pub lines: Arc<Mutex<Vec<String>>>,
    pub links: Vec<String>,
}

/// mvx in a process of its own that may open at most `files` files (`ulimit -n`).
fn limited(files: u32) -> Command {
    let mut limited = Command::new("sh");
    let script = format!("ulimit -n {files} && exec setsid \"$0\" \"$@\"");
    limited.args(["-c", &script, spawn::MVX]);
    limited
}

impl Server {
    pub fn start(flow: &str, sessions: &Path, extra: &[&str]) -> Server {
        Server::spawn(spawn::mvx(), flow, sessions, extra)
    }

    /// `mvx ssh`: its links are the `ssh` commands it prints.
    pub fn start_ssh(flow: &str, sessions: &Path, extra: &[&str]) -> Server {
        let mut command = spawn::mvx();
        command.arg("ssh");
        Server::started(command, flow, sessions, extra, "ssh ")
    }

    /// The server in a process that may open at most `files` files (`ulimit -n`), as
    /// many systems have it (1,024).
    pub fn start_with_open_files(
        flow: &str,
        sessions: &Path,
        extra: &[&str],
        files: u32,
    ) -> Server {
        Server::spawn(limited(files), flow, sessions, extra)
    }

    /// `mvx ssh` in a process that may open at most `files` files.
    pub fn start_ssh_with_open_files(
        flow: &str,
        sessions: &Path,
        extra: &[&str],
        files: u32,
    ) -> Server {
        let mut command = limited(files);
        command.arg("ssh");
        Server::started(command, flow, sessions, extra, "ssh ")
    }

    fn spawn(mut command: Command, flow: &str, sessions: &Path, extra: &[&str]) -> Server {
        command.arg("serve");
        Server::started(command, flow, sessions, extra, "http")
    }

    /// The server, once it printed its links (what follows the participant on lines
    /// starting with `link`).
    fn started(
        mut command: Command,
        flow: &str,
        sessions: &Path,
        extra: &[&str],
        link: &str,
    ) -> Server {
        let mut child = command
            .args([flow, "--listen", "127.0.0.1:0", "--sessions"])
            .arg(sessions)
            .args(extra)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("mvx serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                sink.lock().expect("lines").push(line);
            }
        });
        let mut server = Server {
            child,
            lines,
            links: Vec::new(),
        };
        server.wait_for("Type `invite");
        server.links = server
            .lines()
            .iter()
            .filter_map(|l| Some(l.split_once(' ')?.1.trim_start()))
            .filter(|w| w.starts_with(link))
            .map(str::to_owned)
            .collect();
        server
    }

    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().expect("lines").clone()
    }

    /// Waits until a printed line contains `text`.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_for_within(text, DEADLINE)
    }

    /// Waits at most `within` until a printed line contains `text`.
    pub fn wait_for_within(&self, text: &str, within: Duration) -> String {
        let start = Instant::now();
        while start.elapsed() < within {
            if let Some(line) = self.lines().into_iter().find(|l| l.contains(text)) {
                return line;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("no line with {text:?} in {:#?}", self.lines())
    }

    /// Types a command into the server's terminal.
    pub fn command(&mut self, line: &str) {
        let stdin = self.child.stdin.as_mut().expect("stdin");
        writeln!(stdin, "{line}").expect("written");
    }

    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Waits for the server to exit; its exit code.
    pub fn wait(&mut self) -> Option<i32> {
        let start = Instant::now();
        while start.elapsed() < DEADLINE {
            if let Some(status) = self.child.try_wait().expect("waits") {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the server did not exit")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain HTTP GET: status line, headers and body as text.
pub fn get(url: &str) -> (u16, String, String) {
    get_with(url, "")
}

/// A GET with `headers` (each line ending in `\r\n`) added to the request.
pub fn get_with(url: &str, headers: &str) -> (u16, String, String) {
    let (status, head, body) = get_bytes(url, headers);
    (status, head, String::from_utf8_lossy(&body).into_owned())
}

/// A GET whose body is kept as bytes (a compressed one, say).
pub fn get_bytes(url: &str, headers: &str) -> (u16, String, Vec<u8>) {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = TcpStream::connect(host).expect("connects");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n{headers}\r\n"
    )
    .expect("request");
    stream
        .set_read_timeout(Some(DEADLINE))
        .expect("a read timeout");
    // Read the head, then as many bytes as it announces: some servers keep the
    // connection open whatever the request asked.
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    while !head.ends_with("\r\n\r\n") {
        if reader.read_line(&mut head).expect("a header line") == 0 {
            break;
        }
    }
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("the body");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    (status, head.to_lowercase(), body)
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A page: a terminal screen, and a clock that is not the server's.
pub struct Page {
    ws: Socket,
    pub screen: vt100::Parser,
    origin: Instant,
    /// Where this page's clock started, as `performance.now()` would have it.
    pub offset_ms: f64,
    /// The stamp of the frame that last changed the screen.
    pub last_shown: f64,
    /// What the server said when it refused or ended.
    pub said: Option<(String, String)>,
    /// Extra delay added to every message the page sends (a slow network).
    pub delay: Option<fn() -> Duration>,
    /// A stamp every pong carries instead of the page's time (a forged clock).
    pub pong_at: Option<f64>,
}

impl Page {
    pub async fn open(link: &str, cols: u16, rows: u16) -> Page {
        Page::open_saying(
            link,
            cols,
            rows,
            json!({"t": "size", "cols": cols, "rows": rows}),
        )
        .await
    }

    /// A page of `cols` x `rows` whose first message is `size` (which may lie).
    pub async fn open_saying(link: &str, cols: u16, rows: u16, size: Value) -> Page {
        let url = format!("{}/ws", link.replacen("http://", "ws://", 1));
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("the WebSocket opens");
        let mut page = Page {
            ws,
            screen: vt100::Parser::new(
                std::num::NonZeroU16::new(rows).expect("rows"),
                std::num::NonZeroU16::new(cols).expect("cols"),
                0,
            ),
            origin: Instant::now(),
            offset_ms: 987_654.0,
            last_shown: 0.0,
            said: None,
            delay: None,
            pong_at: None,
        };
        page.send(size).await;
        page
    }

    pub fn now(&self) -> f64 {
        self.origin.elapsed().as_secs_f64() * 1000.0 + self.offset_ms
    }

    pub async fn send(&mut self, message: Value) {
        if let Some(delay) = self.delay {
            tokio::time::sleep(delay()).await;
        }
        let _ = self
            .ws
            .send(Message::Text(message.to_string().into()))
            .await;
    }

    /// Sends `text` as it is, message or not.
    pub async fn send_text(&mut self, text: &str) {
        let _ = self.ws.send(Message::Text(text.into())).await;
    }

    /// Handles one message from the server; false once the connection is over.
    pub async fn handle(&mut self, within: Duration) -> bool {
        let Ok(message) = tokio::time::timeout(within, self.ws.next()).await else {
            return true;
        };
        let Some(Ok(Message::Text(text))) = message else {
            return false;
        };
        let message: Value = serde_json::from_str(&text).expect("JSON from the server");
        match message["t"].as_str() {
            Some("frame") => {
                self.screen
                    .process(message["data"].as_str().expect("data").as_bytes());
                let at = self.now();
                self.last_shown = at;
                self.send(json!({"t": "shown", "n": message["n"], "at": at}))
                    .await;
            }
            Some("ping") => {
                let at = self.pong_at.unwrap_or_else(|| self.now());
                self.send(json!({"t": "pong", "id": message["id"], "at": at}))
                    .await;
            }
            Some(kind) => {
                let text = message["text"].as_str().unwrap_or_default().to_owned();
                self.said = Some((kind.to_owned(), text));
            }
            None => {}
        }
        true
    }

    pub fn text(&self) -> String {
        self.screen.screen().contents()
    }

    /// Handles messages until the screen shows `text`; the stamp of the frame that did.
    pub async fn wait_for(&mut self, text: &str) -> f64 {
        let start = Instant::now();
        while !self.text().contains(text) {
            assert!(
                start.elapsed() < DEADLINE,
                "no {text:?} on the page:\n{}",
                self.text()
            );
            assert!(
                self.handle(Duration::from_millis(50)).await,
                "closed before {text:?}: {:?}",
                self.said
            );
        }
        self.last_shown
    }

    /// Handles messages until the server says something other than a frame.
    pub async fn wait_said(&mut self) -> (String, String) {
        let start = Instant::now();
        while self.said.is_none() && start.elapsed() < DEADLINE {
            if !self.handle(Duration::from_millis(50)).await {
                break;
            }
        }
        self.said.clone().expect("the server said something")
    }

    /// Keeps answering for `for_ms` (pings, frames), as an open page does.
    pub async fn idle(&mut self, for_ms: u64) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(for_ms) {
            self.handle(Duration::from_millis(10)).await;
        }
    }

    /// Presses `key` (a `KeyboardEvent.key` name); the stamp it carried.
    pub async fn press(&mut self, key: &str) -> f64 {
        let at = self.now();
        self.send(json!({"t": "key", "key": key, "at": at})).await;
        at
    }

    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}

/// The participant's session files in `dir`, by trial.
pub fn trials_of(dir: &Path, participant: &str) -> Vec<session::Session> {
    let (files, _) = session::discover(&[dir.to_owned()]);
    let mut read: Vec<session::Session> = (files.iter())
        .map(|f| session::read(f).expect("a session file loads"))
        .filter(|s| s.header.participant == participant)
        .collect();
    read.sort_by_key(trial_of);
    read
}

/// Which trial of the participant's schedule a session is.
pub fn trial_of(played: &session::Session) -> u32 {
    let study = played.header.study.as_ref().expect("a study block");
    study.visit.as_ref().expect("a visit block").trial
}

/// Waits until the participant's `trial` opens, as the header of the trial before says.
pub async fn until_open(dir: &Path, participant: &str, trial: usize) {
    let before = &trials_of(dir, participant)[trial - 2];
    let study = before.header.study.as_ref().expect("a study block");
    let from = (study.visit.as_ref())
        .and_then(|v| v.next_from.as_deref())
        .expect("next_from");
    let opens = mvx::study::returns::millis(from).expect("RFC 3339");
    let wait = opens - chrono::Utc::now().timestamp_millis();
    let wait = u64::try_from(wait).unwrap_or(0) + 100;
    tokio::time::sleep(Duration::from_millis(wait)).await;
}

/// Variant `id` of a flow of one choice.
fn tiny_flow(id: &str) -> String {
    format!(
        "flow: tiny\ntitle: Tiny\nvariant: {id}\nstart: pick\nsteps:\n  pick:\n    screen: |\n      [ Go ]\n    \
         text: Pick one.\n    choices:\n      - Go -> done\n  done:\n    end: success\n"
    )
}

/// A study of two one-choice variants in `dir`, played three times on `schedule`; its
/// path.
pub fn tiny_study(dir: &Path, schedule: &str) -> PathBuf {
    for id in ["one", "two"] {
        std::fs::write(dir.join(format!("{id}.yaml")), tiny_flow(id)).expect("a flow");
    }
    let study = dir.join("tiny.yaml");
    let source = format!(
        "study: tiny-returns\ntitle: Tiny, three times\ndesign: between\n\
         variants: [one.yaml, two.yaml]\nsessions: 3\nschedule: {schedule}\n\
         consent: |\n  There are three sessions. Do you agree to take part?\n"
    );
    std::fs::write(&study, source).expect("the study");
    study
}
