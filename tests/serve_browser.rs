//! The participant's journey in a real browser: headless Chromium, driven through the
//! DevTools protocol, opens an invitation and plays to the verdicts with key presses;
//! a spent link is refused; a reload resumes the session where it was. And the HTML
//! report as a reader sees it: at desktop, tablet and phone widths, printed, and dark.
//!
//! Needs `chromium` (Debian's package; `.ci/run` installs it). Without it each test is
//! reported as ignored, with the reason; under CI a missing browser fails instead. The
//! file has its own harness (libtest-mimic) because the built-in one can only ignore a
//! test when it is compiled, not when the browser turns out to be missing.
#![allow(clippy::disallowed_methods)] // the driver waits with deadlines

#[path = "support/served.rs"]
mod served;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use mvx::session::{self, EventKind, SessionOutcome};
use serde_json::{Value, json};
use served::{DEADLINE, Page, Server, get, trials_of, until_open};
use tokio_tungstenite::tungstenite::Message;

const FLOW: &str = "flows/espresso-three-menus.yaml";

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A headless Chromium and a DevTools connection to its page.
struct Browser {
    child: Child,
    devtools: Socket,
    next_id: u64,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The tests of this file, each run on a tokio runtime of its own.
fn main() -> std::process::ExitCode {
    let arguments = libtest_mimic::Arguments::from_args();
    let browser = chromium();
    let trials = vec![
        browser_test(
            "a_participant_plays_in_chromium_a_spent_link_is_refused_a_reload_resumes",
            &browser,
            a_participant_plays_in_chromium_a_spent_link_is_refused_a_reload_resumes,
        ),
        browser_test(
            "a_study_is_played_by_taps_on_a_phone_either_way_and_by_clicks_as_by_keys",
            &browser,
            a_study_is_played_by_taps_on_a_phone_either_way_and_by_clicks_as_by_keys,
        ),
        browser_test(
            "a_finger_swipes_a_long_screen_and_taps_a_choice_after",
            &browser,
            a_finger_swipes_a_long_screen_and_taps_a_choice_after,
        ),
        browser_test(
            "an_observer_follows_a_participant_in_chromium",
            &browser,
            an_observer_follows_a_participant_in_chromium,
        ),
        browser_test(
            "one_link_plays_three_visits_and_a_visit_too_early_is_told_when_to_come_back",
            &browser,
            one_link_plays_three_visits_and_a_visit_too_early_is_told_when_to_come_back,
        ),
        browser_test(
            "the_report_fits_desktop_tablet_and_phone_prints_and_has_a_dark_scheme",
            &browser,
            the_report_fits_desktop_tablet_and_phone_prints_and_has_a_dark_scheme,
        ),
    ];
    libtest_mimic::run(&arguments, trials).exit_code()
}

/// A test that needs the browser: ignored, with the reason, when there is none.
fn browser_test<F, R>(name: &str, browser: &Option<PathBuf>, test: F) -> libtest_mimic::Trial
where
    F: FnOnce(PathBuf) -> R + Send + 'static,
    R: std::future::Future<Output = ()>,
{
    let browser = browser.clone();
    libtest_mimic::Trial::ignorable_test(name, move || {
        let Some(binary) = browser else {
            return Ok(libtest_mimic::Completion::ignored_with(
                "chromium is not installed (apt-get install chromium, or MVX_CHROMIUM=path)",
            ));
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("a tokio runtime: {e}"))?;
        runtime.block_on(test(binary));
        Ok(libtest_mimic::Completion::Completed)
    })
}

fn chromium() -> Option<PathBuf> {
    let name = std::env::var("MVX_CHROMIUM").unwrap_or_else(|_| "chromium".into());
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .ok()?;
    let path = String::from_utf8_lossy(&found.stdout).trim().to_owned();
    if path.is_empty() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have chromium: .ci/run installs it"
        );
        return None;
    }
    Some(PathBuf::from(path))
}

