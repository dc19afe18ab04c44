//! Connections taken by hand, so strangers cannot hold them: at most a set number open
//! at once (well below the files the process may open), a time limit on each connection
//! to send a request's headers (its TLS handshake included) and on an idle one, and,
//! when the limit is reached, the connection that has waited longest without a request
//! closed to make room for the new one. A page load gets in however many connections
//! strangers hold half-open ("Slowloris"). A WebSocket, once upgraded, is no longer
//! counted here: links bound those. `mvx ssh` takes its connections through the same
//! gate, a connection waiting until it has logged in.
#![allow(clippy::disallowed_methods)] // the shell: how long a connection has waited

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;
use tokio_rustls::TlsAcceptor;

/// How long a connection may go without a whole request: from its opening (handshake
/// included), and from the end of its last answer.
pub const REQUEST_WITHIN: Duration = Duration::from_secs(10);
/// The most connections open at once, whatever the process may open.
const MOST_CONNECTIONS: usize = 4_096;

/// Open connections; those waiting for a request, and since when.
struct Gate {
    most: usize,
    /// How long a connection may wait.
    within: Duration,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    next: u64,
    /// Every open connection's task (once spawned).
    open: HashMap<u64, Option<AbortHandle>>,
    /// Connections with no request under way: the ones that may be closed.
    waiting: HashMap<u64, Instant>,
}

impl Gate {
    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Room for one more connection, made by closing the one that has waited longest if
    /// need be; its number, or `None` when every open connection is busy.
    fn admit(&self) -> Option<u64> {
        let mut inner = self.inner();
        if inner.open.len() >= self.most {
            let oldest = inner.waiting.iter().min_by_key(|(_, since)| **since);
            let oldest = *oldest?.0;
            inner.close(oldest);
        }
        let id = inner.next;
        inner.next += 1;
        inner.open.insert(id, None);
        inner.waiting.insert(id, Instant::now());
        Some(id)
    }

    fn spawned(&self, id: u64, task: AbortHandle) {
        if let Some(slot) = self.inner().open.get_mut(&id) {
            *slot = Some(task);
        }
    }

    fn busy(&self, id: u64) {
        self.inner().waiting.remove(&id);
    }

    fn idle(&self, id: u64) {
        let mut inner = self.inner();
        if inner.open.contains_key(&id) {
            inner.waiting.insert(id, Instant::now());
        }
    }

    fn closed(&self, id: u64) {
        let mut inner = self.inner();
        inner.open.remove(&id);
        inner.waiting.remove(&id);
    }

    /// Closes every connection that has waited too long for a request.
    fn sweep(&self, now: Instant) {
        let mut inner = self.inner();
        let late: Vec<u64> = (inner.waiting.iter())
            .filter(|(_, since)| now.duration_since(**since) > self.within)
            .map(|(id, _)| *id)
            .collect();
        for id in late {
            inner.close(id);
        }
    }
}

impl Inner {
    fn close(&mut self, id: u64) {
        self.waiting.remove(&id);
        if let Some(Some(task)) = self.open.remove(&id) {
            task.abort();
        }
    }
}

/// A connection's place at the gate: it is waiting (and may be closed to make room, or
/// when it waited too long) until marked busy.
#[derive(Clone)]
pub struct Marker(Arc<Gate>, u64);

impl Marker {
    /// The connection is at work: a request under way, or logged in.
    pub fn busy(&self) {
        self.0.busy(self.1);
    }

    /// The connection waits again.
    pub fn idle(&self) {
        self.0.idle(self.1);
    }

    /// Closes the connection now: its task is stopped, whatever the client does.
    pub fn close(&self) {
        self.0.inner().close(self.1);
    }
}

/// Marks a connection closed however its task ends (aborted included).
pub struct Ticket(Marker);

impl Ticket {
    pub fn marker(&self) -> Marker {
        self.0.clone()
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        (self.0).0.closed((self.0).1);
    }
}

/// The most connections for a process that may open `files` files: half of them, so
/// session files and WebSockets always have the other half.
pub fn most_connections(files: Option<u64>) -> usize {
    let half = files.map_or(MOST_CONNECTIONS as u64, |f| f / 2);
    (half as usize).clamp(16, MOST_CONNECTIONS)
}

/// The files this process may open: raised to the hard limit first.
fn open_files() -> Option<u64> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    if limit.current < limit.maximum {
        limit.current = limit.maximum;
        let _ = setrlimit(Resource::Nofile, limit);
    }
    getrlimit(Resource::Nofile).current
}

