//! `mvx serve` measured from outside, with pages that keep their own clocks.
//!
//! (a) Timing error: a page plays a looping flow through a proxy that delays every
//! chunk by 80 ms +- 40 ms (uniform, order kept) in each direction. The page stamps each
//! frame when it has processed it and each key when it sends it, on its own clock, as the
//! browser does; the error is the recorded `hesitation_ms` minus the page's key stamp
//! minus its frame stamp. (b) 50 pages at once on loopback: the server's memory per
//! participant, its CPU while they all sit on a step, and key-to-frame latency. (c) 1,000
//! pages at once (`MVX_BENCH_PAGES`), each playing a few steps: the server's memory (with
//! all live, and its peak), its threads, and every key's timing error.
//!
//! `cargo bench --bench serve`; `MVX_BENCH_PART=c` runs (c) alone. Figures in
//! BENCHMARKS.md.
#![allow(clippy::disallowed_methods)] // measures the real server in real time

#[path = "support/network.rs"]
mod network;
#[path = "../tests/support/served.rs"]
mod served;

use std::path::Path;
use std::time::{Duration, Instant};

use mvx::session::{self, EventKind};
use network::{proxy, quantile};
use served::{Page, Server};

const STEPS: usize = 120;
const PAGES: usize = 50;
/// Participants at once in part (c), unless `MVX_BENCH_PAGES` says otherwise.
const CROWD: usize = 1_000;
/// Keys each of them presses.
const CROWD_KEYS: usize = 6;

