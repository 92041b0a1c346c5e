#!/usr/bin/env bash
# Crash-safe resume, measured: a 5,000-page local site is crawled with --state and killed with SIGKILL
# at three random moments, each time followed by a run on the same state; then one last run finishes.
# Compares the union of the outputs with a reference crawl (no state) of the same site: pages missed,
# pages recorded more than once (bounded by what was in flight at each kill: --concurrency).
#
#   Scripts/state-resume.sh [concurrency]
set -euo pipefail
cd "$(dirname "$0")/.."
concurrency=${1:-16}
swift build -c release --static-swift-stdlib -Xswiftc -use-ld=lld 2>&1 | tail -n 1  # the README's release build
bin=.build/release/crawl
work=$(mktemp -d)
"$bin" demo --hosts 4 --pages-per-host 1250 --large-page-every 0 --serve "$work/seeds.txt" 2>"$work/serve.log" &
server=$!
cleanup() { kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 100); do [ -s "$work/seeds.txt" ] && break; sleep 0.1; done

flags=(--seeds "$work/seeds.txt" --host-rate 0 --host-concurrency 8 --concurrency "$concurrency" --retries 0 --quiet)
# Host-rate 0 and a release build crawl the site in about a second; the kills land inside that.
start=$(date +%s.%N)
"$bin" "${flags[@]}" --output "$work/reference.jsonl"
reference_seconds=$(echo "$(date +%s.%N) - $start" | bc -l)
printf 'reference crawl (no state): %d records in %.2f s\n' "$(wc -l < "$work/reference.jsonl")" "$reference_seconds"

for kill in 1 2 3; do
  "$bin" "${flags[@]}" --state "$work/state" --output "$work/run$kill.jsonl" &
  pid=$!
  # A random moment within the first 40% of a whole crawl's time.
  delay=$(python3 -c "import random; print(round(random.uniform(0.1, 0.4) * $reference_seconds, 3))")
  sleep "$delay"
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; state="killed"; else state="had already finished"; fi
  wait "$pid" 2>/dev/null || true
  printf 'run %d: %s after %.3f s, %d lines written\n' "$kill" "$state" "$delay" "$(wc -l < "$work/run$kill.jsonl")"
done
"$bin" "${flags[@]}" --state "$work/state" --output "$work/final.jsonl"
printf 'final run: exit %d, %d records\n' $? "$(wc -l < "$work/final.jsonl")"

python3 - "$work" "$concurrency" <<'PY'
import json, sys, collections
work, concurrency = sys.argv[1], int(sys.argv[2])
def records(name):
    with open(f"{work}/{name}") as f:
        return [json.loads(line) for line in f]  # fails on a torn or invalid line
def reached(recs):
    out = set()
    for r in recs:
        out.add(r["dedup_key"] if "dedup_key" in r else r["url"])
        if r["redirects"] > 0: out.add(r["final_url"])
    return out
ref = records("reference.jsonl")
runs = [records(f"run{i}.jsonl") for i in (1, 2, 3)] + [records("final.jsonl")]
counts = collections.Counter(r["dedup_key"] for recs in runs for r in recs)
union = set().union(*(reached(recs) for recs in runs))
expected = reached(ref)
twice = [k for k, v in counts.items() if v > 1]
print(f"reference URLs {len(expected)}; union of the 4 runs {len(union)}; missed {len(expected - union)}; "
      f"extra {len(union - expected)}")
print(f"URLs recorded more than once: {len(twice)} (bound: 3 kills x --concurrency {concurrency} = {3 * concurrency})")
print(f"run ids: {[sorted({r['run_id'] for r in recs}) for recs in runs]}")
sys.exit(0 if not (expected - union) and len(twice) <= 3 * concurrency else 1)
PY
