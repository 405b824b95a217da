#!/usr/bin/env bash
# Renders every page of the knowledge base in headless Chromium at 1400 px and 390 px and fails
# when, after layout, a table is wider than its container at 1400 px, a link's #fragment names
# no element on its target page, two text labels of a chart overlap, text is under 9 px at
# 390 px, Mermaid source is left on a page, or the summary's stage rows miss its total row.
# Optionally keeps screenshots.
#
#   scripts/browser-check.sh [SITE_DIR] [SCREENSHOT_DIR]
#
# SITE_DIR defaults to a fresh `modelmeter report` in a temporary folder. The published pages
# have no scripts: the measuring script is added to temporary copies only.
set -euo pipefail
cd "$(dirname "$0")/.."

browser=""
for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then browser=$candidate; break; fi
done
if [ -z "$browser" ]; then
    echo "browser-check: no chromium found (Debian: apt-get install chromium)" >&2
    exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
site=${1:-}
if [ -z "$site" ]; then
    swift build -c release --product modelmeter >/dev/null
    .build/release/modelmeter report --output "$work/site" >/dev/null
    site="$work/site"
fi
shots=${2:-}
html="$site/html"
[ -f "$html/index.html" ] || { echo "browser-check: $html/index.html missing" >&2; exit 2; }

