#!/usr/bin/env bash
# The durable state at scale: a state holding N URLs (default 1,000,000) stays on disk, and a run with
# it loaded keeps a small RSS. Three runs against a small local site, each measured with /usr/bin/time:
#   baseline   no --state
#   all done   the N URLs are done (the run loads them into the seen set: 8-byte fingerprints)
#   all queued the N URLs are queued (the run keeps at most 10,000 in memory, reads the rest in
#              batches from the store; stopped after --max-duration)
#
#   Scripts/state-scale.sh [urls] [seconds for the queued run]
set -euo pipefail
cd "$(dirname "$0")/.."
urls=${1:-1000000}
seconds=${2:-20}
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install -y time)"; exit 1; }
swift build -c release --static-swift-stdlib -Xswiftc -use-ld=lld 2>&1 | tail -n 1  # the README's release build
bin=.build/release/crawl
work=$(mktemp -d)
"$bin" demo --hosts 1 --pages-per-host 100 --large-page-every 0 --serve "$work/seeds.txt" 2>"$work/serve.log" &
server=$!
cleanup() { kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 100); do [ -s "$work/seeds.txt" ] && break; sleep 0.1; done
base=$(head -1 "$work/seeds.txt"); base=${base%/}

run() {  # label, extra flags...
  local label=$1; shift
  /usr/bin/time -f "%M %e %U %S" -o "$work/time" "$bin" --seeds "$work/seeds.txt" --output "$work/out.jsonl" \
    --concurrency 32 --host-rate 0 --host-concurrency 32 --retries 0 "$@" 2>"$work/err" || true
  local rss wall user sys; read -r rss wall user sys < <(tail -n 1 "$work/time")  # (after "Command exited with non-zero status")
  printf '%-34s peak RSS %6.1f MiB  wall %5.1f s  cpu %5.1f s  records %7d\n' "$label" "$(echo "$rss/1024" | bc -l)" \
    "$wall" "$(echo "$user+$sys" | bc -l)" "$(wc -l < "$work/out.jsonl")"
}

run "baseline (no --state)"
run "first run with --state" --state "$work/state"
echo "adding $urls URLs to the state..."
python3 - "$work/state/state.sqlite" "$base" "$urls" <<'PY'
import sqlite3, sys, time
path, base, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
M = (1 << 64) - 1
def fingerprint(key):  # URLFingerprint: FNV-1a 64 over the UTF-8 bytes, then the splitmix64 finaliser
    h = 0xcbf29ce484222325
    for b in key.encode():
        h = ((h ^ b) * 0x100000001b3) & M
    h ^= h >> 30; h = (h * 0xbf58476d1ce4e5b9) & M
    h ^= h >> 27; h = (h * 0x94d049bb133111eb) & M
    h ^= h >> 31
    return h - (1 << 64) if h >= (1 << 63) else h
db = sqlite3.connect(path)
first = db.execute("SELECT COALESCE(max(seq), 0) + 1 FROM urls").fetchone()[0]
now = int(time.time() * 1000)
rows = ((first + i, fingerprint(f"{base}/bulk/{i}"), f"{base}/bulk/{i}", 1, f"{base}/", now) for i in range(n))
db.executemany("INSERT INTO urls(seq, fp, url, depth, parent, state, fetched_at, status, outcome) "
               "VALUES (?, ?, ?, ?, ?, 1, ?, 404, 'http_error')", rows)
db.commit()
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(f"state: {db.execute('SELECT count(*) FROM urls').fetchone()[0]} URLs")
PY
printf 'state on disk: %s\n' "$(du -sh "$work/state" | cut -f1)"
run "all done ($urls URLs loaded)" --state "$work/state"
sqlite3 "$work/state/state.sqlite" "UPDATE urls SET state = 0 WHERE url LIKE '%/bulk/%'" 2>/dev/null \
  || python3 -c "import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute(\"UPDATE urls SET state=0 WHERE url LIKE '%/bulk/%'\"); d.commit()" "$work/state/state.sqlite"
run "all queued ($urls URLs, ${seconds}s)" --state "$work/state" --max-duration "${seconds}s"
grep -h 'msg="crawl finished"' "$work/err" | sed 's/.*records=/records=/' | cut -c1-160
printf 'state on disk after: %s\n' "$(du -sh "$work/state" | cut -f1)"
