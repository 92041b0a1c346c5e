#!/usr/bin/env python3
"""Generate a deterministic multi-host static site for the crawler benchmark (Python 3 stdlib only).

Host h (0 <= h < --hosts) is served from OUT/h<h>/ on 127.0.0.1:(--base-port + h). Each host has:
  /                 its root page (host 0's root is the crawl seed)
  /p/NNNNN.html     HTML pages of 5-30 KB (a few of 1-5 MB), ~20 links each: mostly same host, some
                    absolute links to other hosts, some 404s, some links to /private/ and to files
  /private/NNNN.html pages that robots.txt disallows (linked from ordinary pages; a polite crawler
                    never requests them)
  /files/docN.pdf, /img/picN.png   non-HTML files
  /robots.txt       "User-agent: *" / "Disallow: /private/"
Every page is reachable from host 0's "/" through allowed pages: each page is linked from an earlier
page of its host (a random spanning tree), and each host's root is linked from host 0's root.

OUT/manifest.json lists what a complete, polite crawl from host 0's "/" reaches: "pages" (allowed HTML
pages), "disallowed" (linked, but robots.txt forbids them), "files" (non-HTML), "missing" (linked 404s),
computed by a breadth-first walk of the generated link graph, not assumed from the construction.

The same flags always give byte-identical output (one seeded random.Random drives everything).
"""
import argparse
import json
import os
import random
import shutil
import sys
from collections import deque

ROBOTS_PREFIX = "/private/"
WORDS = ("crawler frontier robots scheduler parser fetch budget token bucket host page link anchor "
         "queue latency throughput memory buffer socket stream header body status redirect cache "
         "index archive sitemap server client request response timeout retry backoff policy scope "
         "domain origin fragment query path segment encoding charset document element attribute "
         "node tree graph depth breadth seed record output summary metric histogram percentile "
         "library module binary thread worker pool handoff bounded admission fairness large small "
         "café naïve résumé façade über straße 東京 données").split()


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output directory (replaced if it exists)")
    ap.add_argument("--pages", type=int, default=20000, help="HTML pages in total, roots included (default 20000)")
    ap.add_argument("--hosts", type=int, default=8, help="hosts, one port each (default 8)")
    ap.add_argument("--base-port", type=int, default=18080, help="host h listens on base-port + h (default 18080)")
    ap.add_argument("--links", type=int, default=20, help="links per page, about (default 20)")
    ap.add_argument("--min-kb", type=int, default=5, help="smallest ordinary page, KB (default 5)")
    ap.add_argument("--max-kb", type=int, default=30, help="largest ordinary page, KB (default 30)")
    ap.add_argument("--large-pages", type=int, default=16, help="pages of 1-5 MB in total (default 16)")
    ap.add_argument("--private-pages", type=int, default=40, help="robots-disallowed pages per host (default 40)")
    ap.add_argument("--files", type=int, default=40, help="non-HTML files per host, half .pdf, half .png (default 40)")
    ap.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    return ap.parse_args(argv)


