//! `mvx serve` measured from outside, with pages that keep their own clocks.
//!
//! (a) Timing error: a page plays a looping flow through a proxy that delays every
//! chunk by 80 ms +- 40 ms (uniform, order kept) in each direction. The page stamps each
//! frame when it has processed it and each key when it sends it, on its own clock, as the
//! browser does; the error is the recorded `hesitation_ms` minus the page's key stamp
//! minus its frame stamp. (b) 50 pages at once on loopback: the server's memory per
//! participant, its CPU while they all sit on a step, and key-to-frame latency.
//!
//! `cargo bench --bench serve`; figures in BENCHMARKS.md.
#![allow(clippy::disallowed_methods)] // measures the real server in real time

#[path = "../tests/support/served.rs"]
mod served;

use std::path::Path;
use std::time::{Duration, Instant};

use mvx::session::{self, EventKind};
use served::{Page, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const FLOW: &str = "flow: ping\ntitle: Ping\nsteps:\n  ping:\n    text: PING-MARK\n    choices: [Pong -> pong, Stop -> stop]\n  pong:\n    text: PONG-MARK\n    choices: [Ping -> ping, Stop -> stop]\n  stop:\n    end: success\n";
const STEPS: usize = 120;
const PAGES: usize = 50;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let flow = dir.path().join("ping.yaml");
    std::fs::write(&flow, FLOW).expect("flow written");
    let flow = flow.to_string_lossy().into_owned();
    runtime.block_on(timing_error(&flow, dir.path()));
    runtime.block_on(many_pages(&flow, dir.path()));
}

/// Forwards `from` to `to` with each chunk held back 40 to 120 ms, in order.
async fn delayed(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
) {
    let (sender, mut chunks) = tokio::sync::mpsc::unbounded_channel::<(Instant, Vec<u8>)>();
    tokio::spawn(async move {
        while let Some((due, bytes)) = chunks.recv().await {
            tokio::time::sleep_until(due.into()).await;
            if to.write_all(&bytes).await.is_err() {
                return;
            }
        }
    });
    let mut buf = vec![0u8; 65536];
    let mut last_due = Instant::now();
    loop {
        let Ok(n) = from.read(&mut buf).await else {
            return;
        };
        if n == 0 {
            return;
        }
        let delay = Duration::from_micros(40_000 + fastrand::u64(..80_000));
        last_due = last_due.max(Instant::now() + delay);
        if sender.send((last_due, buf[..n].to_vec())).is_err() {
            return;
        }
    }
}

/// A proxy in front of `server`; its address.
async fn proxy(server: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let address = listener.local_addr().expect("address").to_string();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(upstream) = TcpStream::connect(&server).await else {
                continue;
            };
            let (client_in, client_out) = client.into_split();
            let (server_in, server_out) = upstream.into_split();
            tokio::spawn(delayed(client_in, server_out));
            tokio::spawn(delayed(server_in, client_out));
        }
    });
    address
}

fn host_of(link: &str) -> String {
    link.trim_start_matches("http://")
        .split('/')
        .next()
        .expect("a host")
        .to_owned()
}

fn quantile(values: &[f64], p: f64) -> f64 {
    let sample: mvx::stats::Sample = values.iter().copied().collect();
    mvx::stats::quantile(&sample, p).unwrap_or(f64::NAN)
}

