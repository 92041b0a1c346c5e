"""Coverage of one crawler run, from the server's side: nginx's access log against the site manifest.

The log has one line per request: "PORT METHOD URI STATUS BYTES" (see nginx_server.py). Every number
here comes from what the server saw, so the three crawlers are judged the same way whatever they log.
"""
from collections import Counter
from urllib.parse import urlsplit


def _key(url):
    u = urlsplit(url)
    return u.port, u.path or "/"


class Manifest:
    def __init__(self, m):
        self.pages = {_key(u) for u in m["pages"]}
        self.disallowed = {_key(u) for u in m["disallowed"]}
        self.files = {_key(u) for u in m["files"]}
        self.missing = {_key(u) for u in m["missing"]}
        self.ports = set(m["ports"])
        self.robots_prefix = m["robots_prefix"]


def analyze(log_path, manifest):
    """Returns a dict of counts; 'pages' is the number of distinct allowed HTML pages answered 200."""
    gets = Counter()          # (port, path) -> GET requests
    requests = 0
    heads = 0
    bytes_sent = 0
    ok_pages = set()
    violations = set()
    unknown = set()
    by_status = Counter()
    with open(log_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) != 5:
                continue
            port, method, uri, status, nbytes = parts
            port = int(port)
            path = uri.split("?", 1)[0].split("#", 1)[0]
            key = (port, path)
            requests += 1
            by_status[status] += 1
            bytes_sent += int(nbytes) if nbytes.isdigit() else 0
            if method == "HEAD":
                heads += 1
            elif method == "GET":
                gets[key] += 1
            if path.startswith(manifest.robots_prefix):
                violations.add(key)
            if key in manifest.pages and status == "200" and method == "GET":
                ok_pages.add(key)
            elif (key not in manifest.pages and key not in manifest.files and key not in manifest.missing
                  and key not in manifest.disallowed and path != "/robots.txt"):
                unknown.add(key)
    twice = {k: n for k, n in gets.items() if n > 1}
    robots_fetches = sum(n for (p, path), n in gets.items() if path == "/robots.txt")
    return {
        "pages": len(ok_pages),
        "pages_expected": len(manifest.pages),
        "pages_missed": len(manifest.pages - ok_pages),
        "fetched_twice": len([k for k in twice if k[1] != "/robots.txt"]),
        "extra_gets": sum(n - 1 for k, n in twice.items() if k[1] != "/robots.txt"),
        "robots_txt_gets": robots_fetches,
        "robots_violations": len(violations),
        "files_fetched": len({k for k in gets if k in manifest.files}),
        "missing_requested": len({k for k in gets if k in manifest.missing}),
        "unexpected_paths": len(unknown),
        "unexpected_examples": sorted("%d%s" % k for k in unknown)[:5],
        "requests": requests,
        "head_requests": heads,
        "bytes_sent": bytes_sent,
        "by_status": dict(sorted(by_status.items())),
    }
