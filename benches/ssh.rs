//! `mvx ssh` measured from outside, with SSH clients (russh's) that keep their own
//! clocks: each stamps a frame when it has processed the bytes that complete it, and a
//! key when it sends it; the error is the recorded `hesitation_ms` minus the client's own
//! measure. Keys and frames are stamped at the server over SSH, so the error is about one
//! round trip: that is the added network delay docs/serve.md states.
//!
//! (a) One participant through a proxy that delays every chunk by 80 ms +- 40 ms each
//! way. (b) 50 participants at once on loopback: every key's error, key-to-frame latency,
//! the server's memory.
//!
//! `cargo bench --bench ssh`; `MVX_BENCH_PART=b` runs (b) alone. Figures in BENCHMARKS.md.
#![allow(clippy::disallowed_methods)] // measures the real server in real time

#[path = "support/network.rs"]
mod network;
#[path = "../tests/support/served.rs"]
mod served;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mvx::session::{self, EventKind};
use network::{proxy, quantile};
use russh::ChannelMsg;
use russh::keys::PublicKeyOrCertificate;
use served::Server;

/// Keys the participant of (a) presses.
const STEPS: usize = 60;
const PARTICIPANTS: usize = 50;
/// Keys each of them presses.
const KEYS_EACH: usize = 10;

fn main() {
    let bench = network::Bench::new();
    let (runtime, dir, flow) = (&bench.runtime, &bench.dir, &bench.flow);
    let runs = |part: &str| bench.runs(part);
    if runs("a") {
        runtime.block_on(through_a_slow_network(flow, dir.path()));
    }
    if runs("b") {
        runtime.block_on(many_at_once(flow, dir.path()));
    }
}

/// Trusts the server's key: the benchmark's own server.
struct Trusting;

impl russh::client::Handler for Trusting {
    type Error = russh::Error;