async fn timing_error(flow: &str, dir: &Path) {
    let sessions = dir.join("timing");
    let server = Server::start(flow, &sessions, &[]);
    let link = &server.links[0];
    let host = host_of(link);
    let via = proxy(host.clone()).await;
    let mut page = Page::open(&link.replacen(&host, &via, 1), 100, 30).await;
    let mut truth = Vec::new();
    for i in 0..STEPS {
        let mark = if i % 2 == 0 { "PING-MARK" } else { "PONG-MARK" };
        let shown = page.wait_for(mark).await;
        page.idle(100 + fastrand::u64(..400)).await;
        let pressed = page.press("1").await;
        truth.push(pressed - shown);
    }
    page.wait_for("PING-MARK").await;
    page.idle(300).await;
    let (files, _) = session::discover(&[sessions]);
    let recorded = session::read(&files[0]).expect("the session loads");
    let hesitations: Vec<f64> = recorded
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Choose { timing, .. } => Some(timing.hesitation_ms as f64),
            _ => None,
        })
        .collect();
    let mut errors: Vec<f64> = hesitations.iter().zip(&truth).map(|(r, t)| r - t).collect();
    errors.sort_by(f64::total_cmp);
    let mut absolute: Vec<f64> = errors.iter().map(|e| e.abs()).collect();
    absolute.sort_by(f64::total_cmp);
    let transport = recorded.header.transport.expect("a transport block");
    println!(
        "(a) {} keys through a proxy adding 80 +- 40 ms each way",
        errors.len()
    );
    println!(
        "    round trips at the start: median {} ms, p90 {} ms",
        transport.rtt_ms.median, transport.rtt_ms.p90
    );
    println!(
        "    error (recorded - page): median {:+.2} ms, p5 {:+.2}, p95 {:+.2}, min {:+.2}, max {:+.2}",
        quantile(&errors, 0.5),
        quantile(&errors, 0.05),
        quantile(&errors, 0.95),
        errors[0],
        errors[errors.len() - 1]
    );
    println!(
        "    |error|: median {:.2} ms, p95 {:.2} ms",
        quantile(&absolute, 0.5),
        quantile(&absolute, 0.95)
    );
}

fn rss_kib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}

/// CPU seconds the process has used.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks: f64 = fields.get(11..13).map_or(0.0, |f| {
        f.iter().filter_map(|t| t.parse::<f64>().ok()).sum()
    });
    ticks / 100.0
}

async fn many_pages(flow: &str, dir: &Path) {
    let server = Server::start(flow, &dir.join("many"), &["--invites", &PAGES.to_string()]);
    let pid = server.child.id();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = rss_kib(pid);
    let mut tasks = Vec::new();
    for link in server.links.clone() {
        tasks.push(tokio::spawn(async move {
            let mut page = Page::open(&link, 100, 30).await;
            page.wait_for("PING-MARK").await;
            page
        }));
    }
    let mut pages = Vec::new();
    for task in tasks {
        pages.push(task.await.expect("a page"));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let with_pages = rss_kib(pid);
    // Idle: every page sits on its step, answering pings.
    let cpu_before = cpu_seconds(pid);
    let idle_for = Duration::from_secs(10);
    let idle_tasks: Vec<_> = pages
        .into_iter()
        .map(|mut page| {
            tokio::spawn(async move {
                page.idle(idle_for.as_millis() as u64).await;
                page
            })
        })
        .collect();
    let mut pages = Vec::new();
    for task in idle_tasks {
        pages.push(task.await.expect("a page"));
    }
    let idle_cpu = (cpu_seconds(pid) - cpu_before) / idle_for.as_secs_f64();
    // Key to frame: each page presses 20 keys, all pages at once.
    let key_tasks: Vec<_> = pages
        .into_iter()
        .map(|mut page| {
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                for i in 0..20 {
                    let mark = if i % 2 == 0 { "PONG-MARK" } else { "PING-MARK" };
                    let sent = Instant::now();
                    page.press("1").await;
                    page.wait_for(mark).await;
                    latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
                    page.idle(50 + fastrand::u64(..100)).await;
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for task in key_tasks {
        latencies.extend(task.await.expect("latencies"));
    }
    latencies.sort_by(f64::total_cmp);
    println!("(b) {PAGES} pages at once on loopback");
    println!(
        "    server memory: {:.1} MiB before, {:.1} MiB with {PAGES} sessions: {:.0} KiB a participant",
        before / 1024.0,
        with_pages / 1024.0,
        (with_pages - before) / PAGES as f64
    );
    println!(
        "    CPU while all sit on a step: {:.2}% of one core",
        idle_cpu * 100.0
    );
    println!(
        "    key to frame ({} keys): median {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        latencies.len(),
        quantile(&latencies, 0.5),
        quantile(&latencies, 0.99),
        latencies[latencies.len() - 1]
    );
}
