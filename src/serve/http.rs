//! The routes: an invitation's page, its WebSocket, the embedded assets, and a plain 404
//! for everything else. Every answer carries a strict Content-Security-Policy.
#![allow(clippy::disallowed_methods)] // the shell: refusals are counted per minute

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::assets;
use super::invite::Code;
use super::room::Room;
use super::session::Client;
use super::socket;
use super::watch;

/// Scripts and styles from this server only; nothing else at all. xterm.js sets its own
/// element styles, hence `'unsafe-inline'` for styles (never for scripts).
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// Unknown codes a client may try in a minute before every answer is 429.
const GUESSES_PER_MINUTE: u32 = 20;
/// Addresses counted before the counts of a minute ago are dropped; and the most ever
/// counted at once (beyond it, a new address's guesses go uncounted until room is made).
const PRUNE_ABOVE: usize = 1_024;
const MOST_COUNTED: usize = 65_536;
/// The largest message a page may send: keys and stamps are tiny.
const MAX_MESSAGE: usize = 16 * 1024;
/// What a WebSocket reads at a time. A page's messages are a few dozen bytes (a longer
/// one is read whole all the same); the default, 128 KiB, is written over on every read,
/// so each connection would hold that much for nothing.
const READ_BUFFER: usize = 4 * 1024;

/// Whose link a code is: a participant's (`/p/`) or their observers' (`/o/`).
#[derive(Clone, Copy)]
enum Door {
    Participant,
    Observer,
}

/// Why a code in an address opens nothing; the answer says no more than that.
enum Refused {
    NotFound,
    TooMany,
    /// A WebSocket opened from another site's page.
    Forbidden,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::NotFound => (StatusCode::NOT_FOUND, "Not found\n").into_response(),
            Refused::TooMany => {
                (StatusCode::TOO_MANY_REQUESTS, "Too many requests\n").into_response()
            }
            Refused::Forbidden => (StatusCode::FORBIDDEN, "Forbidden\n").into_response(),
        }
    }
}

/// Unknown codes guessed per address: when the minute began, and how many; and when the
/// counts of past minutes were last dropped.
#[derive(Default)]
struct Guesses {
    table: HashMap<IpAddr, (Instant, u32)>,
    pruned: Option<Instant>,
}

#[derive(Clone)]
struct Server {
    room: Arc<Room>,
    guesses: Arc<Mutex<Guesses>>,
    /// `--trusted-proxy`: connections from these say who the client is in
    /// `X-Forwarded-For`; no one else is believed.
    trusted: Arc<[IpAddr]>,
}

pub fn router(room: Arc<Room>, trusted: Vec<IpAddr>) -> Router {
    let server = Server {
        room,
        guesses: Arc::default(),
        trusted: trusted.into(),
    };
    Router::new()
        .route("/p/{code}", get(page))
        .route("/p/{code}/ws", get(websocket))
        .route("/o/{code}", get(observer_page))
        .route("/o/{code}/ws", get(observer_websocket))
        .route("/assets/{name}", get(asset))
        .fallback(not_found)
        .layer(axum::middleware::map_response(secure))
        .with_state(server)
}

async fn secure(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let set = |headers: &mut HeaderMap, name, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(headers, header::CONTENT_SECURITY_POLICY, CSP);
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    // The page's address holds the invitation code: never pass it on.
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    response
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Not found\n").into_response()
}

impl Server {
    /// The seat whose code is in the address, or the refusal: a plain 404 with no hint,
    /// and 429 once a client has guessed too often. A link whose session is under way is
    /// never refused: a participant's page coming back is no guess.
    fn seat(&self, code: &str, from: IpAddr, door: Door) -> Result<usize, Refused> {
        let found = Code::parse(code).and_then(|code| match door {
            Door::Participant => self.room.find(&code),
            Door::Observer => self.room.find_watched(&code),
        });
        if let Some(index) = found.filter(|index| self.room.is_live(*index)) {
            return Ok(index);
        }
        let mut guesses = self.guesses.lock().unwrap_or_else(|e| e.into_inner());
        let counted = count(&mut guesses, from, Instant::now(), found.is_none());
        match (counted, found) {
            (Some(count), _) if count > GUESSES_PER_MINUTE => Err(Refused::TooMany),
            (Some(count), Some(_)) if count >= GUESSES_PER_MINUTE => Err(Refused::TooMany),
            (_, Some(index)) => Ok(index),
            (_, None) => Err(Refused::NotFound),
        }
    }

