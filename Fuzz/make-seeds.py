#!/usr/bin/env python3
"""Regenerates the seed corpora in Fuzz/Corpus/<target>/ (small, committed; see Fuzz/README.md).

Sources: the URL and robots.txt conformance fixtures in Tests/, plus hand-written HTML snippets and
JSON-hostile strings. Run from anywhere: `python3 Fuzz/make-seeds.py`. It replaces every file in
the five corpus folders; libFuzzer's own corpus growth is never written here (Fuzz/run fuzzes a copy).
"""
import hashlib
import json
import os
import shutil
import struct
from urllib.parse import urlsplit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Fuzz", "Corpus")


def write_corpus(target, seeds):
    folder = os.path.join(CORPUS, target)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    seen = set()
    for seed in seeds:
        if isinstance(seed, str):
            seed = seed.encode("utf-8", "surrogatepass")
        digest = hashlib.sha1(seed).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        with open(os.path.join(folder, digest[:16]), "wb") as handle:
            handle.write(seed)
    print(f"{target}: {len(seen)} seeds, {sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))} bytes")


def url_seeds():
    with open(os.path.join(ROOT, "Tests", "CrawlURLTests", "Fixtures", "url_cases.json")) as handle:
        cases = json.load(handle)["cases"]
    # Round-robin over tag sets so that every kind of case is represented in ~180 seeds.
    by_tags = {}
    for case in cases:
        by_tags.setdefault(tuple(sorted(case.get("tags", []))), []).append(case)
    picked = []
    while len(picked) < 180 and any(by_tags.values()):
        for key in list(by_tags):
            if by_tags[key] and len(picked) < 180:
                picked.append(by_tags[key].pop(0))
    seeds = []
    for case in picked:
        text = case["input"] if case.get("base") is None else case["input"] + "\n" + case["base"]
        seeds.append(text)
    seeds += [
        "http://h/a%%32Fb", "http://h/%%34%31", "http://h/%7e%41%2f%zz%", "HTTP://EXAMPLE.com:80/a/./b/../c",
        "http://bücher.example/", "http://xn--bcher-kva.example/", "http://ｇｏ.com/", "http://a。b。c/",
        "http://[::ffff:1.2.3.4]:8080/x", "http://0x7f.1/", "http://4294967295/", "http://[1:0::]/",
        "../../x?y#z\nhttp://example.com/a/b/c", "//other.example/p\nhttps://example.com/",
        "mailto:someone@example.com", "javascript:alert(1)", "data:text/html,<a href=x>",
        "file:///C:/dir/../x", "sc://host/%2e%2E/a", "http://u:p@h:1/?q#f", "\t http://a/\n",
        "http://example.com/" + "a/" * 40 + "../" * 45,
    ]
    return seeds


def robots_seeds():
    with open(os.path.join(ROOT, "Tests", "RobotsTxtTests", "Fixtures", "robots_cases.json")) as handle:
        cases = json.load(handle)["cases"]
    seeds = []
    for case in cases:
        url = case["url"]
        parts = urlsplit(url)
        path = (parts.path or "/") + ("?" + parts.query if parts.query else "") if parts.scheme else url
        # The target queries the value after the first ":" of the first lines; appended as
        # comments so the file means the same to the parser.
        seeds.append(case["robots"] + f"\n# agent: {case['agent']}\n# path: {path}\n")
    seeds += [
        "\ufeffUser-agent: *\r\nDisallow: /private\r\nAllow: /private/ok$\r\nCrawl-delay: 2.5\r\n",
        "user-agent: crawl\rdisallow: /*.pdf$\rallow: /*/index.htm*\r# path: /a/b.pdf\r# path: /x/index.html\r",
        "User-agent: a\nUser-agent: b\nDisallow: /x\n\nUser-agent: crawl\nDisallow: /\nAllow: /%7Euser/*?q=*&\n"
        "# path: /~user/a?q=1&\n",
        "useragent crawl\ndisalow /%2A*%24$\nsitemap: https://example.com/s.xml\ncrawl delay: 86400\n# path: /*x$\n",
        "User-agent: *\nDisallow: /" + "*a" * 60 + "$\n# path: /" + "a" * 200 + "\n",
        "User-agent: *\nDisallow: /" + "x" * 3000 + "\n",
        "User-agent: crawl\nCrawl-delay: 1e3\nCrawl-delay: .5\nCrawl-delay: -1\nDisallow:\nAllow:\n",
        "Disallow: /before-any-agent\nUser-agent: *\nDisallow: /é/ü\n# path: /%C3%A9/%C3%BC\n",
    ]
    return seeds


