#!/usr/bin/env bash
# Regeneration benchmark (not a test): full knowledge-base regeneration by modelmeter versus the
# cmark command-line tool converting the same Markdown pages. Prints mean wall times.
# Usage: scripts/benchmark.sh [path/to/modelmeter] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/release/modelmeter}
RUNS=${2:-20}
command -v cmark >/dev/null || { echo "benchmark: installing the cmark CLI (Debian package cmark)" >&2; apt-get install -y -qq cmark >/dev/null; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

"$BIN" report --output "$WORK/site" >/dev/null   # warm-up, and the Markdown cmark will convert
PAGES=("$WORK"/site/kb/*.md)

mean_ms() { # command... ; runs it $RUNS times, prints the mean in milliseconds
    local start end
    start=$(date +%s%N)
    for _ in $(seq "$RUNS"); do "$@" >/dev/null; done
    end=$(date +%s%N)
    echo "scale=2; ($end - $start) / 1000000 / $RUNS" | bc
}
regenerate() { "$BIN" report --output "$WORK/out"; }
cmark_pages() { for page in "${PAGES[@]}"; do cmark --unsafe "$page"; done; }
cmark_once() { cat "${PAGES[@]}" | cmark; }

SITE=$(mean_ms regenerate)
CMARK_EACH=$(mean_ms cmark_pages)
CMARK_ONE=$(mean_ms cmark_once)
BYTES=$(cat "${PAGES[@]}" | wc -c)
echo "pages: ${#PAGES[@]} Markdown pages, $BYTES bytes; runs: $RUNS"
echo "modelmeter full regeneration (models + every page in Markdown and HTML + SVG + JSON, atomic swap): $SITE ms"
echo "cmark CLI, one process per page:                $CMARK_EACH ms  (ratio $(echo "scale=2; $SITE / $CMARK_EACH" | bc))"
echo "cmark CLI, all pages in one process:            $CMARK_ONE ms  (ratio $(echo "scale=2; $SITE / $CMARK_ONE" | bc))"
if "$BIN" sweep --help >/dev/null 2>&1 && "$BIN" sweep --help 2>&1 | grep -q -- "--points"; then
    "$BIN" sweep --over batch --points 10000
fi
# Page cost: 100,000 page points (page size x output tokens x batch x GPU), one core, caches cold.
if "$BIN" page --help >/dev/null 2>&1; then
    "$BIN" page --benchmark-points 100000
fi
