//! The report as one self-contained HTML file: the document of `report/words.rs` in a
//! page with inline CSS and SVG charts, no scripts, no network.

use std::fmt::Write as _;

use super::document::Document;
use super::escape::escape;
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
.chart .axis{stroke:var(--line)}.chart .interval{stroke:var(--muted);stroke-width:2}.chart .share{fill:var(--red)}
.muted{color:var(--faint)}code{background:var(--head);padding:0 3px;border-radius:3px}
@media (max-width:640px){body{padding:12px;font-size:14px}h1{font-size:22px}h2{font-size:18px}
.table{overflow:visible}table,tbody,tr,td{display:block;width:100%}tr:first-child{display:none}
tr{border:1px solid var(--line);border-radius:6px;margin:0 0 8px;padding:4px 0}
td{border:0;padding:2px 10px;text-align:left}td.n{text-align:left;white-space:normal}
td::before{content:attr(data-label);display:inline-block;min-width:42%;margin-right:8px;color:var(--muted);font-weight:600}}
@media print{:root{--bg:#fff;--fg:#000;--muted:#333;--faint:#555;--line:#ccc;--head:#eee;--accent:#4c78c8;--red:#c8413c;--warn:#fff4e0}
body{max-width:none;padding:0;font-size:11px}.table{overflow:visible}table{font-size:10px}
.replays{display:none}h2{break-before:page}h2:first-of-type{break-before:auto}h2,h3,h4{break-after:avoid}tr,.chart,.warning{break-inside:avoid}}
";

/// The report as a page.
pub fn render(report: &Report) -> String {
    render_with(report, &[])
}

/// A session to watch in the report: its heading and its asciicast.
pub struct Replay {
    pub title: String,
    pub cast: String,
}

/// The player the report's replays play in (vendored: assets/asciinema-player).
const PLAYER_JS: &str = include_str!("../../assets/asciinema-player/asciinema-player.min.js");
const PLAYER_CSS: &str = include_str!("../../assets/asciinema-player/asciinema-player.css");

/// The report as a page, with `studies` (each study reported as one) before it.
pub fn render_with(report: &Report, studies: &[Document]) -> String {
    render_with_replays(report, studies, &[])
}

/// The report as a page, with `studies` before it and `replays` after it: each a player
/// that pauses at every step, question and note (the cast's markers), at the recorded
/// pace. The page then carries the player's script; without replays it has none.
pub fn render_with_replays(report: &Report, studies: &[Document], replays: &[Replay]) -> String {
    let flows = words::document(report);
    // The page is named for what it reports on: the study, or the flows.
    let title = (studies.iter())
        .find_map(Document::title)
        .unwrap_or_else(|| words::title(report));
    let mut out = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>\n",
        escape(&title)
    );
    for study in studies {
        let _ = writeln!(out, "<section class=\"study\">{}</section>", study.html());
    }
    let _ = writeln!(out, "<section>{}</section>", flows.html());
    if !replays.is_empty() {
        out.push_str(&replays_section(replays));
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
         markers on its bar jump to each.</p>",
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
         document.getElementById('replay-'+i),{{pauseOnMarkers:true,fit:'width',poster:'npt:0:1'}});}});</script>\
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
        };
        let page = render_with_replays(&report, &[], &[replay]);
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