def html_seeds():
    a = "<a href=/x>x</a>"
    seeds = [
        "<!doctype html><html><head><title> Hello \n\t world </title><base href=' /base/ '>"
        "<meta name=robots content='noindex, nofollow'><meta charset=utf-8></head><body>"
        "<a href='page.html'>p</a><a href=\"../up?q=1#f\" rel='nofollow noopener'>u</a>"
        "<area href=/map><link rel=canonical href=/c><link rel=stylesheet href=/s.css>"
        "<iframe src=/frame></iframe><frame src=/f2></body></html>",
        "<title>" + "&amp;&lt;&#x2028;&#0;&#x110000;&nosuch;&eacute;" * 3 + "</title>" + a,
        "<a href='&#x20;&#x9;javascript:alert(1)&#10;'>j</a><a href=''>empty</a><a href>novalue</a><a>none</a>",
        "<svg><title>tooltip</title></svg><title>real</title><title>second</title>",
        "<meta name=' Crawl ' content=none><meta name=crawler content=nofollow><a href=/m>m</a>",
        "<div>" * 300 + "<a href=/after-deep>d</a>" + "</div>" * 300,
        "<div>" * 600 + "</span>" * 600 + "<a href=/after-stray>s</a>",
        "<a " + " ".join(f"a{i}=v" for i in range(300)) + " href=/flood>f</a><a href=/after-flood>",
        "<a href=/a>a</a>\x00<a href=/after-nul\x00x>b</a>",
        b"<meta http-equiv=Content-Type content='text/html; charset=Shift_JIS'><title>\x82\xa0</title><a href=/x>",
        b"\x01shift_jis\n<title>\x82\xa0\xff\xff</title><a href=/\x82\xa0>x</a><a href=/after-bad>y</a>",
        b"\x01iso-8859-1\n<title>caf\xe9</title><a href=/caf\xe9>x</a>",
        b"\x01utf-16\n<\x00a\x00 \x00h\x00r\x00e\x00f\x00=\x00/\x00u\x00>\x00",
        b"\xff\xfe<\x00a\x00 \x00h\x00r\x00e\x00f\x00=\x00/\x00b\x00o\x00m\x00>\x00",
        b"\xef\xbb\xbf<title>bom</title><a href=/bom8>",
        b"<a href=/\xc3\x28\xa0\xa1\xf0\x28\x8c\xbc>invalid utf-8</a><title>\xe2\x82</title>",
        # Declared UTF-8 but invalid: the fast path reads such bodies unrepaired (its answer must
        # still be libxml2's on the repaired text): bad bytes in hrefs, beside references, in the
        # title near its cap, a truncated sequence before a tag, and a non-character.
        b"\x01utf-8\n<title>a\xc3&#xbc;\xe2\x82&#x20ac; \xff</title><a href='/p\xc3'>x</a><a href=\"\xe2\x82&amp;q\">y</a>"
        b"<a href=/\xed\xa0\x80/\xf4\x90\x80\x80>z</a><meta name=robots content='no\xc3follow'>\xe2<a href=/after>",
        b"\x01utf-8\n<title>" + b"\xc3\xa9\xff" * 400 + b"</title><a href=/t>",
        b"\x01utf-8\n<a href=/x\xef\xbf\xbe>nonchar</a><a href=/y\xef\xbf\xc0>bad</a><base href=/b\x80/>",
        "<script>document.write('<a href=/in-script>')</script><style>a{}</style><!-- <a href=/in-comment> -->"
        "<![CDATA[<a href=/cdata>]]><?php echo '<a href=/pi>'; ?>" + a,
        "<a href=/1><a href=/2><a href=/3>" * 20,
        "<table><a href=/t><tr><td><form><a href=/f></table></form><body><body><html><head><title>late</title>",
        "<base href='javascript:alert(1)'><base href=https://other.example/><a href=rel>",
        "<a href='http://[::1]:80/%zz'>v6</a><a href='http://%41.com/'>pct-host</a><a href='//x.y/z'>",
        "<meta charset='  utf-8  '><meta charset=\"x\" ><meta http-equiv=content-type content='charset=\"latin1\"'>",
        "<a href=x" + "&amp;" * 200 + ">amp</a>",
        "<title>" + "é " * 600 + "</title>",
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01//EN\"><html><frameset><frame src=a><frame src=b></frameset>",
        "<a href=\"unterminated",
        "<",
        "",
    ]
    return seeds  # str seeds are written as UTF-8, bytes seeds as they are