# The measuring script, added before </body> of each temporary copy. It writes one line into
# the DOM that --dump-dom prints: tables wider than their box, and same-page links whose
# fragment names no element.
cat > "$work/measure.js" <<'JS'
(function () {
  var problems = [];
  var tables = document.querySelectorAll("main table");
  for (var i = 0; i < tables.length; i++) {
    var t = tables[i];
    var container = t.parentElement.getBoundingClientRect().width;
    // Tables are display:block with overflow-x:auto: overflow shows as scrollWidth > clientWidth.
    if (t.scrollWidth > t.clientWidth + 1 || t.getBoundingClientRect().width > container + 1) {
      var head = t.querySelector("th");
      problems.push("table " + (i + 1) + " (" + (head ? head.textContent : "") + ") is " + t.scrollWidth + " px wide in " + Math.round(Math.min(container, t.clientWidth)) + " px");
    }
  }
  var links = document.querySelectorAll("a[href^='#']");
  for (var j = 0; j < links.length; j++) {
    var id = decodeURIComponent(links[j].getAttribute("href").slice(1));
    if (!document.getElementById(id)) problems.push("broken anchor #" + id);
  }
  // Hard problems fail at every width: chart labels that overlap, text under 9 px at phone
  // width, Mermaid source left on the page, a summary whose stage rows miss its total.
  var hard = [];
  var svgs = document.querySelectorAll("main svg");
  for (var s = 0; s < svgs.length; s++) {
    var svg = svgs[s];
    var texts = Array.prototype.filter.call(svg.querySelectorAll("text"), function (t) {
      // Rotated text (axis titles, the bandwidth slope's label) has no upright box to compare.
      return !t.hasAttribute("transform") && t.textContent.trim() !== "";
    });
    var boxes = texts.map(function (t) { return t.getBoundingClientRect(); });
    var name = (svg.querySelector("text") || {}).textContent || "";
    for (var a = 0; a < boxes.length; a++) {
      for (var b = a + 1; b < boxes.length; b++) {
        var p = boxes[a], q = boxes[b];
        var dx = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        var dy = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (dx > 1 && dy > 1) hard.push("chart '" + name.slice(0, 50) + "': label '" + texts[a].textContent.slice(0, 40) + "' overlaps '" + texts[b].textContent.slice(0, 40) + "'");
      }
    }
    var viewBox = svg.viewBox && svg.viewBox.baseVal;
    var scale = viewBox && viewBox.width ? svg.getBoundingClientRect().width / viewBox.width : 1;
    if (window.innerWidth <= 400) {
      for (var k = 0; k < texts.length; k++) {
        var size = parseFloat(getComputedStyle(texts[k]).fontSize) * scale;
        if (size < 9) { hard.push("chart '" + name.slice(0, 50) + "': text '" + texts[k].textContent.slice(0, 30) + "' is " + size.toFixed(1) + " px"); break; }
      }
    }
  }
  if (window.innerWidth <= 400) {
    var blocks = document.querySelectorAll("main p, main li, main td, main th, main code, main blockquote");
    for (var m = 0; m < blocks.length; m++) {
      var px = parseFloat(getComputedStyle(blocks[m]).fontSize);
      if (px < 9 && blocks[m].textContent.trim()) { hard.push("text '" + blocks[m].textContent.slice(0, 30) + "' is " + px + " px"); break; }
    }
  }
  var codes = document.querySelectorAll("main pre code");
  for (var c = 0; c < codes.length; c++) {
    if (/language-mermaid/.test(codes[c].className) || /^\s*(flowchart|graph|sequenceDiagram)\b/.test(codes[c].textContent)) {
      hard.push("raw Mermaid source: '" + codes[c].textContent.slice(0, 30) + "'");
    }
  }
  // The summary's stage table: its rows' FLOPs and times add up to the total row (to rounding).
  var stagesHeading = document.getElementById("stages");
  var stageTable = stagesHeading && document.querySelector("#stages ~ table");
  if (stageTable) {
    var units = { "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, n: 1e-9, "µ": 1e-6, m: 1e-3 };
    var value = function (text) {
      var match = /([0-9.,]+)\s*([kMGTPnµm]?)(FLOP|B|s)\b/.exec(text);
      return match ? parseFloat(match[1].replace(/,/g, "")) * units[match[2]] : NaN;
    };
    var rows = stageTable.querySelectorAll("tbody tr");
    var sums = [0, 0, 0], totals = null;
    var columns = [1, 2, rows.length ? rows[0].cells.length - 1 : 0];
    for (var r = 0; r < rows.length; r++) {
      var cells = columns.map(function (i) { return value(rows[r].cells[i].textContent); });
      if (r === rows.length - 1) { totals = cells; break; }
      for (var i = 0; i < 3; i++) sums[i] += cells[i];
    }
    for (var i = 0; totals && i < 3; i++) {
      if (!(Math.abs(sums[i] - totals[i]) <= 0.01 * totals[i] + 1e-12)) hard.push("summary stage rows add up to " + sums[i].toPrecision(4) + " in column " + (columns[i] + 1) + " but the total row says " + totals[i].toPrecision(4));
    }
  }
  problems = problems.concat(hard);
  var wide = document.documentElement.scrollWidth > window.innerWidth + 1;
  var text = "BROWSERCHECK width=" + window.innerWidth + " tables=" + tables.length + " pagewide=" + wide +
    " links=" + links.length + " hard=" + hard.length + " problems=" + problems.length + (problems.length ? " :: " + problems.join(" | ") : "");
  // Headless windows are at least 500 px wide: narrower widths run in an iframe of a wrapper
  // page, which receives the line.
  if (window.parent !== window) { window.parent.postMessage(text, "*"); return; }
  var out = document.createElement("pre");
  out.textContent = text;
  document.body.appendChild(out);
})();
JS

run_browser() {
    timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
        --no-first-run --user-data-dir="$work/profile" "$@" 2>/dev/null
}

failures=0
pages=0
for page in "$html"/*.html; do
    name=$(basename "$page" .html)
    pages=$((pages + 1))
    copy="$work/copies/$name.html"
    mkdir -p "$work/copies"
    # Charts and downloads are referenced relatively; link them beside the copy.
    sed 's#</body>#<script src="measure.js"></script></body>#' "$page" > "$copy"
    cp "$work/measure.js" "$work/copies/measure.js"
    cat > "$work/copies/$name-narrow.html" <<HTML
<!DOCTYPE html><html><body style="margin:0"><iframe src="$name.html" style="width:390px;height:1000px;border:0"></iframe>
<pre id="result"></pre><script>window.addEventListener("message", function (e) { document.getElementById("result").textContent = e.data; });</script></body></html>
HTML
    for width in 1400 390; do
        target="file://$copy"
        [ "$width" = 390 ] && target="file://$work/copies/$name-narrow.html"
        line=$(run_browser --window-size=1400,1000 --virtual-time-budget=3000 --dump-dom "$target" \
            | grep -o 'BROWSERCHECK[^<]*' || true)
        if [ -z "$line" ]; then
            echo "FAIL $name.html @${width}px: the page did not render"
            failures=$((failures + 1))
            continue
        fi
        count=$(sed -n 's/.* problems=\([0-9]*\).*/\1/p' <<<"$line")
        anchors=$(grep -o 'broken anchor[^|]*' <<<"$line" || true)
        hardcount=$(sed -n 's/.* hard=\([0-9]*\).*/\1/p' <<<"$line")
        if [ "$width" = 1400 ] && [ "$count" != 0 ]; then
            echo "FAIL $name.html @${width}px: ${line#*:: }"
            failures=$((failures + 1))
        elif [ "$hardcount" != 0 ]; then
            echo "FAIL $name.html @${width}px: ${line#*:: }"
            failures=$((failures + 1))
        elif [ -n "$anchors" ]; then
            echo "FAIL $name.html @${width}px: $anchors"
            failures=$((failures + 1))
        elif grep -q 'pagewide=true' <<<"$line"; then
            echo "FAIL $name.html @${width}px: the page itself is wider than the window"
            failures=$((failures + 1))
        elif [ "$width" = 1400 ]; then
            echo "ok   $name.html @${width}px: ${line#BROWSERCHECK }"
        else
            # At phone width wide tables scroll sideways inside their own box; that is fine.
            echo "ok   $name.html @${width}px: ${line#BROWSERCHECK }" | sed "s/ problems=.*/ tables-scrolling=$count/"
        fi
    done
done

# Links to another page's #fragment: the id must exist on that page (static, after rendering).
for page in "$html"/*.html; do
    for target in $(grep -o 'href="[^"#:]*\.html#[^"]*"' "$page" | sed 's/^href="//; s/"$//' | sort -u); do
        file=${target%%#*}
        id=${target#*#}
        if ! grep -q "id=\"$id\"" "$html/$file" 2>/dev/null; then
            echo "FAIL $(basename "$page"): broken link $target"
            failures=$((failures + 1))
        fi
    done
done

if [ -n "$shots" ]; then
    mkdir -p "$shots"
    for name in index summary page-cost op-Attention; do
        run_browser --window-size=1400,1800 --screenshot="$shots/$name-1400.png" "file://$html/$name.html" >/dev/null || true
        run_browser --window-size=390,2400 --screenshot="$shots/$name-390.png" "file://$html/$name.html" >/dev/null || true
    done
    run_browser --window-size=1000,560 --screenshot="$shots/roofline-stage-decode.png" "file://$html/roofline-stage-decode.svg" >/dev/null || true
    echo "screenshots in $shots"
fi

echo "browser-check: $pages pages at 1400 px and 390 px, $failures failure(s)"
[ "$failures" = 0 ]