/// Keeps the process's memory in small pages. Each session's thread has a heap of its own
/// in the allocator, and a huge page (2 MiB) backing a few KiB of each made 1,000
/// participants take 4.4 GB (where the kernel gives huge pages when asked, as the
/// allocator does, or always). Without them, the same 1,000 took 495 MiB: see
/// BENCHMARKS.md. Called once by `serve::run`, before the runtime, for the browser and
/// SSH servers alike.
pub fn small_pages() {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

/// How a server's connections are bounded.
pub struct Limits {
    /// How long a connection may wait (for a request, or to log in).
    pub within: Duration,
    /// The files each connection takes.
    pub files_each: u64,
}

/// Takes connections on `listener` until the runtime stops, each served by `serve` as a
/// task of its own with its ticket: at most half the files the process may open at
/// once; a connection not marked busy within `within` is closed, and when the limit is
/// reached the one that has waited longest makes room. A failed accept (out of files)
/// is waited out, never the end of the loop.
pub async fn gated<F, Fut>(listener: TcpListener, limits: Limits, serve: F)
where
    F: Fn(TcpStream, SocketAddr, Ticket) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Limits { within, files_each } = limits;
    let gate = Arc::new(Gate {
        most: most_connections(open_files().map(|files| files / files_each.max(1))),
        within,
        inner: Mutex::default(),
    });
    let sweeper = Arc::clone(&gate);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(1));
        loop {
            every.tick().await;
            sweeper.sweep(Instant::now());
        }
    });
    loop {
        let (stream, from) = match listener.accept().await {
            Ok(accepted) => accepted,
            // Out of files, most likely: give the closing ones a moment.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Some(id) = gate.admit() else {
            continue; // every connection is busy: this one waits its turn
        };
        let ticket = Ticket(Marker(Arc::clone(&gate), id));
        let task = tokio::spawn(serve(stream, from, ticket));
        gate.spawned(id, task.abort_handle());
    }
}

/// Serves `router` on `listener`, over TLS when `tls` is given, until the runtime stops.
pub async fn serve(listener: TcpListener, router: Router, tls: Option<TlsAcceptor>) {
    let limits = Limits {
        within: REQUEST_WITHIN,
        files_each: 1,
    };
    gated(listener, limits, move |stream, from, ticket| {
        connection(stream, from, router.clone(), tls.clone(), ticket)
    })
    .await;
}

async fn connection(
    stream: TcpStream,
    from: SocketAddr,
    router: Router,
    tls: Option<TlsAcceptor>,
    ticket: Ticket,
) {
    let marker = ticket.marker();
    let watched = move |request: Request, next: Next| {
        let marker = marker.clone();
        async move {
            marker.busy();
            let response = next.run(request).await;
            marker.idle();
            response
        }
    };
    let app = router
        .layer(axum::middleware::from_fn(watched))
        .layer(axum::Extension(ConnectInfo(from)));
    let service = TowerToHyperService::new(app);
    let http = http1::Builder::new();
    match tls {
        None => {
            let io = TokioIo::new(stream);
            let _ = http.serve_connection(io, service).with_upgrades().await;
        }
        Some(tls) => {
            let Ok(stream) = tls.accept(stream).await else {
                return;
            };
            let io = TokioIo::new(stream);
            let _ = http.serve_connection(io, service).with_upgrades().await;
        }
    }
    drop(ticket);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn the_server_keeps_to_small_pages() {
        small_pages();
        assert_eq!(
            rustix::thread::transparent_huge_pages_are_disabled().ok(),
            Some(true)
        );
    }

    #[test]
    fn connections_are_half_the_files_within_bounds() {
        assert_eq!(most_connections(Some(1_024)), 512);
        assert_eq!(most_connections(Some(20)), 16);
        assert_eq!(most_connections(Some(1 << 20)), MOST_CONNECTIONS);
        assert_eq!(most_connections(None), MOST_CONNECTIONS);
    }

    #[test]
    fn the_longest_waiting_connection_makes_room_and_late_ones_are_closed() {
        let gate = Gate {
            most: 2,
            within: REQUEST_WITHIN,
            inner: Mutex::default(),
        };
        let first = gate.admit().expect("room");
        let second = gate.admit().expect("room");
        gate.busy(second);
        let third = gate.admit().expect("the first, waiting, made room");
        assert!(!gate.inner().open.contains_key(&first));
        gate.busy(third);
        assert_eq!(gate.admit(), None, "both busy");
        gate.idle(third);
        gate.sweep(Instant::now() + REQUEST_WITHIN * 2);
        let inner = gate.inner();
        assert_eq!(inner.open.keys().copied().collect::<Vec<_>>(), [second]);
    }
}
