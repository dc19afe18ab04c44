//! The routes: an invitation's page, its WebSocket, the embedded assets, and a plain 404
//! for everything else. Every answer carries a strict Content-Security-Policy.
#![allow(clippy::disallowed_methods)] // the shell: refusals are counted per minute

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::assets;
use super::invite::Code;
use super::room::Room;
use super::socket;

/// Scripts and styles from this server only; nothing else at all. xterm.js sets its own
/// element styles, hence `'unsafe-inline'` for styles (never for scripts).
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// Unknown codes a client may try in a minute before every answer is 429.
const GUESSES_PER_MINUTE: u32 = 20;
/// The largest message a page may send: keys and stamps are tiny.
const MAX_MESSAGE: usize = 16 * 1024;

/// Why a code in an address opens nothing; the answer says no more than that.
enum Refused {
    NotFound,
    TooMany,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::NotFound => (StatusCode::NOT_FOUND, "Not found\n").into_response(),
            Refused::TooMany => {
                (StatusCode::TOO_MANY_REQUESTS, "Too many requests\n").into_response()
            }
        }
    }
}

#[derive(Clone)]
struct Server {
    room: Arc<Room>,
    guesses: Arc<Mutex<HashMap<IpAddr, (Instant, u32)>>>,
}

pub fn router(room: Arc<Room>) -> Router {
    let server = Server {
        room,
        guesses: Arc::default(),
    };
    Router::new()
        .route("/p/{code}", get(page))
        .route("/p/{code}/ws", get(websocket))
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
    /// and 429 once a client has guessed too often.
    fn seat(&self, code: &str, from: IpAddr) -> Result<usize, Refused> {
        let mut guesses = self.guesses.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let (since, count) = guesses.entry(from).or_insert((now, 0));
        if now.duration_since(*since) > Duration::from_secs(60) {
            (*since, *count) = (now, 0);
        }
        if *count >= GUESSES_PER_MINUTE {
            return Err(Refused::TooMany);
        }
        let found = Code::parse(code).and_then(|code| self.room.find(&code));
        found.ok_or_else(|| {
            *count += 1;
            Refused::NotFound
        })
    }
}

async fn page(
    State(server): State<Server>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
) -> Response {
    if let Err(refused) = server.seat(&code, from.ip()) {
        return refused.into_response();
    }
    let headers = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    (headers, assets::PAGE).into_response()
}

async fn websocket(
    State(server): State<Server>,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let index = match server.seat(&code, from.ip()) {
        Ok(index) => index,
        Err(refused) => return refused.into_response(),
    };
    if !same_origin(&headers) {
        return (StatusCode::FORBIDDEN, "Forbidden\n").into_response();
    }
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| crate::text::printable(&ua.chars().take(300).collect::<String>()))
        .unwrap_or_default();
    upgrade
        .max_message_size(MAX_MESSAGE)
        .on_upgrade(move |ws| socket::serve(server.room, index, user_agent, ws))
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

async fn asset(Path(name): Path<String>) -> Response {
    match assets::asset(&name) {
        Some((kind, bytes)) => (
            [
                (header::CONTENT_TYPE, kind),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            bytes,
        )
            .into_response(),
        None => not_found().await,
    }
}