fn main() {
    let bench = network::Bench::new();
    let (runtime, dir, flow) = (&bench.runtime, &bench.dir, &bench.flow);
    let runs = |part: &str| bench.runs(part);
    if runs("a") {
        runtime.block_on(timing_error(flow, dir.path()));
    }
    if runs("b") {
        runtime.block_on(many_pages(flow, dir.path()));
    }
    if runs("c") {
        let pages = std::env::var("MVX_BENCH_PAGES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(CROWD);
        runtime.block_on(crowd(flow, dir.path(), pages));
    }
}

fn host_of(link: &str) -> String {
    link.trim_start_matches("http://")
        .split('/')
        .next()
        .expect("a host")
        .to_owned()
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
    status_field(pid, "VmRSS:")
}

/// A number from `/proc/PID/status` (`VmRSS:`, `VmHWM:`, `Threads:`).
fn status_field(pid: u32, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
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

/// Lets this process, and the server it starts, open a file for each of `pages`
/// connections and more (many systems start a process with 1,024).
fn enough_open_files(pages: usize) {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let needed = pages as u64 * 2 + 256;
    let mut limit = getrlimit(Resource::Nofile);
    if limit.current.is_some_and(|current| current < needed) {
        limit.current = match limit.maximum {
            Some(maximum) => Some(maximum.min(needed.max(4_096))),
            None => Some(needed.max(4_096)),
        };
        let _ = setrlimit(Resource::Nofile, limit);
    }
    let now = getrlimit(Resource::Nofile).current;
    assert!(
        now.is_none_or(|n| n >= needed),
        "(c) needs {needed} open files; the limit is {now:?} (`ulimit -n`)"
    );
}

/// The participant id printed beside each link, in the links' order.
fn participants(server: &Server) -> Vec<String> {
    server
        .lines()
        .iter()
        .filter(|l| {
            l.split_whitespace()
                .nth(1)
                .is_some_and(|w| w.contains("/p/"))
        })
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

async fn crowd(flow: &str, dir: &Path, count: usize) {
    enough_open_files(count);
    let sessions = dir.join("crowd");
    let server = Server::start(flow, &sessions, &["--invites", &count.to_string()]);
    let pid = server.child.id();
    let ids = participants(&server);
    assert_eq!(ids.len(), count, "one id a link");
    // The server's memory and threads, sampled while the pages come, play and stay.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampling = std::sync::Arc::clone(&done);
    let sampler = std::thread::spawn(move || {
        let mut most_threads = 0.0f64;
        while !sampling.load(std::sync::atomic::Ordering::Relaxed) {
            most_threads = most_threads.max(status_field(pid, "Threads:"));
            std::thread::sleep(Duration::from_millis(100));
        }
        most_threads
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = rss_kib(pid);
    let threads_before = status_field(pid, "Threads:");
    let started = Instant::now();
    let tasks: Vec<_> = server
        .links
        .clone()
        .into_iter()
        .map(|link| {
            tokio::spawn(async move {
                let mut page = Page::open(&link, 100, 30).await;
                page.wait_for("PING-MARK").await;
                page
            })
        })
        .collect();
    let mut pages = Vec::new();
    for task in tasks {
        pages.push(task.await.expect("a page"));
    }
    let all_in = started.elapsed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let with_pages = rss_kib(pid);
    // Everyone sits on their step for 3 s (the pages answer no pings meanwhile; a ping
    // is every 2 s, a page silent for 15 s is dropped).
    let (cpu_before, sat) = (cpu_seconds(pid), Instant::now());
    tokio::time::sleep(Duration::from_secs(3)).await;
    let sitting = (cpu_seconds(pid) - cpu_before) / sat.elapsed().as_secs_f64();
    let threads_with = status_field(pid, "Threads:");
    // Each page plays: a pause of 100 to 600 ms on each step, then a key.
    let play: Vec<_> = pages
        .into_iter()
        .map(|mut page| {
            tokio::spawn(async move {
                let mut truth = Vec::new();
                let mut shown = page.last_shown;
                for i in 0..CROWD_KEYS {
                    page.idle(100 + fastrand::u64(..500)).await;
                    let pressed = page.press("1").await;
                    truth.push(pressed - shown);
                    let mark = if i % 2 == 0 { "PONG-MARK" } else { "PING-MARK" };
                    shown = page.wait_for(mark).await;
                }
                page.idle(300).await;
                (page, truth)
            })
        })
        .collect();
    let mut truths = Vec::new();
    let mut pages = Vec::new();
    for task in play {
        let (page, truth) = task.await.expect("a page plays");
        pages.push(page);
        truths.push(truth);
    }
    let after_play = rss_kib(pid);
    let peak = status_field(pid, "VmHWM:");
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let most_threads = sampler.join().expect("the sampler");
    let (files, _) = session::discover(&[sessions]);
    let mut errors = Vec::new();
    // Keys off by more than 1 ms: which of a page's keys each was, and how far off.
    let mut off = Vec::new();
    let mut restamped = 0;
    for file in &files {
        let recorded = session::read(file).expect("the session loads");
        let Some(at) = ids.iter().position(|id| *id == recorded.header.participant) else {
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap_or_default();
        restamped += text.matches("\"restamped\":true").count();
        let hesitations = recorded.events.iter().filter_map(|e| match &e.kind {
            EventKind::Choose { timing, .. } => Some(timing.hesitation_ms as f64),
            _ => None,
        });
        for (i, (r, t)) in hesitations.zip(&truths[at]).enumerate() {
            if (r - t).abs() > 1.0 {
                off.push((i + 1, r - t));
            }
            errors.push(r - t);
        }
    }
    drop(pages);
    let mut absolute: Vec<f64> = errors.iter().map(|e| e.abs()).collect();
    absolute.sort_by(f64::total_cmp);
    let within_1ms = absolute.iter().filter(|e| **e <= 1.0).count();
    println!("(c) {count} pages at once on loopback, {CROWD_KEYS} keys each");
    println!(
        "    all on their first step after {:.1} s; {} session files",
        all_in.as_secs_f64(),
        files.len()
    );
    println!(
        "    server memory: {:.1} MiB before, {:.1} MiB with {count} live, {:.1} MiB after \
         they played, peak {:.1} MiB: {:.0} KiB a participant",
        before / 1024.0,
        with_pages / 1024.0,
        after_play / 1024.0,
        peak / 1024.0,
        (with_pages - before) / count as f64
    );
    println!(
        "    server threads: {threads_before} before, {threads_with} with {count} live, \
         most {most_threads}"
    );
    println!(
        "    CPU while all {count} sit on a step: {:.1}% of one core",
        sitting * 100.0
    );
    println!(
        "    |error| ({} keys): median {:.2} ms, p99 {:.2} ms, max {:.2} ms; {:.1}% within 1 ms",
        absolute.len(),
        quantile(&absolute, 0.5),
        quantile(&absolute, 0.99),
        absolute.last().copied().unwrap_or(f64::NAN),
        within_1ms as f64 * 100.0 / absolute.len().max(1) as f64
    );
    let off: Vec<String> = off
        .iter()
        .map(|(i, e)| format!("key {i}: {e:+.1}"))
        .collect();
    println!(
        "    events restamped: {restamped}; keys off by more than 1 ms: {}",
        match off.is_empty() {
            true => "none".to_owned(),
            false => off.join(", "),
        }
    );
}