    /// Who the client is: the connection's address, or behind a trusted proxy the last
    /// address that proxy put in `X-Forwarded-For` (the one it saw; those before it
    /// are the client's own word).
    fn client(&self, from: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusted.contains(&from) {
            return from;
        }
        let forwarded = headers.get_all("x-forwarded-for").iter().next_back();
        let last = forwarded
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|a| a.trim().parse().ok());
        last.unwrap_or(from)
    }
}

/// Counts a guess from `from` (a wrong one when `wrong`); the guesses it made this
/// minute, counting this one, or `None` when the table is too full to count it. Counts
/// older than a minute are dropped (at most once a second) while the table is larger
/// than [`PRUNE_ABOVE`].
fn count(guesses: &mut Guesses, from: IpAddr, now: Instant, wrong: bool) -> Option<u32> {
    let minute = Duration::from_secs(60);
    let due = (guesses.pruned).is_none_or(|at| now.duration_since(at) >= Duration::from_secs(1));
    if guesses.table.len() > PRUNE_ABOVE && due {
        guesses.pruned = Some(now);
        (guesses.table).retain(|_, (since, _)| now.duration_since(*since) <= minute);
    }
    let table = &mut guesses.table;
    if !table.contains_key(&from) && (!wrong || table.len() >= MOST_COUNTED) {
        return (!wrong).then_some(0);
    }
    let (since, count) = table.entry(from).or_insert((now, 0));
    if now.duration_since(*since) > minute {
        (*since, *count) = (now, 0);
    }
    if wrong {
        *count = count.saturating_add(1);
    }
    Some(*count)
}

async fn page(
    State(server): State<Server>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Response {
    page_of(server, from, &code, &headers, Door::Participant)
}

/// The observer's page: the participant's page, which reads which it is from its address.
async fn observer_page(
    State(server): State<Server>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Response {
    page_of(server, from, &code, &headers, Door::Observer)
}

fn page_of(
    server: Server,
    from: SocketAddr,
    code: &str,
    headers: &HeaderMap,
    door: Door,
) -> Response {
    let client = server.client(from.ip(), headers);
    if let Err(refused) = server.seat(code, client, door) {
        return refused.into_response();
    }
    let headers = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    (headers, assets::PAGE.as_str()).into_response()
}

async fn websocket(
    State(server): State<Server>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let (index, upgrade) = match admitted(&server, from, &code, &headers, Door::Participant) {
        Ok(index) => (index, bounded(upgrade)),
        Err(refused) => return refused.into_response(),
    };
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| crate::text::printable(&ua.chars().take(300).collect::<String>()))
        .unwrap_or_default();
    upgrade.on_upgrade(move |ws| {
        let client = Client::Browser { user_agent };
        socket::serve(server.room, index, client, ws)
    })
}

/// An observer's WebSocket: `mvx observe` of the participant, run here.
async fn observer_websocket(
    State(server): State<Server>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    match admitted(&server, from, &code, &headers, Door::Observer) {
        Ok(index) => bounded(upgrade).on_upgrade(move |ws| watch::serve(server.room, index, ws)),
        Err(refused) => refused.into_response(),
    }
}

/// The seat a WebSocket's code opens through `door`, from a page of this server only.
fn admitted(
    server: &Server,
    from: SocketAddr,
    code: &str,
    headers: &HeaderMap,
    door: Door,
) -> Result<usize, Refused> {
    let client = server.client(from.ip(), headers);
    let index = server.seat(code, client, door)?;
    match same_origin(headers) {
        true => Ok(index),
        false => Err(Refused::Forbidden),
    }
}

/// A page's messages are small: a WebSocket reads a little at a time, and takes no
/// message larger than [`MAX_MESSAGE`].
fn bounded(upgrade: WebSocketUpgrade) -> WebSocketUpgrade {
    upgrade
        .max_message_size(MAX_MESSAGE)
        .read_buffer_size(READ_BUFFER)
}

/// A page of another site may not open a participant's WebSocket: a browser says where
/// a page came from in `Origin`, and it must be this server (as the browser reached it).
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true; // not a browser: a test client or a tool, which holds the code anyway
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin = origin.to_str().ok().and_then(|o| o.split_once("://"));
    matches!((origin, host), (Some((_, o)), Some(h)) if o == h)
}

