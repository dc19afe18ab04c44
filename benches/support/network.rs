//! What the network does to a connection, for the benchmarks of served sessions: a
//! proxy that holds each chunk back, and the quantiles the figures quote.
#![allow(dead_code)] // each benchmark uses its own part

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A two-step flow that loops: each step's text is a mark a client waits for.
pub const PING_FLOW: &str = "flow: ping\ntitle: Ping\nsteps:\n  ping:\n    text: PING-MARK\n    choices: [Pong -> pong, Stop -> stop]\n  pong:\n    text: PONG-MARK\n    choices: [Ping -> ping, Stop -> stop]\n  stop:\n    end: success\n";

/// What a benchmark of a server runs on: a runtime of two threads, a folder, the ping
/// flow's file in it, and which parts to run (`MVX_BENCH_PART`, all when unset).
pub struct Bench {
    pub runtime: tokio::runtime::Runtime,
    pub dir: tempfile::TempDir,
    pub flow: String,
    only: Option<String>,
}

impl Bench {
    pub fn new() -> Bench {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let dir = tempfile::tempdir().expect("temp dir");
        let flow = dir.path().join("ping.yaml");
        std::fs::write(&flow, PING_FLOW).expect("flow written");
        let flow = flow.to_string_lossy().into_owned();
        let only = std::env::var("MVX_BENCH_PART").ok();
        Bench {
            runtime,
            dir,
            flow,
            only,
        }
    }

    /// Whether `part` is to run.
    pub fn runs(&self, part: &str) -> bool {
        self.only.as_deref().is_none_or(|only| only == part)
    }
}

/// Forwards `from` to `to` with each chunk held back 40 to 120 ms, in order.
pub async fn delayed(
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
pub async fn proxy(server: String) -> String {
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

pub fn quantile(values: &[f64], p: f64) -> f64 {
    let sample: mvx::stats::Sample = values.iter().copied().collect();
    mvx::stats::quantile(&sample, p).unwrap_or(f64::NAN)
}