def jsonl_seeds():
    """Programs for FuzzJSONLWriter (see its header for the op codes)."""
    def string(value):
        data = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
        return bytes([0, min(len(data), 255)]) + data[:255]

    def scalars(points):
        return bytes([1, len(points)]) + b"".join(struct.pack("<I", p)[:3] for p in points)

    def integer(value):
        return b"\x02" + struct.pack("<q", value)

    def double(value):
        return b"\x04" + struct.pack("<d", value)

    def timestamp(value):
        return b"\x07" + struct.pack("<q", value)

    hostile = [
        'quote " backslash \\ slash /', "line\nfeed\rreturn\ttab\b\f", "nul\x00byte\x01\x1f\x7f",
        "ls\u2028ps\u2029nel\u0085bom\ufeff", "emoji 😀 é e\u0301 中文", b"bad \xff\xfe \xc3\x28 \xe2\x80 \xed\xa0\x80 end",
        b"\xe2\x80\xa8\xe2\x80\xa9", "\\u2028 literal", "",
    ]
    seeds = [b"".join(string(h) for h in hostile)]
    seeds += [string(h) for h in hostile]
    seeds.append(scalars([0x2028, 0x2029, 0, 0x1F, 0x20, 0x22, 0x5C, 0x7F, 0x85, 0xFEFF, 0x10FFFF, 0xD800, 0xE9, 0x1F600]))
    seeds.append(b"".join(integer(v) for v in [0, -1, 9, 10, 2**63 - 1, -2**63]) + b"\x03\x08\x09")
    seeds.append(b"".join(double(v) for v in [0.05, -0.05, 0.15, 2.25, -0.0, 1e300, float("nan"), float("inf"),
                                              -float("inf"), 9e16, 8.99e16, 123456.789, 5e-324]))
    seeds.append(b"".join(timestamp(v) for v in [0, -1, 1700000000123, 253402300799999, 253402300800000,
                                                 -62167219200000, -62167219200001, 2**63 - 1, -2**63 + 1000, 951782400000]))
    seeds.append(b"\x05" + string("nested") + b"\x05" + integer(1) + b"\x06\x06" + string("after") + b"\x05\x05\x05")
    # The field sequence of a CrawlRecord line (url, final_url, host, depth, parent, status, ...).
    record = (integer(1) + string("http://example.com/a\u2028b") + string("http://example.com/a") +
              string("example.com") + integer(2) + b"\x03" + integer(200) + string("ok") + string("text/html") +
              integer(1234) + string("Title \"x\"\x00") + integer(10) + integer(5) + integer(0) + b"\x03" +
              integer(1) + double(0.0) + timestamp(1700000000123) + double(12.34) + b"\x05" + double(1.0) +
              double(2.0) + double(0.0) + double(3.5) + b"\x06" + b"\x03")
    seeds += [record, record + b"\x00"]  # even and odd length: empty and non-empty starting buffer
    return seeds


def decode_seeds():
    """Content-coded bodies: byte 0 picks the codings (0 gzip, 1 deflate, 2 br, 3 zstd; bit 2 adds an
    inner coding from bits 3-4), byte 1 the piece size; see Fuzz/Targets/FuzzContentDecoder.swift."""
    import zlib
    texts = [b"<html><title>t</title><a href=/a>a</a></html>", b"hello hello hello hello hello hello hello hello"]

    def deflate(data, wbits):
        encoder = zlib.compressobj(6, zlib.DEFLATED, wbits)
        return encoder.compress(data) + encoder.flush()

    # br and zstd of the two texts, from libbrotlienc 1.0.9 (quality 5) and libzstd 1.5.4 (level 5),
    # through Tests/TestCompression (Python has neither encoder).
    brotli = [bytes.fromhex("1b2c0000a45f7cc2e8c0061c38942ebcf8346c8c9d238e17a4958448ef28d8dc694b76758f0a"),
              bytes.fromhex("1b2e000024406a1067eaf09c3e00")]
    zstd = [bytes.fromhex("28b52ffd202d6901003c68746d6c3e3c7469746c653e743c2f7469746c653e3c6120687265663d2f613e613c2f"
                          "613e3c2f68746d6c3e"),
            bytes.fromhex("28b52ffd202f6500003068656c6c6f200100029522")]
    seeds = []
    for index, text in enumerate(texts):
        gzip = deflate(text, 31)
        for piece in (0, 3):
            seeds += [bytes([0, piece]) + gzip, bytes([1, piece]) + deflate(text, 15),
                      bytes([1, piece]) + deflate(text, -15), bytes([2, piece]) + brotli[index],
                      bytes([3, piece]) + zstd[index]]
        seeds.append(bytes([0, 1]) + gzip + gzip)  # two members
        seeds.append(bytes([0, 1]) + gzip[:-3])  # cut short
        # gzip inside deflate (selector 0b00_1_01: outer deflate, inner gzip).
        seeds.append(bytes([0b00101, 2]) + deflate(gzip, 15))
    return seeds


if __name__ == "__main__":
    write_corpus("url", url_seeds())
    write_corpus("robots", robots_seeds())
    write_corpus("links", html_seeds())
    write_corpus("jsonl", jsonl_seeds())
    write_corpus("decode", decode_seeds())
