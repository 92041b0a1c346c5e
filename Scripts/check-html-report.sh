#!/usr/bin/env bash
# Checks that `crawl report --html` draws its charts in a real browser.
#
#   Scripts/check-html-report.sh [CRAWL_BINARY] [OUT_DIR]
#
# Generates a synthetic JSONL file, writes the HTML report with CRAWL_BINARY (default
# .build/debug/crawl, else .build/release/crawl), renders it with headless Chromium (installed from
# Debian packages if missing) to OUT_DIR/report.png, and checks the rendered DOM has every chart
# with drawn shapes and that the screenshot is not blank. Exit 0 when all checks pass.
set -euo pipefail
cd "$(dirname "$0")/.."

crawl="${1:-}"
if [[ -z "$crawl" ]]; then
  for c in .build/debug/crawl .build/release/crawl; do [[ -x "$c" ]] && crawl="$c" && break; done
fi
[[ -n "$crawl" && -x "$crawl" ]] || { echo "check-html-report: no crawl binary (build first, or pass its path)" >&2; exit 2; }
out="${2:-$(mktemp -d)}"
mkdir -p "$out"

if ! command -v chromium >/dev/null 2>&1; then
  echo "check-html-report: installing chromium (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi

python3 Scripts/make-report-fixture.py "$out/fixture.jsonl" 3000
"$crawl" report "$out/fixture.jsonl" --html "$out/report.html" >"$out/report.txt" 2>"$out/report.err"
echo "check-html-report: report written ($(wc -c <"$out/report.html") bytes); stderr said: $(tr '\n' ' ' <"$out/report.err")"

# A throw-away profile directory keeps the run from touching any real browser profile.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --user-data-dir="$profile" --no-first-run --hide-scrollbars)
timeout 120 chromium "${flags[@]}" --screenshot="$out/report.png" --window-size=1280,2000 "file://$(realpath "$out/report.html")" >"$out/chromium.log" 2>&1 || true
timeout 120 chromium "${flags[@]}" --dump-dom "file://$(realpath "$out/report.html")" >"$out/dom.html" 2>>"$out/chromium.log" || true

python3 - "$out" <<'PY'
import re, sys, os, zlib, struct
out = sys.argv[1]
dom = open(os.path.join(out, "dom.html"), encoding="utf-8").read()
problems = []
svgs = re.findall(r"<svg\b.*?</svg>", dom, re.S)
print(f"check-html-report: {len(svgs)} <svg> charts in the rendered DOM")
if len(svgs) < 5: problems.append(f"expected 5 charts, found {len(svgs)}")
for i, svg in enumerate(svgs):
    label = re.search(r'aria-label="([^"]*)"', svg)
    shapes = len(re.findall(r"<(?:rect|circle)\b", svg)) + len(re.findall(r'<path\b[^>]*\bd="M', svg))
    print(f"  chart {i + 1} ({label.group(1) if label else '?'}): {shapes} shapes")
    if shapes == 0: problems.append(f"chart {i + 1} has no shapes")
# The sort script ran: clicking is not possible headless, but the DOM must still hold the tables.
tables = len(re.findall(r'<table class="sortable"', dom))
print(f"check-html-report: {tables} sortable tables")
if tables < 5: problems.append("missing tables")
for bad in re.findall(r'(?:src|href)\s*=\s*["\']?(?:https?:)?//', dom):
    problems.append("external load: " + bad)

# PNG: decode with zlib (no extra packages) and count distinct colours on a sample of rows.
png = open(os.path.join(out, "report.png"), "rb").read() if os.path.exists(os.path.join(out, "report.png")) else b""
print(f"check-html-report: screenshot {len(png)} bytes")
if len(png) < 20_000: problems.append("screenshot missing or tiny")
else:
    pos, idat, w, h = 8, b"", 0, 0
    while pos < len(png):
        ln, typ = struct.unpack(">I4s", png[pos:pos + 8]); data = png[pos + 8:pos + 8 + ln]; pos += 12 + ln
        if typ == b"IHDR": w, h, depth, ctype = struct.unpack(">IIBB", data[:10])
        elif typ == b"IDAT": idat += data
    raw = zlib.decompress(idat); bpp = {2: 3, 6: 4}.get(ctype, 3); stride = w * bpp
    # Undo PNG filters to read pixels.
    prev = bytearray(stride); colours = set(); nonwhite = 0
    for y in range(h):
        f = raw[y * (stride + 1)]; line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
        if y % 4 == 0:
            for x in range(0, w, 4):
                px = tuple(line[x * bpp:x * bpp + 3]); colours.add(px)
                if px != (255, 255, 255): nonwhite += 1
    print(f"check-html-report: {w}x{h} screenshot, {len(colours)} distinct colours, {nonwhite} non-white sampled pixels")
    if len(colours) < 8 or nonwhite < 2000: problems.append("screenshot looks blank")
if problems:
    print("check-html-report: FAILED: " + "; ".join(problems)); sys.exit(1)
print(f"check-html-report: OK (files in {out})")
PY