    async fn check_server_key(&mut self, _: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// What one participant measured on their own clock, in milliseconds: each hesitation,
/// and each time from a key to the frame it brought.
#[derive(Default)]
struct Measured {
    hesitations: Vec<f64>,
    key_to_frame: Vec<f64>,
}

/// Connects to `address` with `code`, plays `keys` keys on the ping flow, thinking 100
/// to 500 ms before each.
async fn participant(address: &str, code: &str, keys: usize) -> Measured {
    let config = Arc::new(russh::client::Config {
        nodelay: true,
        ..Default::default()
    });
    let mut handle = russh::client::connect(config, address, Trusting)
        .await
        .expect("connects");
    let auth = handle.authenticate_none(code).await.expect("authenticates");
    assert!(auth.success(), "the code is taken");
    let mut channel = handle.channel_open_session().await.expect("a channel");
    (channel.request_pty(false, "xterm-256color", 100, 30, 0, 0, &[]))
        .await
        .expect("a terminal");
    channel.request_shell(false).await.expect("a shell");
    let mut screen = vt100::Parser::new(
        std::num::NonZeroU16::new(30).expect("30 rows"),
        std::num::NonZeroU16::new(100).expect("100 columns"),
        0,
    );
    let mut measured = Measured::default();
    let mut pressed: Option<Instant> = None;
    for i in 0..=keys {
        let mark = if i % 2 == 0 { "PING-MARK" } else { "PONG-MARK" };
        let shown = loop {
            match channel.wait().await {
                Some(ChannelMsg::Data { data }) => {
                    screen.process(&data);
                    if screen.screen().contents().contains(mark) {
                        break Instant::now();
                    }
                }
                Some(_) => {}
                None => panic!("the connection closed"),
            }
        };
        if let Some(pressed) = pressed {
            measured
                .key_to_frame
                .push((shown - pressed).as_secs_f64() * 1000.0);
        }
        if i == keys {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100 + fastrand::u64(..400))).await;
        let now = Instant::now();
        channel.data_bytes(&b"1"[..]).await.expect("a key sent");
        measured
            .hesitations
            .push((now - shown).as_secs_f64() * 1000.0);
        pressed = Some(now);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _ = channel.close().await;
    measured
}

/// Each session's recorded hesitations, by participant id.
fn recorded(sessions: &Path) -> Vec<(String, Vec<f64>, f64)> {
    let (files, _) = session::discover(&[sessions.to_owned()]);
    let mut recorded: Vec<(String, Vec<f64>, f64)> = files
        .iter()
        .map(|file| {
            let read = session::read(file).expect("a session loads");
            let hesitations = (read.events.iter())
                .filter_map(|e| match &e.kind {
                    EventKind::Choose { timing, .. } => Some(timing.hesitation_ms as f64),
                    _ => None,
                })
                .collect();
            let rtt = read.header.transport.map_or(f64::NAN, |t| t.rtt_ms.median);
            (read.header.participant, hesitations, rtt)
        })
        .collect();
    recorded.sort_by(|a, b| a.0.cmp(&b.0));
    recorded
}

fn address_of(invitation: &str) -> (String, String) {
    // `ssh -p PORT CODE@HOST`
    let words: Vec<&str> = invitation.split_whitespace().collect();
    let (code, host) = words[3].split_once('@').expect("CODE@HOST");
    (format!("{host}:{}", words[2]), code.to_owned())
}

fn summary(label: &str, mut values: Vec<f64>) {
    values.sort_by(f64::total_cmp);
    println!(
        "    {label}: median {:+.2} ms, p5 {:+.2}, p95 {:+.2}, max {:+.2} ({} keys)",
        quantile(&values, 0.5),
        quantile(&values, 0.05),
        quantile(&values, 0.95),
        values.last().copied().unwrap_or(f64::NAN),
        values.len()
    );
}

async fn through_a_slow_network(flow: &str, dir: &Path) {
    let sessions = dir.join("slow");
    let server = Server::start_ssh(flow, &sessions, &["--participants", "S01"]);
    let (address, code) = address_of(&server.links[0]);
    let via = proxy(address).await;
    let measured = participant(&via, &code, STEPS).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let recorded = recorded(&sessions);
    let (_, hesitations, rtt) = &recorded[0];
    let errors: Vec<f64> = (hesitations.iter())
        .zip(&measured.hesitations)
        .map(|(r, t)| r - t)
        .collect();
    println!("(a) one participant through a proxy adding 80 +- 40 ms each way");
    println!("    round trip in the header: median {rtt} ms");
    summary("error (recorded - client)", errors);
    summary("key to frame, at the client", measured.key_to_frame);
}

async fn many_at_once(flow: &str, dir: &Path) {
    let sessions = dir.join("many");
    let ids: Vec<String> = (1..=PARTICIPANTS).map(|i| format!("S{i:02}")).collect();
    let ids = ids.join(",");
    let server = Server::start_ssh(flow, &sessions, &["--participants", &ids]);
    let pid = server.child.id();
    let before_mib = rss_kib(pid) / 1024.0;
    let started = Instant::now();
    let players: Vec<_> = (server.links.iter())
        .map(|invitation| {
            let (address, code) = address_of(invitation);
            tokio::spawn(async move { participant(&address, &code, KEYS_EACH).await })
        })
        .collect();
    // Everyone connected and thinking: the server's memory then.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let rss_mib = rss_kib(pid) / 1024.0;
    let mut measured = Vec::new();
    for player in players {
        measured.push(player.await.expect("a participant played"));
    }
    let took = started.elapsed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let recorded = recorded(&sessions);
    let mut errors = Vec::new();
    let mut rtts = Vec::new();
    for ((_, hesitations, rtt), measured) in recorded.iter().zip(&measured) {
        assert_eq!(hesitations.len(), measured.hesitations.len());
        errors.extend(
            hesitations
                .iter()
                .zip(&measured.hesitations)
                .map(|(r, t)| r - t),
        );
        rtts.push(*rtt);
    }
    let latency: Vec<f64> = measured
        .iter()
        .flat_map(|m| m.key_to_frame.clone())
        .collect();
    println!(
        "(b) {PARTICIPANTS} participants at once on loopback, {KEYS_EACH} keys each, {:.1} s",
        took.as_secs_f64()
    );
    println!(
        "    server memory: {before_mib:.1} MiB before, {rss_mib:.1} MiB with all connected ({:.0} KiB each)",
        (rss_mib - before_mib) * 1024.0 / PARTICIPANTS as f64
    );
    summary("round trip in the headers", rtts);
    summary("error (recorded - client)", errors);
    summary("key to frame, at the client", latency);
}

fn rss_kib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    (status.lines())
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}
