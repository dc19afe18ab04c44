//! Any sequence of what a page can send (sizes, keys, frames confirmed or not, pongs,
//! stamps no clock gives, text that is not a message) through the transport, as a
//! session takes it: nothing panics, every drawn size is bounded, every time is finite
//! and no queue grows past its bound.

use std::time::{Duration, Instant};

use proptest::prelude::*;

use super::super::keys::BrowserKey;
use super::super::protocol::{FromPage, MAX_COLS, MAX_ROWS};
use super::*;

/// Stamps a page may send, honest or not.
fn stamp() -> impl Strategy<Value = f64> {
    prop_oneof![
        0.0..200_000.0f64,
        any::<f64>(),
        Just(f64::NAN),
        Just(1e300),
        Just(-1e300),
        Just(1e12),
        Just(-1.0),
    ]
}

/// A message as the page's JSON would carry it, or text that is none.
fn text() -> impl Strategy<Value = String> {
    let number = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u16>().prop_map(|n| n.to_string()),
        stamp().prop_map(|f| format!("{f:e}")),
        Just("\"9\"".to_string()),
        Just("null".to_string()),
    ];
    let key = prop_oneof![
        Just("1"),
        Just("2"),
        Just("x"),
        Just("Enter"),
        Just("Backspace"),
        Just("Dead"),
    ];
    prop_oneof![
        (number.clone(), number.clone())
            .prop_map(|(c, r)| format!(r#"{{"t":"size","cols":{c},"rows":{r}}}"#)),
        (key, number.clone()).prop_map(|(k, at)| format!(r#"{{"t":"key","key":"{k}","at":{at}}}"#)),
        (0u64..6, number.clone())
            .prop_map(|(n, at)| format!(r#"{{"t":"shown","n":{n},"at":{at}}}"#)),
        (0u64..20, number).prop_map(|(id, at)| format!(r#"{{"t":"pong","id":{id},"at":{at}}}"#)),
        ".{0,40}",
    ]
}

#[derive(Debug, Clone)]
enum Said {
    Text(String),
    Key(String, f64),
    Size(u16, u16),
    Shown(u64, f64),
    Pong(u64, u64, f64),
    Gone,
    Back(u16, u16),
}

fn said() -> impl Strategy<Value = Said> {
    prop_oneof![
        4 => text().prop_map(Said::Text),
        4 => ("[12xq]|Enter|Backspace|.{0,3}", stamp()).prop_map(|(k, at)| Said::Key(k, at)),
        2 => (any::<u16>(), any::<u16>()).prop_map(|(c, r)| Said::Size(c, r)),
        3 => (0u64..8, stamp()).prop_map(|(n, at)| Said::Shown(n, at)),
        1 => (0u64..100_000, 0u64..2_000, stamp()).prop_map(|(s, rtt, at)| Said::Pong(s, rtt, at)),
        1 => Just(Said::Gone),
        1 => (any::<u16>(), any::<u16>()).prop_map(|(c, r)| Said::Back(c, r)),
    ]
}

proptest! {
    // Each case renders frames up to 500x200 in a debug build: 48 cases by default,
    // PROPTEST_CASES for a longer run.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48)
    ))]

    #[test]
    fn whatever_a_page_sends_the_transport_stays_bounded_and_never_panics(
        said in proptest::collection::vec((said(), 0u64..120_000), 0..300),
        draws in proptest::collection::vec(any::<bool>(), 1..100),
    ) {
        let start = Instant::now();
        let (sender, inbound) = tokio::sync::mpsc::unbounded_channel();
        let (out, mut frames) = tokio::sync::mpsc::unbounded_channel();
        sender.send(Inbound::Connected { out, cols: 80, rows: 24 }).expect("room");
        let mut outs = Vec::new();
        for (message, received_ms) in said {
            let received = start + Duration::from_millis(received_ms);
            let inbound = match message {
                Said::Text(text) => match serde_json::from_str::<FromPage>(&text) {
                    Ok(message) => Inbound::Page(message.bounded(), received),
                    Err(_) => continue,
                },
                Said::Key(key, at) => {
                    let key = BrowserKey::plain(&key);
                    Inbound::Page(FromPage::Key { key, at }, received)
                }
                Said::Size(cols, rows) => {
                    Inbound::Page(FromPage::Size { cols, rows }.bounded(), received)
                }
                Said::Shown(n, at) => Inbound::Page(FromPage::Shown { n, at }, received),
                Said::Pong(sent, rtt, browser_ms) => Inbound::Pong {
                    sent: start + Duration::from_millis(sent),
                    received: start + Duration::from_millis(sent + rtt),
                    browser_ms,
                },
                Said::Gone => Inbound::Disconnected { at: received },
                Said::Back(cols, rows) => {
                    let (out, frames) = tokio::sync::mpsc::unbounded_channel();
                    outs.push(frames);
                    let FromPage::Size { cols, rows } = FromPage::Size { cols, rows }.bounded()
                    else {
                        unreachable!("a size stays a size")
                    };
                    Inbound::Connected { out, cols, rows }
                }
            };
            sender.send(inbound).expect("room for every message");
        }
        // The page says no more: every wait ends, and the transport says it is closed.
        drop(sender);
        let mut transport =
            WebTransport::new(inbound, start, ClockSync::default(), Duration::from_secs(60));
        let screen = ratatui::text::Text::raw("Where do you tap?\n1 Drinks\n2 Food");
        let bound = Duration::from_secs(10_000);
        // As the runner does: draw when the screen changed, then take the next input.
        for draw in draws.iter().cycle().take(400) {
            if *draw {
                let drawn = now(transport.draw(&screen)).expect("drawn");
                prop_assert!(drawn.cols <= MAX_COLS && drawn.rows <= MAX_ROWS, "{drawn:?}");
                prop_assert!(drawn.at < bound, "{drawn:?}");
            }
            prop_assert!(transport.pending.len() <= KEPT_WHILE_DRAWING + 1);
            let incoming = now(Transport::<ratatui::text::Text>::next(&mut transport, Duration::ZERO));
            if let Incoming::Key { at, .. } = incoming {
                prop_assert!(at < bound, "{at:?}");
            }
            if let Incoming::Closed { .. } = incoming {
                break;
            }
        }
        while frames.try_recv().is_ok() {}
    }
}
