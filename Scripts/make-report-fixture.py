#!/usr/bin/env python3
"""Writes a synthetic crawl JSONL file (docs/jsonl-schema.md) for checking `crawl report`.

Usage: make-report-fixture.py OUT.jsonl [RECORDS]
Several hosts with different latencies, ~3 minutes of fetch times with a dip, failures of
several kinds, a U+2028 inside a title, null timings, and a partial last line.
Deterministic (fixed seed), standard library only.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
rng = random.Random(42)
hosts = [("fast.example", 20), ("slow.example", 300), ("flaky.example:8080", 80),
         ("cdn.example", 8), ("api.example", 120), ("blog.example", 45)]
failures = ["timeout", "connection_reset", "dns_failure", "too_slow", "rate_limited"]
start = datetime(2026, 11, 22, 14, 0, 0, tzinfo=timezone.utc)

with open(out, "w", encoding="utf-8") as f:
    for i in range(n):
        host, base = hosts[i % len(hosts)] if rng.random() < 0.7 else rng.choice(hosts)
        t = start + timedelta(seconds=180 * i / n + (20 if 80 * n // 180 < i < 100 * n // 180 else 0))
        r = rng.random()
        status, outcome, ctype, size, title, err = 200, "ok", "text/html; charset=utf-8", rng.randint(2_000, 90_000), f"Page {i}", None
        if host.startswith("flaky") and r < 0.35:
            outcome, status, ctype, size, title = rng.choice(failures), None, None, 0, None
            err = "simulated " + outcome
        elif r < 0.08:
            outcome, status, title = "http_error", rng.choice([404, 404, 410, 500, 503]), None
        elif r < 0.15:
            outcome, ctype, size, title = "unsupported_content", rng.choice(["image/png", "application/pdf", "text/css"]), 0, None
        elif r < 0.18:
            outcome, status, ctype, size, title = "robots_disallowed", None, None, 0, None
        if i == 7:
            title = "Line\u2028separator \"quoted\""
        attempts = 0 if outcome == "robots_disallowed" else 1
        time_ms = 0.0 if attempts == 0 else round(rng.lognormvariate(0, 0.6) * base, 1)
        timings = None if attempts == 0 or status is None else {
            "dns_ms": 0.2, "connect_ms": 0.5, "tls_ms": 0.0, "ttfb_ms": round(time_ms * 0.6, 1)}
        rec = {"schema_version": 1, "url": f"http://{host}/p/{i}", "final_url": f"http://{host}/p/{i}",
               "host": host, "depth": min(6, int(rng.expovariate(0.7))), "parent": None, "status": status,
               "outcome": outcome, "content_type": ctype, "bytes": size, "title": title,
               "links_found": 3, "links_enqueued": 1, "redirects": 0, "redirect_target": None,
               "attempts": attempts, "rate_wait_ms": 0.0,
               "fetched_at": t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z",
               "time_ms": time_ms, "timings": timings, "error": err}
        # ensure_ascii=False writes U+2028 raw, as Swift's encoder does: readers must split on 0x0A only.
        f.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n")
    f.write('{"schema_version":1,"url":"http://fast.example/cut')  # a crash mid-write