class Site:
    """The link graph and page sizes, decided before anything is written."""

    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        H = a.hosts
        self.per_host = [a.pages // H + (1 if h < a.pages % H else 0) for h in range(H)]
        if min(self.per_host) < 2:
            sys.exit("gen_site: need at least 2 pages per host")
        # links[(h, j)] = list of (target_host, kind, target_path, form) for ordinary page j of host h
        self.links = {}
        self.build()

    def page_path(self, j):
        return "/" if j == 0 else "/p/%05d.html" % j

    def build(self):
        a, rng, H = self.a, self.rng, self.a.hosts
        children = {(h, j): [] for h in range(H) for j in range(self.per_host[h])}
        for h in range(H):  # random spanning tree per host: page j hangs off an earlier page
            for j in range(1, self.per_host[h]):
                children[(h, rng.randrange(0, j))].append((h, j))
        for h in range(1, H):  # every host's root is linked from host 0's root
            children[(0, 0)].append((h, 0))
        big = set()
        ordinary = [(h, j) for h in range(H) for j in range(1, self.per_host[h])]
        for key in rng.sample(ordinary, min(a.large_pages, len(ordinary))):
            big.add(key)
        self.size = {}
        for h in range(H):
            for j in range(self.per_host[h]):
                if (h, j) in big:
                    self.size[(h, j)] = rng.randint(1_000_000, 5_000_000)
                else:
                    self.size[(h, j)] = rng.randint(a.min_kb * 1000, a.max_kb * 1000)
        for h in range(H):
            for j in range(self.per_host[h]):
                out = [(ch, "page", self.page_path(cj)) for ch, cj in children[(h, j)]]
                if j != 0:
                    out.append((h, "page", "/"))
                while len(out) < a.links:
                    r = rng.random()
                    if r < 0.85:
                        out.append((h, "page", self.page_path(rng.randrange(self.per_host[h]))))
                    elif r < 0.92:
                        th = rng.randrange(H)
                        out.append((th, "page", self.page_path(rng.randrange(self.per_host[th]))))
                    elif r < 0.95:
                        out.append((h, "missing", "/missing/%04d.html" % rng.randrange(200)))
                    elif r < 0.97:
                        out.append((h, "private", ROBOTS_PREFIX + "%04d.html" % rng.randrange(a.private_pages)))
                    else:
                        k = rng.randrange(a.files)
                        out.append((h, "file", "/files/doc%d.pdf" % k if k % 2 == 0 else "/img/pic%d.png" % k))
                rng.shuffle(out)
                self.links[(h, j)] = out

    def url(self, h, path):
        return "http://127.0.0.1:%d%s" % (self.a.base_port + h, path)

    def href(self, from_h, from_j, to_h, path):
        """A link as a page would write it: relative, root-relative, absolute, sometimes a fragment."""
        r = self.rng.random()
        if to_h != from_h or r < 0.15:
            s = self.url(to_h, path)
        elif r < 0.45 and from_j != 0 and path.startswith("/p/"):
            s = path[3:]  # relative to /p/
        elif r < 0.55 and from_j != 0 and path.startswith("/p/"):
            s = "../p/" + path[3:]
        else:
            s = path
        if self.rng.random() < 0.05:
            s += "#s%d" % self.rng.randrange(5)
        return s

    def manifest(self):
        """Breadth-first walk from host 0's root over allowed pages."""
        start = (0, "/")
        seen = {start}
        q = deque([start])
        found = {"page": set(), "private": set(), "file": set(), "missing": set()}
        found["page"].add(start)
        index = {(h, self.page_path(j)): (h, j) for (h, j) in self.links}
        while q:
            key = q.popleft()
            for th, kind, path in self.links[index[key]]:
                t = (th, path)
                found[kind].add(t)
                if kind == "page" and t not in seen:
                    seen.add(t)
                    q.append(t)
        total = sum(self.per_host)
        if len(found["page"]) != total:
            sys.exit("gen_site: only %d of %d pages reachable (bug)" % (len(found["page"]), total))

        def urls(kind):
            return [self.url(h, p) for h, p in sorted(found[kind])]

        return {
            "generator": vars(self.a) | {"out": None},
            "ports": [self.a.base_port + h for h in range(self.a.hosts)],
            "seed_url": self.url(0, "/"),
            "robots_prefix": ROBOTS_PREFIX,
            "pages": urls("page"),
            "disallowed": urls("private"),
            "files": urls("file"),
            "missing": urls("missing"),
            "html_bytes": sum(self.size.values()),
        }


class Writer:
    """Writes pages from a bank of filler paragraphs, so 400 MB takes seconds, not minutes."""

    def __init__(self, site):
        self.site = site
        rng = random.Random(site.a.seed + 1)
        self.paras = []
        for _ in range(4000):
            words = [rng.choice(WORDS) for _ in range(rng.randint(40, 120))]
            words[0] = words[0].capitalize()
            self.paras.append("<p>" + " ".join(words) + ". Tom &amp; Jerry &lt;3 &#233;t&eacute;.</p>\n")
        self.rng = rng

    def page(self, h, j):
        s, rng = self.site, self.rng
        path = s.page_path(j)
        title = "Host %d page %d" % (h, j)
        head = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n<title>%s</title>\n'
                '<meta name="description" content="benchmark page %d of host %d">\n</head>\n<body>\n'
                '<header><h1>%s</h1></header>\n<main>\n' % (title, j, h, title))
        tail = "</main>\n<footer><p>generated for the crawl benchmark</p></footer>\n</body></html>\n"
        anchors = ['<li><a href="%s">%s %s</a></li>\n' % (s.href(h, j, th, p), kind, p)
                   for th, kind, p in s.links[(h, j)]]
        target = s.size[(h, j)]
        body_len = max(0, target - len(head) - len(tail) - sum(len(x) for x in anchors) - 20 * len(anchors))
        parts = []
        n = 0
        i = rng.randrange(len(self.paras))
        while n < body_len:
            p = self.paras[i % len(self.paras)]
            parts.append(p)
            n += len(p.encode())
            i += 1
        # spread the links through the text, a few per list
        out = [head]
        per = max(1, len(parts) // (len(anchors) // 3 + 1))
        k = 0
        for idx, p in enumerate(parts):
            out.append(p)
            if idx % per == per - 1 and k < len(anchors):
                out.append("<ul>\n" + "".join(anchors[k:k + 3]) + "</ul>\n")
                k += 3
        if k < len(anchors):
            out.append("<ul>\n" + "".join(anchors[k:]) + "</ul>\n")
        out.append(tail)
        return path, "".join(out).encode("utf-8")

    def private_page(self, h, k):
        return ('<!DOCTYPE html>\n<html><head><title>Private %d of host %d</title></head><body>\n'
                '<p>robots.txt disallows this page.</p><a href="/">home</a>\n</body></html>\n' % (k, h)).encode()

    def binary(self, n, header):
        return header + self.rng.randbytes(n)


def main(argv=None):
    a = parse_args(argv)
    site = Site(a)
    manifest = site.manifest()
    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    w = Writer(site)
    for h in range(a.hosts):
        root = os.path.join(a.out, "h%d" % h)
        for d in ("p", "private", "files", "img"):
            os.makedirs(os.path.join(root, d), exist_ok=True)
        with open(os.path.join(root, "robots.txt"), "w") as f:
            f.write("# benchmark site, host %d\nUser-agent: *\nDisallow: %s\n" % (h, ROBOTS_PREFIX))
        for j in range(site.per_host[h]):
            path, data = w.page(h, j)
            name = "index.html" if path == "/" else path.lstrip("/")
            with open(os.path.join(root, name), "wb") as f:
                f.write(data)
        for k in range(a.private_pages):
            with open(os.path.join(root, "private", "%04d.html" % k), "wb") as f:
                f.write(w.private_page(h, k))
        for k in range(a.files):
            if k % 2 == 0:
                data, name = w.binary(2000 + 37 * k, b"%PDF-1.4\n"), "files/doc%d.pdf" % k
            else:
                data, name = w.binary(1000 + 29 * k, b"\x89PNG\r\n\x1a\n"), "img/pic%d.png" % k
            with open(os.path.join(root, name), "wb") as f:
                f.write(data)
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=0)
    print("gen_site: %d pages over %d hosts (%.0f MB of HTML), %d disallowed, %d files, %d 404 links -> %s"
          % (len(manifest["pages"]), a.hosts, manifest["html_bytes"] / 1e6, len(manifest["disallowed"]),
             len(manifest["files"]), len(manifest["missing"]), a.out))


if __name__ == "__main__":
    main()
