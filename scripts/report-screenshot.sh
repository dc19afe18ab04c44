#!/usr/bin/env bash
# Renders the HTML report of the two-variant test study in headless Chromium and saves
# a screenshot, to look at how the report reads in a real browser (laptop width and A4
# print). Needs Debian's chromium package: apt-get install chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/report-demo}"
mkdir -p "$out"
MVX_DEMO_REPORT="$PWD/$out/report.html" cargo test --quiet --test report the_html_report_is_one_self_contained_file
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --user-data-dir="$(mktemp -d)")
chromium "${flags[@]}" --window-size=1366,4000 --screenshot="$PWD/$out/laptop.png" "file://$PWD/$out/report.html"
chromium "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$PWD/$out/print.pdf" "file://$PWD/$out/report.html"
echo "wrote $out/report.html, $out/laptop.png and $out/print.pdf"
