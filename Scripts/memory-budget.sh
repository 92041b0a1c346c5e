#!/usr/bin/env bash
# Peak RSS of `crawl` against a local site with many large pages, for several --memory-budget values,
# next to a baseline run in which no large body is held (they are cut at 64 KiB). Shows that memory
# follows the budget: peak RSS stays under the budget plus the baseline.
#
#   Scripts/memory-budget.sh [large-page-bytes] [budgets...]
#   Scripts/memory-budget.sh 4MiB 16MiB 64MiB 256MiB
set -euo pipefail
cd "$(dirname "$0")/.."
large=${1:-4MiB}
shift || true
budgets=("$@")
[ ${#budgets[@]} -gt 0 ] || budgets=(16MiB 64MiB 256MiB)
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install -y time)"; exit 1; }

swift build -c release --static-swift-stdlib -Xswiftc -use-ld=lld 2>&1 | tail -n 1  # the README's release build
bin=.build/release/crawl
work=$(mktemp -d)
"$bin" demo --hosts 4 --pages-per-host 60 --large-page-every 2 --large-page-bytes "$large" \
  --serve "$work/seeds.txt" 2>"$work/serve.log" &
server=$!
cleanup() { kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 100); do [ -s "$work/seeds.txt" ] && break; sleep 0.1; done

run() {  # label, extra flags...; sets RSS (KiB)
  local label=$1; shift
  /usr/bin/time -f "%M %e %U %S" -o "$work/time" "$bin" --seeds "$work/seeds.txt" --output "$work/out.jsonl" \
    --concurrency 32 --host-rate 0 --host-concurrency 8 --max-body-bytes 16MiB "$@" 2>"$work/err" || true
  local wall user sys
  read -r RSS wall user sys < "$work/time"
  local summary; summary=$(grep 'msg="crawl finished"' "$work/err" | sed 's/.*run_id=[^ ]* //' | head -1)
  printf '%-24s peak RSS %7.1f MiB   wall %5.1f s   cpu %5.1f s\n    %s\n' "$label" "$(echo "$RSS/1024" | bc -l)" \
    "$wall" "$(echo "$user+$sys" | bc -l)" "${summary:0:110}"
}

echo "site: 4 hosts x 60 pages, every 2nd page $large"
run "baseline (64KiB cap)" --max-body-bytes 64KiB --memory-budget 16MiB
base=$RSS
for budget in "${budgets[@]}"; do
  run "--memory-budget $budget" --memory-budget "$budget"
  printf '    peak RSS - baseline = %.1f MiB for a budget of %s\n' "$(echo "($RSS-$base)/1024" | bc -l)" "$budget"
done
