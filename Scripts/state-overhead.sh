#!/usr/bin/env bash
# What --state costs: the same 20,000-page local site crawled without and with a (fresh) state,
# alternating, several times; prints each run and the medians (pages/s, CPU seconds, peak RSS) and
# the with/without ratios.
#
#   Scripts/state-overhead.sh [repetitions]
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install -y time)"; exit 1; }
swift build -c release --static-swift-stdlib -Xswiftc -use-ld=lld 2>&1 | tail -n 1  # the README's release build
bin=.build/release/crawl
work=$(mktemp -d)
"$bin" demo --hosts 8 --pages-per-host 2500 --large-page-every 0 --serve "$work/seeds.txt" 2>"$work/serve.log" &
server=$!
cleanup() { kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 100); do [ -s "$work/seeds.txt" ] && break; sleep 0.1; done

: > "$work/results"
for rep in $(seq "$reps"); do
  for mode in plain state; do
    extra=()
    [ "$mode" = state ] && { rm -rf "$work/state"; extra=(--state "$work/state"); }
    /usr/bin/time -f "%M %e %U %S" -o "$work/time" "$bin" --seeds "$work/seeds.txt" --output "$work/out.jsonl" \
      --concurrency 32 --host-rate 0 --host-concurrency 8 --quiet "${extra[@]}"
    read -r rss wall user sys < <(tail -n 1 "$work/time")
    records=$(wc -l < "$work/out.jsonl")
    echo "$mode $records $wall $(echo "$user+$sys" | bc -l) $rss" >> "$work/results"
    printf '%-6s run %d: %6d records  %5.2f s  %7.0f pages/s  cpu %5.2f s  peak RSS %5.1f MiB\n' "$mode" "$rep" \
      "$records" "$wall" "$(echo "$records/$wall" | bc -l)" "$(echo "$user+$sys" | bc -l)" "$(echo "$rss/1024" | bc -l)"
  done
done
python3 - "$work/results" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
def med(mode, f): return statistics.median(f(r) for r in rows if r[0] == mode)
pps = {m: med(m, lambda r: int(r[1]) / float(r[2])) for m in ("plain", "state")}
cpu = {m: med(m, lambda r: float(r[3]) / int(r[1]) * 1000) for m in ("plain", "state")}
rss = {m: med(m, lambda r: int(r[4]) / 1024) for m in ("plain", "state")}
for m in ("plain", "state"):
    print(f"median {m:6s} {pps[m]:7.0f} pages/s  {cpu[m]:.3f} CPU ms/page  {rss[m]:.1f} MiB")
print(f"--state / plain: speed {pps['state'] / pps['plain']:.2f}x, CPU per page {cpu['state'] / cpu['plain']:.2f}x, "
      f"peak RSS {rss['state'] / rss['plain']:.2f}x")
PY
