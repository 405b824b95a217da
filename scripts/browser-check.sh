#!/usr/bin/env bash
# Renders every page of the knowledge base in headless Chromium at 1400 px and 390 px and fails
# when, after layout, a table is wider than its container at 1400 px or a link's #fragment
# names no element on its target page. Optionally keeps screenshots.
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
  var wide = document.documentElement.scrollWidth > window.innerWidth + 1;
  var text = "BROWSERCHECK width=" + window.innerWidth + " tables=" + tables.length + " pagewide=" + wide +
    " links=" + links.length + " problems=" + problems.length + (problems.length ? " :: " + problems.join(" | ") : "");
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
        if [ "$width" = 1400 ] && [ "$count" != 0 ]; then
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
    for name in index op-Attention; do
        run_browser --window-size=1400,1800 --screenshot="$shots/$name-1400.png" "file://$html/$name.html" >/dev/null || true
        run_browser --window-size=390,1400 --screenshot="$shots/$name-390.png" "file://$html/$name.html" >/dev/null || true
    done
    echo "screenshots in $shots"
fi

echo "browser-check: $pages pages at 1400 px and 390 px, $failures failure(s)"
[ "$failures" = 0 ]