impl Browser {
    async fn launch(binary: &Path) -> Browser {
        let profile = tempfile::tempdir().expect("a profile folder");
        let mut child = Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-port=0",
                "--window-size=1000,700",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        let stderr = child.stderr.take().expect("stderr");
        let (found, port) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut found = Some(found);
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.split("DevTools listening on ").nth(1)
                    && let Some(sender) = found.take()
                {
                    let port = url.split(':').nth(2).and_then(|p| p.split('/').next());
                    let _ = sender.send(port.unwrap_or_default().to_owned());
                }
            }
        });
        let port = port
            .recv_timeout(DEADLINE)
            .expect("chromium's DevTools port");
        let (_, _, targets) = get(&format!("http://127.0.0.1:{port}/json/list"));
        let targets: Vec<Value> = serde_json::from_str(&targets).expect("targets");
        let page = targets
            .iter()
            .find(|t| t["type"] == "page")
            .and_then(|t| t["webSocketDebuggerUrl"].as_str())
            .expect("a page target");
        let (devtools, _) = tokio_tungstenite::connect_async(page)
            .await
            .expect("DevTools connects");
        Browser {
            child,
            devtools,
            next_id: 0,
            _profile: profile,
        }
    }

    /// Calls a DevTools method and returns its result.
    async fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let message = json!({"id": id, "method": method, "params": params});
        self.devtools
            .send(Message::Text(message.to_string().into()))
            .await
            .expect("sent to DevTools");
        loop {
            let Some(Ok(Message::Text(text))) = self.devtools.next().await else {
                panic!("DevTools closed")
            };
            let answer: Value = serde_json::from_str(&text).expect("JSON");
            if answer["id"] == id {
                assert!(answer.get("error").is_none(), "{method}: {answer}");
                return answer["result"].clone();
            }
        }
    }

    /// Opens `url` and waits until the page has loaded whole (a long report is still
    /// being parsed when its first words show).
    async fn open(&mut self, url: &str) {
        // A mark on the page open now: gone once the new one is there.
        self.eval("window.mvxOld = true; ''").await;
        self.call("Page.navigate", json!({"url": url})).await;
        let start = Instant::now();
        let loaded = "String(!window.mvxOld && document.readyState === 'complete')";
        while self.eval(loaded).await != "true" {
            assert!(start.elapsed() < DEADLINE, "{url} never loaded");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn eval(&mut self, expression: &str) -> String {
        let result = self
            .call(
                "Runtime.evaluate",
                json!({"expression": expression, "returnByValue": true}),
            )
            .await;
        result["result"]["value"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// What the page shows: the terminal's rows and the status line.
    async fn text(&mut self) -> String {
        self.eval(
            "(document.querySelector('.xterm-rows')?.innerText ?? '') + '\\n' + \
             (document.getElementById('status')?.innerText ?? '')",
        )
        .await
    }

    /// Waits until the page's own text holds `text` (a document, not a terminal).
    async fn wait_for_page(&mut self, text: &str) {
        let start = Instant::now();
        loop {
            let shown = self
                .eval("document.body ? document.body.innerText : ''")
                .await;
            if shown.contains(text) {
                return;
            }
            assert!(start.elapsed() < DEADLINE, "no {text:?} in:\n{shown}");
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
    }

    async fn wait_for(&mut self, text: &str) {
        let start = Instant::now();
        loop {
            let shown = self.text().await;
            if shown.contains(text) {
                return;
            }
            assert!(start.elapsed() < DEADLINE, "no {text:?} in:\n{shown}");
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
    }

    /// Presses a key as a person would: down, then up.
    async fn press(&mut self, key: &str) {
        let (code, text) = match key {
            "Enter" => (13, "\r".to_owned()),
            c => (
                c.chars()
                    .next()
                    .map_or(0, |c| c.to_ascii_uppercase() as u32),
                c.to_owned(),
            ),
        };
        let down = json!({"type": "keyDown", "key": key, "text": text,
            "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code});
        self.call("Input.dispatchKeyEvent", down).await;
        let up = json!({"type": "keyUp", "key": key, "windowsVirtualKeyCode": code});
        self.call("Input.dispatchKeyEvent", up).await;
    }

    /// Makes the page `width` x `height` CSS pixels, a phone's (`mobile`) or not.
    async fn size(&mut self, width: u32, height: u32, mobile: bool) {
        let metrics = json!({"width": width, "height": height, "deviceScaleFactor": 1,
            "mobile": mobile});
        self.call("Emulation.setDeviceMetricsOverride", metrics)
            .await;
    }

    /// Keeps a screenshot named `name` in `MVX_SCREENSHOTS`, when it is set, to look at.
    async fn keep(&mut self, name: &str) {
        if let Some(shots) = std::env::var_os("MVX_SCREENSHOTS").map(PathBuf::from) {
            std::fs::create_dir_all(&shots).expect("the screenshots folder");
            self.screenshot(&shots.join(format!("{name}.png"))).await;
        }
    }

    async fn screenshot(&mut self, to: &Path) {
        let shot = self
            .call("Page.captureScreenshot", json!({"format": "png"}))
            .await;
        let data = shot["data"].as_str().expect("a screenshot");
        std::fs::write(to, base64(data)).expect("screenshot written");
    }
}

/// Base64 as DevTools sends screenshots (standard alphabet, padded).
fn base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for byte in text.bytes().filter(|b| *b != b'=') {
        let Some(value) = ALPHABET.iter().position(|a| *a == byte) else {
            continue;
        };
        bits = (bits << 6) | value as u32;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

fn sessions_of(dir: &Path, participant: &str) -> session::Session {
    let (files, _) = session::discover(&[dir.to_owned()]);
    let file = files
        .iter()
        .find(|f| f.to_string_lossy().contains(participant))
        .expect("the participant's session file");
    session::read(file).expect("the session loads")
}

async fn a_participant_plays_in_chromium_a_spent_link_is_refused_a_reload_resumes(binary: PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(FLOW, dir.path(), &["--participants", "B01,B02"]);
    let mut browser = Browser::launch(&binary).await;

    browser.open(&server.links[0]).await;
    browser.wait_for("Where do you tap?").await;
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-browser.png");
    browser.screenshot(&shot).await;
    for (key, next) in [
        ("1", "Which list would you open?"),
        ("2", "Pick your drink."),
        ("1", "The machine preselects a double"),
        ("1", "Brewing"),
        ("Enter", "Could you get the espresso"),
        ("1", "how easy or difficult"),
        ("6", "change one thing"),
    ] {
        browser.press(key).await;
        browser.wait_for(next).await;
    }
    for key in ["N", "o", "n", "e", "Enter"] {
        browser.press(key).await;
    }
    browser.wait_for("Thank you for taking part").await;
    browser.press("Enter").await;
    browser
        .wait_for("Thank you! You may close this page.")
        .await;
    // The closing screen's "Enter or q to close" is gone with the session: only the
    // server's last words show.
    let terminal = "getComputedStyle(document.getElementById('terminal')).display";
    assert_eq!(browser.eval(terminal).await, "none");
    server.wait_for("B01      finished: complete");
    let played = sessions_of(dir.path(), "B01");
    let transport = played.header.transport.as_ref().expect("a transport block");
    assert!(transport.user_agent.contains("Chrome"), "{transport:?}");
    assert_eq!(
        played.events.last().map(|e| &e.kind),
        Some(&EventKind::SessionEnd {
            outcome: SessionOutcome::Complete
        })
    );
    let chosen: Vec<&str> = played
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Choose { choice, .. } => Some(choice.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        chosen,
        [
            "Drinks",
            "Coffee classics",
            "Espresso",
            "Switch to single, then Brew"
        ]
    );

    // The spent link, opened again.
    browser.open(&server.links[0]).await;
    browser.wait_for("This link has already been used.").await;

    // A reload in the middle of a session resumes it.
    browser.open(&server.links[1]).await;
    browser.wait_for("Where do you tap?").await;
    browser.press("1").await;
    browser.wait_for("Which list would you open?").await;
    browser.call("Page.reload", json!({})).await;
    browser.wait_for("Which list would you open?").await;
    server.wait_for("B02      back");
    browser.press("2").await;
    browser.wait_for("Pick your drink.").await;
    server.wait_for("B02      on classics");
    let resumed = sessions_of(dir.path(), "B02");
    let kinds: Vec<&str> = resumed.events.iter().map(|e| e.kind.name()).collect();
    assert_eq!(
        kinds,
        [
            "task_start",
            "show",
            "choose",
            "show",
            "disconnect",
            "resume",
            "choose",
            "show"
        ]
    );
}

/// A study with returns (three sessions, the second 15 s and the third 25 s after the
/// first) served to one participant, whose one link plays all three in Chromium: the
/// consent at the first visit only, the closing screens and last words saying when the
/// next session opens; a visit before it opens (at 1280x800, then at 390x844) is told
/// when to come back with the same link, and records nothing; a visit after the last is
/// told all are played. Each trial's file has its `visit.trial`, the same variant, and
/// `next_from` while one follows. Screenshots of the too-early page in `MVX_SCREENSHOTS`.
async fn one_link_plays_three_visits_and_a_visit_too_early_is_told_when_to_come_back(
    binary: PathBuf,
) {
    let dir = tempfile::tempdir().expect("temp dir");
    let flows = Path::new(env!("CARGO_MANIFEST_DIR")).join("flows");
    let study = dir.path().join("returns.yaml");
    let source = format!(
        "study: served-returns\ntitle: An espresso, three times\ndesign: between\n\
         variants: [{}, {}]\nsessions: 3\nschedule: [0, 15s, 25s]\nconsent: |\n  \
         There are three short sessions; use the same link for each.\n  \
         Do you agree to take part?\n",
        flows.join("espresso-one-menu.yaml").display(),
        flows.join("espresso-three-menus.yaml").display(),
    );
    std::fs::write(&study, source).expect("the study");
    let sessions = dir.path().join("sessions");
    let args = ["--participants", "V01"];
    let server = Server::start(&study.display().to_string(), &sessions, &args);
    let link = server.links[0].clone();
    let mut browser = Browser::launch(&binary).await;
    // The participant is far from the server: the page gives times in their own zone.
    let far = serde_json::json!({ "timezoneId": "Pacific/Auckland" });
    browser.call("Emulation.setTimezoneOverride", far).await;
    let files = || session::discover(std::slice::from_ref(&sessions)).0.len();

    for trial in 1..=3 {
        if trial > 1 {
            until_open(&sessions, "V01", trial).await;
        }
        browser.size(1280, 800, false).await;
        browser.open(&link).await;
        let first = match trial {
            1 => "I agree, start",
            _ => "Where do you tap?",
        };
        browser.wait_for(first).await;
        let (screens, said) = browser.play_through(Hand::Keys).await;
        let consent = screens.iter().any(|s| s.contains("I agree, start"));
        assert_eq!(consent, trial == 1, "the consent at the first visit only");
        let finished = || {
            let lines = server.lines().into_iter();
            lines
                .filter(|l| l.starts_with("V01      finished: complete"))
                .count()
        };
        let waited = Instant::now();
        while finished() < trial && waited.elapsed() < DEADLINE {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(finished(), trial, "{:#?}", server.lines());
        if trial == 3 {
            assert_eq!(said, "Thank you! You may close this page.");
            break;
        }
        let next = format!("Please come back for session {} of 3 from", trial + 1);
        assert!(
            screens.iter().any(|s| s.contains(&next)),
            "the closing screen: {screens:#?}"
        );
        assert!(said.starts_with(&format!("Thank you! {next} ")), "{said}");
        assert!(
            said.ends_with(", with this same link. You may close this page."),
            "{said}"
        );
        // In the participant's zone (New Zealand's summer time), not the server's.
        assert!(said.contains("GMT+13") && !said.contains("(UTC"), "{said}");
        if trial > 1 {
            continue;
        }
        // Too early, on a desktop and on a phone: told when, nothing recorded.
        for (width, height, mobile) in [(1280, 800, false), (390, 844, true)] {
            browser.size(width, height, mobile).await;
            browser.open(&link).await;
            browser
                .wait_for("Please come back then, with this same link.")
                .await;
            let said = browser
                .eval("document.getElementById('status').innerText")
                .await;
            assert!(said.starts_with("Your session 2 of 3 opens at "), "{said}");
            assert!(said.contains("GMT+13") && !said.contains("(UTC"), "{said}");
            // The words fit the window: nothing to scroll to, sideways or down.
            let fits = "String(document.scrollingElement.scrollWidth <= innerWidth && \
                document.getElementById('status').getBoundingClientRect().bottom <= innerHeight)";
            assert_eq!(
                browser.eval(fits).await,
                "true",
                "at {width}x{height}: {said}"
            );
            browser
                .keep(&format!("returns-too-early-{width}x{height}"))
                .await;
            assert_eq!(files(), 1, "a visit too early records nothing");
        }
        server.wait_for("V01      came too early: session 2 of 3 opens at ");
    }

    browser.open(&link).await;
    browser
        .wait_for("You have taken part in all 3 sessions of this study")
        .await;
    let trials = trials_of(&sessions, "V01");
    assert_eq!(trials.len(), 3, "one session file per visit");
    let variant = &trials[0]
        .header
        .study
        .as_ref()
        .expect("a study block")
        .variant;
    for (i, played) in trials.iter().enumerate() {
        let study = played.header.study.as_ref().expect("a study block");
        let visit = study.visit.as_ref().expect("a visit block");
        assert_eq!((visit.trial, visit.trials), (i as u32 + 1, 3));
        assert_eq!(&study.variant, variant, "the variant holds across visits");
        assert_eq!(visit.next_from.is_some(), i < 2, "{visit:?}");
        assert_eq!(played.outcome(), Some(SessionOutcome::Complete));
    }
}

/// `participants` simulated participants of `study`, reported in HTML with their replays
/// into `dir`: the page's path.
fn reported_study(dir: &Path, name: &str, study: &str, participants: &str) -> PathBuf {
    let (sessions, page) = (dir.join(name), dir.join(format!("{name}.html")));
    let simulated = served::spawn::mvx()
        .args([
            "simulate",
            study,
            "--participants",
            participants,
            // The same walks each run: the tables' rows are known, not drawn by chance.
            "--seed",
            "7",
            "--sessions",
        ])
        .arg(&sessions)
        .output()
        .expect("mvx simulate runs");
    assert!(simulated.status.success(), "{simulated:?}");
    let reported = served::spawn::mvx()
        .args(["report", study])
        .arg(&sessions)
        .args(["--include-simulated", "--format", "html", "-o"])
        .arg(&page)
        .output()
        .expect("mvx report runs");
    assert!(reported.status.success(), "{reported:?}");
    page
}

/// The HTML reports of a three-variant study, a within study and a two-variant one
/// (twelve simulated participants: a Tasks table of 17 columns) in Chromium at 1280, 768
/// and 390 pixels: every step row opens its screen, and the page never scrolls sideways
/// (wide tables scroll in their own box, and on a phone each row is a card); the
/// two-variant one is named for the study, plays its replays and seeks one from a step
/// row, prints to PDF with no table wider than the page, and follows a dark colour
/// scheme. Screenshots of each are left in `MVX_SCREENSHOTS` when set, to look at.
async fn the_report_fits_desktop_tablet_and_phone_prints_and_has_a_dark_scheme(binary: PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let shots = std::env::var_os("MVX_SCREENSHOTS").map(PathBuf::from);
    let mut browser = Browser::launch(&binary).await;
    // A three-variant study and a within study first; the two-variant one stays open.
    let studies = [
        ("three", "tests/independent/studies/three.yaml", "9"),
        ("within", "studies/espresso-within.yaml", "6"),
        ("two", "studies/espresso.yaml", "12"),
    ];
    for (name, study, participants) in studies {
        let page = reported_study(dir.path(), name, study, participants);
        let url = format!("file://{}", page.display());
        for (width, height, mobile) in [(1280, 800, false), (768, 1024, false), (390, 844, true)] {
            browser.size(width, height, mobile).await;
            browser.open(&url).await;
            browser.wait_for_page("Decision summary").await;
            // Every step row shows its screen, and opened the screens still fit the page.
            let rows = "var rows=[...document.querySelectorAll('table')]\
                .filter(t=>t.querySelector('th').textContent==='step')\
                .flatMap(t=>[...t.querySelectorAll('tr')].slice(1));\
                rows.forEach(r=>r.querySelector('details.shot').open=true);\
                JSON.stringify([rows.length, rows.filter(r=>r.querySelector('details.shot pre')\
                .getBoundingClientRect().height>100).length])";
            let rows: [u64; 2] = serde_json::from_str(&browser.eval(rows).await).expect("counts");
            assert!(rows[0] >= 10, "{name}: the Steps tables' rows: {rows:?}");
            assert_eq!(
                rows[0], rows[1],
                "{name}: every step row shows its screen, open"
            );
            let widths = browser
                .eval("JSON.stringify([document.scrollingElement.scrollWidth, window.innerWidth])")
                .await;
            let [scroll, inner]: [u64; 2] = serde_json::from_str(&widths).expect("two widths");
            assert!(
                scroll <= inner,
                "{name}: at {width} px the page is {scroll} px wide"
            );
            browser.keep(&format!("report-{name}-{width}")).await;
        }
    }
    // The slowest and the fastest complete session of each variant play in the page,
    // with a marker at each step; played, the time moves on.
    let count = "String(document.querySelectorAll('.replay .ap-player').length)";
    let waited = Instant::now();
    let mut players = browser.eval(count).await;
    while players != "4" && waited.elapsed() < DEADLINE {
        tokio::time::sleep(Duration::from_millis(50)).await;
        players = browser.eval(count).await;
    }
    assert_eq!(players, "4", "two replays for each of the two variants");
    let started = browser
        .eval("window.mvxReplays[0].play(); String(window.mvxReplays.length)")
        .await;
    assert_eq!(started, "4");
    // Played, its markers are on its bar and its time moves on.
    let (markers, at) = loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let markers = "String(document.querySelectorAll('.ap-marker').length)";
        let markers = browser.eval(markers).await;
        let at = browser
            .eval("String(window.mvxReplays[0].getCurrentTime())")
            .await;
        let shown = markers.parse::<u32>().is_ok_and(|n| n >= 4);
        let moved = at.parse::<f64>().is_ok_and(|t| t > 0.0);
        if (shown && moved) || waited.elapsed() > DEADLINE {
            break (markers, at);
        }
    };
    assert!(
        markers.parse::<u32>().is_ok_and(|n| n >= 4),
        "markers: {markers}"
    );
    assert!(at.parse::<f64>().is_ok_and(|t| t > 0.0), "played to {at}");
    // A step row's link plays its replay from the moment the step was shown.
    let clicked = "var a=[...document.querySelectorAll('a.moment[data-replay=\"1\"]')]\
        .sort((x,y)=>y.dataset.at-x.dataset.at)[0]; a.click(); a.dataset.at";
    let moment: f64 = browser.eval(clicked).await.parse().expect("a moment");
    assert!(moment > 1.0, "a step shown after the first: {moment}");
    let waited = Instant::now();
    let at = loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let at = browser
            .eval("String(window.mvxReplays[1].getCurrentTime())")
            .await;
        let at: f64 = at.parse().unwrap_or(0.0);
        if at >= moment || waited.elapsed() > DEADLINE {
            break at;
        }
    };
    assert!(
        (moment..moment + 30.0).contains(&at),
        "the replay went to {moment} s: {at}"
    );
    let title = browser.eval("document.title").await;
    assert_eq!(
        title,
        "Study espresso-dec: Making an espresso - one menu or three"
    );
    // A phone shows each table row as a card whose cells name their column.
    let label = browser
        .eval("getComputedStyle(document.querySelector('td'), '::before').content")
        .await;
    assert_ne!(label, "none", "a cell's column name on a phone");
    let light = browser
        .eval("getComputedStyle(document.body).backgroundColor")
        .await;
    let dark = json!({"features": [{"name": "prefers-color-scheme", "value": "dark"}]});
    browser.call("Emulation.setEmulatedMedia", dark).await;
    let dark = browser
        .eval("getComputedStyle(document.body).backgroundColor")
        .await;
    assert_eq!(light, "rgb(255, 255, 255)");
    assert_eq!(dark, "rgb(18, 21, 28)");
    browser.keep("report-390-dark").await;
    // Printed (Letter, Chromium's default margins: 7.5 inches of 96 px), no table is
    // wider than the page.
    browser.size(720, 1000, false).await;
    let print = json!({"media": "print"});
    browser.call("Emulation.setEmulatedMedia", print).await;
    let cut = "JSON.stringify([...document.querySelectorAll('table')]\
        .filter(t=>t.getBoundingClientRect().right>window.innerWidth+1)\
        .map(t=>t.querySelector('th').textContent+': '+Math.round(t.getBoundingClientRect().right)))";
    let cut = browser.eval(cut).await;
    assert_eq!(cut, "[]", "tables wider than a printed page");
    let printed = browser
        .call("Page.printToPDF", json!({"printBackground": false}))
        .await;
    let pdf = base64(printed["data"].as_str().expect("a PDF"));
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    // Each page object is `/Type /Page` (the tree above them is `/Type /Pages`).
    let pages = pdf
        .windows(b"/Type /Page_".len())
        .filter(|w| w.starts_with(b"/Type /Page") && w[11] != b's')
        .count();
    assert!(pages >= 2, "the report prints on pages of its own: {pages}");
    if let Some(shots) = &shots {
        std::fs::write(shots.join("report.pdf"), &pdf).expect("the PDF written");
    }
}

/// How the driver below gives its answers.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Hand {
    Keys,
    /// A mouse: clicks.
    Mouse,
    /// A finger on a touch screen: taps.
    Finger,
}

/// The choices the driver takes, the first one a screen offers: a way to an espresso in
/// either variant of the study.
const WAY: [&str; 6] = [
    "Espresso single",
    "Brew now",
    "Drinks",
    "Coffee classics",
    "Espresso",
    "Switch to single, then Brew",
];

impl Browser {
    /// The page's point at the middle of `words` where the terminal shows them.
    async fn point_at(&mut self, words: &str) -> (f64, f64) {
        let find = format!(
            "(function(w){{const t=window.mvxTerm;const r=document.querySelector('.xterm-screen')\
             .getBoundingClientRect();const cw=r.width/t.cols,ch=r.height/t.rows;\
             for(let y=0;y<t.rows;y++){{const l=t.buffer.active.getLine(y);if(!l)continue;\
             const x=l.translateToString().indexOf(w);if(x>=0)return JSON.stringify(\
             [r.left+(x+w.length/2)*cw,r.top+(y+0.5)*ch]);}}return '';}})({})",
            serde_json::to_string(words).expect("JSON")
        );
        // The screen may still be on its way (a loaded machine): a moment to find it.
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(3) {
            let at = self.eval(&find).await;
            if let Ok([x, y]) = serde_json::from_str::<[f64; 2]>(&at) {
                return (x, y);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let lines = "(function(){const t=window.mvxTerm;let s=[];for(let y=0;y<t.rows;y++)\
            {const l=t.buffer.active.getLine(y);s.push(l?l.translateToString():'');}\
            return s.join('\\n');})()";
        panic!("{words:?} not on screen:\n{}", self.eval(lines).await)
    }

    /// Clicks or taps on `words` as shown.
    async fn point(&mut self, hand: Hand, words: &str) {
        let (x, y) = self.point_at(words).await;
        match hand {
            Hand::Finger => {
                let down = json!({"type": "touchStart", "touchPoints": [{"x": x, "y": y}]});
                self.call("Input.dispatchTouchEvent", down).await;
                let up = json!({"type": "touchEnd", "touchPoints": []});
                self.call("Input.dispatchTouchEvent", up).await;
            }
            Hand::Mouse | Hand::Keys => {
                for kind in ["mousePressed", "mouseReleased"] {
                    let event = json!({"type": kind, "x": x, "y": y, "button": "left",
                        "clickCount": 1});
                    self.call("Input.dispatchMouseEvent", event).await;
                }
            }
        }
    }

    /// Plays the session on the page to its end with `hand`: keys for typed answers
    /// alone, each other answer by its key, a click or a tap as `hand` says; the screens
    /// it acted on, and the server's last words.
    async fn play_through(&mut self, hand: Hand) -> (Vec<String>, String) {
        let start = Instant::now();
        let mut seen = Vec::new();
        loop {
            let screen = self.text().await;
            if screen.contains("You may close this page.") {
                let status = "document.getElementById('status').innerText";
                return (seen, self.eval(status).await);
            }
            seen.push(screen.clone());
            assert!(start.elapsed() < DEADLINE * 3, "stuck on:\n{screen}");
            // The choices listed: "1. Drinks", the highlighted one marked "›".
            let listed: Vec<(String, String)> = (screen.lines())
                .filter_map(|l| {
                    let l = l.trim().trim_start_matches('›').trim();
                    let (n, label) = l.split_once(". ")?;
                    (n.len() == 1 && n.chars().all(|c| c.is_ascii_digit()))
                        .then(|| (n.to_owned(), label.trim().to_owned()))
                })
                .collect();
            let way = WAY.iter().find_map(|w| listed.iter().find(|(_, l)| l == w));
            let (key, words): (&str, String) = if screen.contains("I agree, start") {
                ("y", "I agree, start".into())
            } else if screen.contains("Type your answer") {
                if hand == Hand::Finger {
                    // A tap on the field opens the phone's keyboard, which types text as
                    // input, not keys; its Enter is a key.
                    self.point(hand, "Your answer").await;
                    for c in ["N", "o", "n", "e"] {
                        let typed = json!({"type": "char", "text": c});
                        self.call("Input.dispatchKeyEvent", typed).await;
                    }
                    self.press("Enter").await;
                } else {
                    for key in ["N", "o", "n", "e", "Enter"] {
                        self.press(key).await;
                    }
                }
                // The letters change the screen before Enter takes it on: wait for the
                // next question, not for any change.
                let Some(asked) = screen.lines().find(|l| l.contains("Question")) else {
                    self.wait_for_change(&screen).await;
                    continue;
                };
                let start = Instant::now();
                while self.text().await.contains(asked) {
                    assert!(start.elapsed() < DEADLINE, "{asked} stays");
                    tokio::time::sleep(Duration::from_millis(30)).await;
                }
                continue;
            } else if screen.contains("Very difficult") {
                ("6", " 6 ".into())
            } else if screen.contains("Question") && !listed.is_empty() {
                ("1", format!("1. {}", listed[0].1))
            } else if let Some((n, label)) = way {
                (n.as_str(), format!("{n}. {label}"))
            } else if screen.contains("to continue") || screen.contains("to close") {
                let words = match screen.contains("to close") {
                    true => "to close",
                    false => "to continue",
                };
                ("Enter", words.into())
            } else {
                panic!("nothing to do on:\n{screen}")
            };
            match hand {
                Hand::Keys => self.press(key).await,
                _ => self.point(hand, &words).await,
            }
            self.wait_for_change(&screen).await;
        }
    }

    async fn wait_for_change(&mut self, before: &str) {
        let start = Instant::now();
        while self.text().await == before {
            assert!(start.elapsed() < DEADLINE, "nothing changed on:\n{before}");
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        // The next frame whole, not half written.
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
}

/// What a session did, whatever gave it: each event's kind, step, choice or question,
/// and answer, in order, without times.
/// An observer's link opened in Chromium shows the participant's screen, played by a
/// page of the test's own, each step within a second of the participant's.
async fn an_observer_follows_a_participant_in_chromium(binary: PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = Server::start(FLOW, dir.path(), &["--participants", "O01"]);
    server.command("observe O01");
    let line = server.wait_for("O01      observe: ");
    let link = line.rsplit(' ').next().expect("a link").to_owned();
    let mut browser = Browser::launch(&binary).await;
    browser.size(1280, 800, false).await;
    browser.open(&link).await;
    browser.wait_for("O01 has not started yet").await;
    let mut participant = Page::open(&server.links[0], 100, 30).await;
    for (text, key) in [
        ("Where do you tap?", "1"),
        ("Which list would you open?", "2"),
        ("Pick your drink.", "1"),
    ] {
        participant.wait_for(text).await;
        let shown = Instant::now();
        browser.wait_for(text).await;
        let took = shown.elapsed();
        assert!(took < Duration::from_secs(1), "{text:?} after {took:?}");
        if text == "Where do you tap?" {
            browser.keep("observer-1280x800").await;
        }
        participant.press(key).await;
    }
    browser.wait_for("choose").await;
    // On a phone the observer sees the timeline, and is told a wider window shows the
    // participant's screen.
    browser.size(390, 844, true).await;
    browser.open(&link).await;
    browser.wait_for("Observing O01").await;
    browser.wait_for("show their screen").await;
    browser.keep("observer-390x844").await;
}

fn steps_of(played: &session::Session) -> Vec<String> {
    (played.events.iter())
        .filter_map(|e| match &e.kind {
            EventKind::Choose { step, choice, .. } => Some(format!("{step}: {choice}")),
            EventKind::Show { step } => Some(format!("show {step}")),
            EventKind::Answer {
                question, value, ..
            } => Some(format!("{question} = {value:?}")),
            EventKind::Continue { step, .. } => Some(format!("{step}: continue")),
            EventKind::SessionEnd { outcome } => Some(format!("end {outcome:?}")),
            _ => None,
        })
        .collect()
}

/// How each of a session's decisions was given.
fn inputs_of(played: &session::Session) -> Vec<mvx::keys::Via> {
    (played.events.iter())
        .filter_map(|e| match &e.kind {
            EventKind::Choose { timing, .. }
            | EventKind::Answer { timing, .. }
            | EventKind::Continue { timing, .. } => Some(timing.input),
            _ => None,
        })
        .collect()
}

/// A study served to phones held upright (390x844) and sideways (844x390) with touch,
/// and to a desktop (1280x800) with a mouse, is played to its end by taps and clicks
/// alone (typed answers aside), each through its consent, and records the same steps as
/// the study played by keys; every decision is recorded as a tap or a click; nothing of
/// a screen needed is cut off (each answer was found on screen and acted on), and no
/// screen is a dead end. The first keyboard session's tab goes behind another for a
/// while: the researcher is told it is away and back (its clock stopped meanwhile).
async fn a_study_is_played_by_taps_on_a_phone_either_way_and_by_clicks_as_by_keys(binary: PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let ids = "K01,K02,T01,T02,M01";
    let server = Server::start(
        "studies/espresso.yaml",
        dir.path(),
        &["--participants", ids],
    );
    let mut browser = Browser::launch(&binary).await;
    let devices = [
        ("K01", 1280, 800, false, Hand::Keys),
        ("K02", 1280, 800, false, Hand::Keys),
        ("T01", 390, 844, true, Hand::Finger),
        ("T02", 844, 390, true, Hand::Finger),
        ("M01", 1280, 800, false, Hand::Mouse),
    ];
    for (i, (who, width, height, mobile, hand)) in devices.into_iter().enumerate() {
        browser.size(width, height, mobile).await;
        let touch = json!({"enabled": hand == Hand::Finger, "maxTouchPoints": 5});
        browser
            .call("Emulation.setTouchEmulationEnabled", touch)
            .await;
        browser.open(&server.links[i]).await;
        browser.wait_for("I agree, start").await;
        // The font fits the window: at least 60 columns and 24 rows, 9 px or more.
        let size = "JSON.stringify([mvxTerm.cols, mvxTerm.rows, mvxTerm.options.fontSize])";
        let [cols, rows, font]: [u64; 3] =
            serde_json::from_str(&browser.eval(size).await).expect("a size");
        println!("{who} at {width}x{height}: {cols}x{rows} at {font} px");
        assert!(
            cols >= 60 && rows >= 24 && font >= 9,
            "{who}: {cols}x{rows}, {font} px"
        );
        browser.keep(&format!("{who}-consent")).await;
        if who == "K01" {
            // Another tab in front hides this one for a while: the session's clock stops.
            browser.press("y").await;
            browser.wait_for("Where do you tap?").await;
            let tab = browser
                .call("Target.createTarget", json!({"url": "about:blank"}))
                .await;
            let hidden = browser.eval("document.visibilityState").await;
            server.wait_for("K01      away: the page's tab is hidden");
            tokio::time::sleep(Duration::from_millis(800)).await;
            let other = json!({"targetId": tab["targetId"]});
            browser.call("Target.closeTarget", other).await;
            server.wait_for("K01      back");
            assert_eq!(hidden, "hidden");
        }
        browser.play_through(hand).await;
        server.wait_for(&format!("{who}      finished: complete"));
    }
    let keys: Vec<session::Session> = ["K01", "K02"]
        .iter()
        .map(|who| sessions_of(dir.path(), who))
        .collect();
    for who in ["T01", "T02", "M01"] {
        let played = sessions_of(dir.path(), who);
        let variant = played.header.flow.variant.clone();
        let by_keys = (keys.iter())
            .find(|k| k.header.flow.variant == variant)
            .unwrap_or_else(|| panic!("a keyboard session of {variant:?}"));
        assert_eq!(
            steps_of(&played),
            steps_of(by_keys),
            "{who} against the keys"
        );
        let via = match who {
            "M01" => mvx::keys::Via::Pointer,
            _ => mvx::keys::Via::Touch,
        };
        let inputs = inputs_of(&played);
        // Typed answers come from a keyboard; every other decision was a tap or a click.
        let typed = (played.events.iter())
            .filter(|e| {
                matches!(
                    &e.kind,
                    EventKind::Answer {
                        free_text: true,
                        ..
                    }
                )
            })
            .count();
        assert_eq!(
            inputs.iter().filter(|v| **v == via).count(),
            inputs.len() - typed,
            "{who}: {inputs:?}"
        );
        assert!(inputs.len() >= 5, "{who}: {inputs:?}");
        assert!(inputs_of(by_keys).iter().all(|v| *v == mvx::keys::Via::Key));
    }
}

/// On a phone held sideways a mockup of forty lines is taller than the screen: each swipe
/// up scrolls it a page, until its last line is in view, and chooses nothing; a tap then
/// chooses.
async fn a_finger_swipes_a_long_screen_and_taps_a_choice_after(binary: PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let lines: String = (1..=40)
        .map(|i| format!("      | line {i:02} |\n"))
        .collect();
    let flow = dir.path().join("long.yaml");
    let source = format!(
        "flow: long\ntitle: A long screen\nstart: list\nsteps:\n  list:\n    screen: |\n{lines}    \
         text: Pick one.\n    choices:\n      - First -> done\n      - Second -> done\n  done:\n    \
         end: success\n"
    );
    std::fs::write(&flow, source).expect("the flow");
    let sessions = dir.path().join("s");
    let server = Server::start(
        &flow.display().to_string(),
        &sessions,
        &["--participants", "F01"],
    );
    let mut browser = Browser::launch(&binary).await;
    browser.size(844, 390, true).await;
    let touch = json!({"enabled": true, "maxTouchPoints": 5});
    browser
        .call("Emulation.setTouchEmulationEnabled", touch)
        .await;
    browser.open(&server.links[0]).await;
    browser.wait_for("Pick one.").await;
    assert!(!browser.text().await.contains("line 40"));
    // Each swipe up scrolls a page of the mockup (ten lines), as PgDn does.
    for seen in ["line 11", "line 21", "line 31", "line 40"] {
        let (x, y) = browser.point_at("| line").await;
        let finger = |y: f64| json!([{"x": x, "y": y}]);
        let strokes = [
            ("touchStart", y + 80.0),
            ("touchMove", y + 20.0),
            ("touchMove", y),
        ];
        for (kind, at) in strokes {
            let event = json!({"type": kind, "touchPoints": finger(at)});
            browser.call("Input.dispatchTouchEvent", event).await;
        }
        let end = json!({"type": "touchEnd", "touchPoints": []});
        browser.call("Input.dispatchTouchEvent", end).await;
        browser.wait_for(seen).await;
    }
    assert!(!browser.text().await.contains("line 01"));
    browser.point(Hand::Finger, "2. Second").await;
    browser.wait_for("Thank you for taking part!").await;
    // The page shows the thanks a moment before the server records what led to them.
    browser.press("Enter").await;
    server.wait_for("F01      finished: complete");
    let played = sessions_of(&sessions, "F01");
    let chosen: Vec<&str> = (played.events.iter())
        .filter_map(|e| match &e.kind {
            EventKind::Choose { choice, .. } => Some(choice.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        chosen,
        ["Second"],
        "the swipe chose nothing, the tap chose: {:?}",
        played.events
    );
}