/// An embedded asset: gzipped to a browser that takes it; kept for good when asked for
/// by its digest (`?v=`, as the page names it), else checked again each time.
async fn asset(
    Path(name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let Some(asset) = assets::served(&name) else {
        return not_found().await;
    };
    let cache = match query.get("v") == Some(&asset.digest) {
        true => "public, max-age=31536000, immutable",
        false => "no-cache",
    };
    let gzip = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(takes_gzip);
    let mut response = match gzip {
        true => asset.gzipped.clone().into_response(),
        false => asset.bytes.into_response(),
    };
    let set = response.headers_mut();
    let value = |v: &str| HeaderValue::from_str(v).ok();
    for (name, v) in [
        (header::CONTENT_TYPE, value(asset.kind)),
        (header::CACHE_CONTROL, value(cache)),
        (header::ETAG, value(&format!("\"{}\"", asset.digest))),
        (header::VARY, value("Accept-Encoding")),
        (
            header::CONTENT_ENCODING,
            gzip.then(|| value("gzip")).flatten(),
        ),
    ] {
        if let Some(v) = v {
            set.insert(name, v);
        }
    }
    response
}

/// Whether an `Accept-Encoding` value takes gzip (`gzip`, `gzip;q=0.5`; not `gzip;q=0`).
fn takes_gzip(accepted: &str) -> bool {
    accepted.split(',').any(|coding| {
        let mut parts = coding.split(';').map(str::trim);
        let named = parts.next().is_some_and(|c| c.eq_ignore_ascii_case("gzip"));
        let refused = parts.any(|p| {
            p.strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f64>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        named && !refused
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_taken_unless_refused() {
        for (accepted, takes) in [
            ("gzip", true),
            ("gzip, deflate, br, zstd", true),
            ("br;q=1.0, GZIP;q=0.5", true),
            ("gzip;q=0", false),
            ("gzip; q=0.000", false),
            ("identity", false),
            ("", false),
            ("x-gzip", false),
        ] {
            assert_eq!(takes_gzip(accepted), takes, "{accepted:?}");
        }
    }

    fn address(n: u32) -> IpAddr {
        IpAddr::from(n.to_be_bytes())
    }

    #[test]
    fn the_guessing_table_forgets_last_minutes_guessers_and_stays_bounded() {
        let mut guesses = Guesses::default();
        let start = Instant::now();
        for n in 0..70_000 {
            count(&mut guesses, address(n), start, true);
        }
        assert_eq!(
            guesses.table.len(),
            MOST_COUNTED,
            "bounded within the minute"
        );
        assert_eq!(count(&mut guesses, address(1), start, true), Some(2));
        let later = start + Duration::from_secs(61);
        for n in 0..10 {
            count(&mut guesses, address(100_000 + n), later, true);
        }
        assert_eq!(guesses.table.len(), 10, "a minute on, only the new ones");
        assert_eq!(count(&mut guesses, address(7), later, false), Some(0));
        assert_eq!(guesses.table.len(), 10, "a right code is not remembered");
    }
}
