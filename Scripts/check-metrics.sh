#!/usr/bin/env bash
# Parses crawl's Prometheus metrics with the reference parser (prometheus_client) and checks them.
#
#   Scripts/check-metrics.sh              # render the test suite's sample snapshot and check exact values
#   Scripts/check-metrics.sh FILE.prom    # check a file the crawler wrote (structure and value types)
#
# pip-installs prometheus_client into a throw-away venv (PyPI). The sample is produced by the
# PrometheusMetricsTests suite (`swift test` in PACKAGE_DIR, default: this repository), which
# writes it to $CRAWL_METRICS_SAMPLE_OUT. Exit 0 when every check passes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ $# -ge 1 ]]; then
  file="$1"; mode=file
else
  file="$work/sample.prom"; mode=sample
  (cd "${PACKAGE_DIR:-$root}" && CRAWL_METRICS_SAMPLE_OUT="$file" swift test --filter PrometheusMetricsTests >"$work/swift-test.log" 2>&1) \
    || { tail -30 "$work/swift-test.log"; echo "check-metrics: swift test failed"; exit 1; }
  [[ -s "$file" ]] || { echo "check-metrics: the test did not write $file"; exit 1; }
fi
[[ -r "$file" ]] || { echo "check-metrics: cannot read $file" >&2; exit 2; }

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check prometheus_client
"$work/venv/bin/python" - "$file" "$mode" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
from importlib.metadata import version

path, mode = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
families = list(text_string_to_metric_families(text))  # raises on any syntax error
print(f"check-metrics: prometheus_client {version('prometheus_client')} parsed {len(families)} families from {path}")
samples = {}
problems = []
for fam in families:
    if not fam.name.startswith("crawl_"): problems.append(f"unprefixed family {fam.name}")
    if fam.type not in ("counter", "gauge"): problems.append(f"{fam.name}: type {fam.type} (no TYPE line?)")
    if not fam.documentation: problems.append(f"{fam.name}: no HELP")
    for s in fam.samples:
        key = (s.name, tuple(sorted(s.labels.items())))
        samples[key] = s.value
        print(f"  {fam.type:7} {s.name}{dict(s.labels) if s.labels else ''} = {s.value}")
for required in ["crawl_records_total", "crawl_failures_total", "crawl_body_bytes_total", "crawl_duration_seconds",
                 "crawl_start_time_seconds", "crawl_exit_reason", "crawl_queued_at_stop"]:
    if not any(name == required for name, _ in samples): problems.append(f"missing {required}")

if mode == "sample":
    # Must match PrometheusMetricsTests.sample.
    want = {
        ("crawl_records_total", (("outcome", "ok"),)): 400,
        ("crawl_records_total", (("outcome", "http_error"),)): 102,
        ("crawl_records_total", (("outcome", 'we"ird\\out\ncome'),)): 1,  # escaping round-trips
        ("crawl_failures_total", ()): 17,
        ("crawl_body_bytes_total", ()): 12345678,
        ("crawl_duration_seconds", ()): 12.5,
        ("crawl_exit_code", ()): 3,
        ("crawl_exit_reason", (("reason", "error_budget"),)): 1,
        ("crawl_last_success_time_seconds", ()): 1795000000.25,
        ("crawl_start_time_seconds", ()): 1795357866,
        ("crawl_end_time_seconds", ()): 1795357878.5,
        ("crawl_running", ()): 0,
        ("crawl_queued_at_stop", ()): 42,
    }
    for key, value in want.items():
        if samples.get(key) != value: problems.append(f"{key}: got {samples.get(key)!r}, want {value!r}")
    if len(samples) != len(want): problems.append(f"{len(samples)} samples, want {len(want)}")
if problems:
    print("check-metrics: FAILED:\n  " + "\n  ".join(problems)); sys.exit(1)
print(f"check-metrics: OK ({len(samples)} samples)")
PY
