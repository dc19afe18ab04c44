//! The report as one self-contained HTML file: the document of `report/words.rs` in a
//! page with inline CSS and SVG charts, no scripts, no network.

use std::fmt::Write as _;

use super::document::Document;
use super::escape::escape;
use super::screen::{Illustrations, Moment, Screens, VersionKey};
use super::{Report, words};

const STYLE: &str = "
:root{color-scheme:light dark;--bg:#fff;--fg:#1d2330;--muted:#46506a;--faint:#6b7388;--line:#e3e6ee;--head:#f4f6fa;--accent:#4c78c8;--red:#c8413c;--warn:#fff4e0;--warn-line:#e69500}
@media (prefers-color-scheme:dark){:root{--bg:#12151c;--fg:#e3e6ee;--muted:#aab2c5;--faint:#8a93a8;--line:#343b4d;--head:#1e2330;--accent:#7ea3ea;--red:#ec7a73;--warn:#372b12;--warn-line:#d08a00}}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;background:var(--bg);color:var(--fg);max-width:1100px;margin:0 auto;padding:24px;overflow-wrap:anywhere}
h1{font-size:26px;margin:0 0 4px}h2{font-size:21px;margin-top:36px;border-bottom:2px solid var(--line);padding-bottom:4px}
h3{font-size:17px;margin-top:28px}h4{font-size:15px;margin:22px 0 6px;color:var(--muted)}
.table{max-width:100%;overflow-x:auto;margin:6px 0 10px}
table{border-collapse:collapse;font-size:13.5px}th,td{border-bottom:1px solid var(--line);padding:4px 9px;text-align:left;vertical-align:top;overflow-wrap:normal}
th{background:var(--head);font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.summary li{margin:4px 0}.warning{background:var(--warn);border-left:4px solid var(--warn-line);padding:6px 10px}
.chart{display:block;max-width:100%;height:auto;margin:6px 0}.chart .label,.chart .value{font-size:12px;fill:var(--muted)}
.chart .bar{fill:var(--accent)}.chart .dot{fill:var(--accent);fill-opacity:.55}.chart .median{stroke:var(--red);stroke-width:2.5}
.chart .part0{fill:#2f7d4f}.chart .part1{fill:#86c59b}.chart .part2{fill:#c8413c}.chart .part3{fill:#e69500}.chart .part4{fill:#8a93a8}.chart .bracket{fill:none;stroke:var(--fg);stroke-width:1.5}
.chart .band{fill:var(--accent);fill-opacity:.22}.chart .node{fill:var(--accent)}.chart .node.expected{stroke:var(--fg);stroke-width:2}.chart .ended-success{fill:#2f7d4f}.chart .ended-failure{fill:#c8413c}
.chart .series0{stroke:var(--accent);fill:var(--accent)}.chart .series1{stroke:var(--red);fill:var(--red)}.chart .series2{stroke:#2f7d4f;fill:#2f7d4f}.chart .series3{stroke:#e69500;fill:#e69500}.chart .fit{fill:none;stroke-width:2}.chart .point{stroke:none}
.chart .axis{stroke:var(--line)}.chart .interval{stroke:var(--muted);stroke-width:2}.chart .share{fill:var(--red)}
details.shot summary{cursor:pointer;color:var(--accent);font-size:12px}a.moment{font-size:12px;white-space:nowrap;text-decoration:none;color:var(--accent)}
figure.screen{margin:4px 0}figure.screen figcaption{font-size:11px;color:var(--faint)}
figure.screen pre{margin:0;padding:6px 8px;border-radius:4px;overflow-x:auto;background:#10131a;color:#e3e6ee;font:clamp(6px,calc((100vw - 80px) / (var(--cols) * 0.62)),12px)/1.25 ui-monospace,'DejaVu Sans Mono',Menlo,monospace}
.screen .b{font-weight:700}.screen .d{opacity:.6}.screen .i{font-style:italic}.screen .u{text-decoration:underline}.screen .r{background:#e3e6ee;color:#10131a}
figure.figure{margin:16px 0 6px}figure.figure figcaption{font-size:13px;font-weight:600;color:var(--muted)}
.muted{color:var(--faint)}code{background:var(--head);padding:0 3px;border-radius:3px}
@media (max-width:640px){body{padding:12px;font-size:14px}h1{font-size:22px}h2{font-size:18px}
.table{overflow:visible}table,tbody,tr,td{display:block;width:100%}tr:first-child{display:none}
tr{border:1px solid var(--line);border-radius:6px;margin:0 0 8px;padding:4px 0}
td{border:0;padding:2px 10px;text-align:left}td.n{text-align:left;white-space:normal}
td::before{content:attr(data-label);display:inline-block;min-width:42%;margin-right:8px;color:var(--muted);font-weight:600}}
@media print{:root{--bg:#fff;--fg:#000;--muted:#333;--faint:#555;--line:#ccc;--head:#eee;--accent:#4c78c8;--red:#c8413c;--warn:#fff4e0}
body{max-width:none;padding:0;font-size:11px}.table{overflow:visible}
table{width:100%;font-size:8px}th,td,td.n{padding:2px 3px;overflow-wrap:break-word;white-space:normal}
.replays,details.shot,a.moment{display:none}h2{break-before:page}h2:first-of-type{break-before:auto}h2,h3,h4{break-after:avoid}tr,.chart,figure,.warning{break-inside:avoid}}
";

/// The report as a page.
pub fn render(report: &Report) -> String {
    page(report, Page::default())
}

/// A session to watch in the report: its heading, its asciicast, and where in it each
/// step is first shown.
pub struct Replay {
    pub title: String,
    pub cast: String,
    /// Whose session (and its id), and of which flow version.
    pub participant: String,
    pub session: String,
    pub version: VersionKey,
    /// Each step shown, at the time it first was.
    pub steps: Vec<(String, u64)>,
}

/// What a page holds beside the report: the studies' documents before it, the replays
/// after it, and the steps' screens in its step rows.
#[derive(Default)]
pub struct Page {
    pub studies: Vec<Document>,
    pub replays: Vec<Replay>,
    pub screens: Screens,
}

/// The player the report's replays play in (vendored: assets/asciinema-player).
const PLAYER_JS: &str = include_str!("../../assets/asciinema-player/asciinema-player.min.js");
const PLAYER_CSS: &str = include_str!("../../assets/asciinema-player/asciinema-player.css");

/// The report as a page, with the studies (each reported as one) before it and the
/// replays after it: each a player that pauses at every step, question and note (the
/// cast's markers), at the recorded pace, and each step row a link to the moments the
/// replays show its step. The page then carries the player's script; without replays it
/// has none.
pub fn page(report: &Report, page: Page) -> String {
    let mut shown = Illustrations {
        screens: page.screens,
        ..Illustrations::default()
    };
    for (i, replay) in page.replays.iter().enumerate() {
        shown.sessions.entry(replay.session.clone()).or_insert(i);
        let steps = shown.moments.entry(replay.version.clone()).or_default();
        for (step, at_ms) in &replay.steps {
            steps.entry(step.clone()).or_default().push(Moment {
                replay: i,
                participant: replay.participant.clone(),
                at_ms: *at_ms,
            });
        }
    }
    let mut studies = page.studies;
    let flows = words::after_studies(report, &shown, &mut studies);
    // The page is named for what it reports on: the study, or the flows.
    let title = (studies.iter())
        .find_map(Document::title)
        .unwrap_or_else(|| words::title(report));
    let mut out = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>\n",
        escape(&title)
    );
    for study in &studies {
        let _ = writeln!(out, "<section class=\"study\">{}</section>", study.html());
    }
    let _ = writeln!(out, "<section>{}</section>", flows.html());
    if !page.replays.is_empty() {
        out.push_str(&replays_section(&page.replays));
    }
    out.push_str("</body></html>\n");
    out
}

/// The replays, and the player that plays them: each cast as JSON in the page (no `<` in
/// it, so nothing can end its script), each player kept in `mvxReplays` in the order
/// shown.
fn replays_section(replays: &[Replay]) -> String {
    let mut out = String::from("<section class=\"replays\"><h2>Replays</h2>");
    out.push_str(
        "<p>Each session as the participant saw it, at the recorded pace: every pause is \
         theirs. The player stops at each step, question and note; play goes on, the \
         markers on its bar jump to each. A ▶ beside a step in a Steps table plays a \
         replay from the moment that step was shown.</p>",
    );
    for (i, replay) in replays.iter().enumerate() {
        let _ = write!(
            out,
            "<h3>{}</h3><div class=\"replay\" id=\"replay-{i}\"></div>",
            escape(&replay.title)
        );
    }
    let casts: Vec<&str> = replays.iter().map(|r| r.cast.as_str()).collect();
    let json = serde_json::to_string(&casts).unwrap_or_else(|_| "[]".into());
    // `<` only ever appears inside the casts' strings: written `\u003c`, as JSON allows,
    // nothing in them can end the script or open a comment in it.
    let json = json.replace('<', "\\u003c");
    let _ = write!(
        out,
        "<style>{PLAYER_CSS}</style><script>{PLAYER_JS}</script>\
         <script type=\"application/json\" id=\"mvx-casts\">{json}</script>\
         <script>window.mvxReplays=JSON.parse(document.getElementById('mvx-casts').textContent)\
         .map(function(cast,i){{return AsciinemaPlayer.create({{data:cast}},\
         document.getElementById('replay-'+i),{{pauseOnMarkers:true,fit:'width',poster:'npt:0:1'}});}});\
         document.addEventListener('click',function(e){{var a=e.target.closest&&e.target.closest('a.moment');\
         var p=a&&window.mvxReplays[+a.dataset.replay];if(!p)return;e.preventDefault();\
         document.getElementById('replay-'+a.dataset.replay).scrollIntoView({{block:'center'}});\
         p.seek(+a.dataset.at+0.001).then(function(){{p.play();}});}});</script>\
         </section>"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cast holds what participants typed: nothing in it can end the page's script
    /// (every `<` is written `\\u003c`, which JSON reads back as it was).
    #[test]
    fn a_cast_in_the_page_cannot_end_its_script() {
        let report = crate::report::ReportBuilder::new(None).finish();
        let replay = Replay {
            title: "P01 <b>".into(),
            cast: "{\"version\":2}\n[1.0,\"o\",\"</script><script>alert(1)</script>\"]\n".into(),
            participant: "P01".into(),
            session: "s-1".into(),
            version: ("f".into(), None, "abc".into()),
            steps: Vec::new(),
        };
        let page = page(
            &report,
            Page {
                replays: vec![replay],
                ..Page::default()
            },
        );
        let data = page
            .split("id=\"mvx-casts\">")
            .nth(1)
            .and_then(|d| d.split("</script>").next());
        let casts: Vec<String> = serde_json::from_str(data.expect("the casts")).expect("JSON");
        assert!(casts[0].contains("</script><script>alert(1)</script>"));
        assert!(page.contains("<h3>P01 &lt;b&gt;</h3>"));
        assert!(!data.expect("the casts").contains('<'));
    }

    #[test]
    fn a_page_without_replays_has_no_script() {
        let report = crate::report::ReportBuilder::new(None).finish();
        assert!(!render(&report).contains("<script"));
    }
}
