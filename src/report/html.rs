//! The report as one self-contained HTML file: the document of `report/words.rs` in a
//! page with inline CSS and SVG charts, no scripts, no network.

use std::fmt::Write as _;

use super::document::Document;
use super::{Report, words};

const STYLE: &str = "
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2330;max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:21px;margin-top:36px;border-bottom:2px solid #e3e6ee;padding-bottom:4px}
h3{font-size:17px;margin-top:28px}h4{font-size:15px;margin:22px 0 6px;color:#46506a}
table{border-collapse:collapse;margin:6px 0 10px;font-size:13.5px}th,td{border-bottom:1px solid #e3e6ee;padding:4px 9px;text-align:left;vertical-align:top}
th{background:#f4f6fa;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
.summary li{margin:4px 0}.warning{background:#fff4e0;border-left:4px solid #e69500;padding:6px 10px}
.chart{display:block;max-width:100%;height:auto;margin:6px 0}.chart .label,.chart .value{font-size:12px;fill:#46506a}
.chart .bar{fill:#4c78c8}.chart .dot{fill:#4c78c8;fill-opacity:.55}.chart .median{stroke:#c8413c;stroke-width:2.5}
.chart .axis{stroke:#dde1ea}.chart .interval{stroke:#46506a;stroke-width:2}.chart .share{fill:#c8413c}
.muted{color:#6b7388}code{background:#f4f6fa;padding:0 3px;border-radius:3px}
@media print{body{padding:0;font-size:12px}h2{break-before:page}h2:first-of-type{break-before:auto}article,table,.chart{break-inside:avoid}}
";

/// The report as a page.
pub fn render(report: &Report) -> String {
    render_with(report, &[])
}

/// The report as a page, with `studies` (each study reported as one) before it.
pub fn render_with(report: &Report, studies: &[Document]) -> String {
    let mut out = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>mvx report</title><style>{STYLE}</style></head><body>\n"
    );
    for study in studies {
        let _ = writeln!(out, "<section class=\"study\">{}</section>", study.html());
    }
    let _ = writeln!(out, "<section>{}</section>", words::document(report).html());
    out.push_str("</body></html>\n");
    out
}
