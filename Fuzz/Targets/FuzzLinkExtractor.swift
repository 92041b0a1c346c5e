// libFuzzer target for the HTML link extractor (Sources/HTMLParsing, libxml2's SAX parser).
//
// Compiled together with Sources/HTMLParsing/*.swift into a module named HTMLParsing, against the
// CLibXML2 module map and a separately built CrawlURL module (see Fuzz/run), so links are also
// resolved the way the crawler resolves them. The input is an HTML body; if it starts with
// "\u{1}label\n", that label is passed as the HTTP charset (so the fuzzer can reach iconv-backed
// encodings), otherwise no charset is given.
//
// Checked: no crash (ASan watches the Swift side; libxml2 itself is not instrumented) and bounded
// time; the extractor, reused across documents as in production, gives the same summary when it
// parses the same body twice; at most `maxLinks` links, with `linksTruncated` counting the rest;
// every string in the summary is valid UTF-8 without NUL; link URLs and the base are trimmed of
// ASCII whitespace (they may be empty: the API documents an empty href as "this page"); the
// title is collapsed, trimmed and within `maxTitleBytes`; a declared charset is a short printable
// ASCII word. Each link resolved against the page (or its valid `<base>`) gives a printable ASCII
// href that re-parses to itself.
//
// Differential check: the extractor's fast path (FastPathScanner, a byte scanner that declines
// what it does not model) must give libxml2's answer. Every input is also run through each path
// alone on two more extractors; when the fast path accepts the input, its summary must equal the
// libxml2-only summary field by field, and the automatic path must equal it too.

import CrawlURL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private let maxLinks = 50
/// One extractor for the whole run, as a parse thread keeps one: state carried from one document
/// to the next is part of what is tested. Only libFuzzer's thread touches it.
/// With the product token as a <meta> name, as the crawl runs it.
nonisolated(unsafe) private let extractor = HTMLLinkExtractor(maxLinks: maxLinks, robotsAgent: "crawl")
private let pageURL = WebURL.parse("https://example.com/dir/page.html?x=1")
/// Each path alone, for the differential check (also touched only on libFuzzer's thread).
nonisolated(unsafe) private let fastOnly = HTMLLinkExtractor(maxLinks: maxLinks, robotsAgent: "crawl")
nonisolated(unsafe) private let libxml2Only = HTMLLinkExtractor(maxLinks: maxLinks, robotsAgent: "crawl")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLinkExtractor(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var body = UnsafeRawBufferPointer(start: data, count: size)
    var charset: String?
    if size > 1, data[0] == 0x01, let newline = body.firstIndex(of: 0x0A), newline <= 41 {
        charset = String(decoding: body[1..<newline], as: UTF8.self)
        body = UnsafeRawBufferPointer(rebasing: body[(newline + 1)...])
    }

    let summary = extractor.extract(body, charset: charset)
    let again = extractor.extract(body, charset: charset)
    if again != summary {
        fail("the reused extractor gave a different summary for the same body", body, charset)
    }

    let reference = libxml2Only.extract(body, charset: charset, path: .libxml2Only)
    if let fast = fastOnly.extract(body, charset: charset, path: .fastPathOnly) {
        if fast != reference {
            fail("fast path differs from libxml2:\n  fast:    \(fast)\n  libxml2: \(String(describing: reference))", body, charset)
        }
        if !extractor.lastPathWasFast {
            fail("the automatic path did not take the fast path that accepted the body", body, charset)
        }
    }
    if summary != reference {
        fail("automatic path differs from libxml2-only:\n  auto:    \(summary)\n  libxml2: \(String(describing: reference))", body, charset)
    }

    if summary.links.count > maxLinks || summary.linksTruncated < 0
        || (summary.linksTruncated > 0 && summary.links.count != maxLinks) {
        fail("link cap broken: \(summary.links.count) kept, \(summary.linksTruncated) dropped", body, charset)
    }
    for link in summary.links {
        checkString(link.url, "link", body, charset)
        if isTrimmable(link.url.utf8.first) || isTrimmable(link.url.utf8.last) {
            fail("link not trimmed: \(link.url.debugDescription)", body, charset)
        }
    }
    if let base = summary.baseHref {
        checkString(base, "base", body, charset)
        if isTrimmable(base.utf8.first) || isTrimmable(base.utf8.last) { fail("base not trimmed", body, charset) }
    }
    if let title = summary.title {
        checkString(title, "title", body, charset)
        let bytes = Array(title.utf8)
        if bytes.count > HTMLSummary.maxTitleBytes { fail("title over the cap: \(bytes.count) bytes", body, charset) }
        if bytes.first == 0x20 || bytes.last == 0x20 { fail("title not trimmed", body, charset) }
        for (index, byte) in bytes.enumerated() where isTrimmable(byte) {
            if byte != 0x20 || (index > 0 && bytes[index - 1] == 0x20) {
                fail("title whitespace not collapsed: \(title.debugDescription)", body, charset)
            }
        }
    }
    if let declared = summary.declaredCharset,
       declared.isEmpty || declared.utf8.count > 64 || !declared.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
        fail("declared charset is not a short ASCII word: \(declared.debugDescription)", body, charset)
    }

    // Resolution as the crawler does it: a valid <base> replaces the page URL.
    guard let pageURL else { fail("fixed page URL does not parse", body, charset) }
    let base = summary.baseHref.flatMap { WebURL.parse($0, base: pageURL) } ?? pageURL
    for link in summary.links {
        guard let url = WebURL.parse(link.url, base: base) else { continue }
        let href = url.href
        if !href.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            fail("resolved href is not printable ASCII: \(href.debugDescription)", body, charset)
        }
        if WebURL.parse(href)?.href != href {
            fail("resolved href does not re-parse to itself: \(href.debugDescription)", body, charset)
        }
    }
    return 0
}

/// HTML's ASCII whitespace (TAB, LF, FF, CR, SPACE).
private func isTrimmable(_ byte: UInt8?) -> Bool {
    guard let byte else { return false }
    return byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
}

private func checkString(_ text: String, _ what: String, _ body: UnsafeRawBufferPointer, _ charset: String?) {
    let bytes = Array(text.utf8)
    if String(validating: bytes, as: UTF8.self) == nil { fail("\(what) is not valid UTF-8", body, charset) }
    if bytes.contains(0) { fail("\(what) holds a NUL: \(text.debugDescription)", body, charset) }
}

/// Reports an invariant violation and aborts (libFuzzer saves the input as crash-<sha1>).
private func fail(_ what: String, _ body: UnsafeRawBufferPointer, _ charset: String?) -> Never {
    let shown = String(decoding: body.prefix(1000), as: UTF8.self).debugDescription
    writeToStderr("FUZZ INVARIANT: \(what)\n  charset: \(charset ?? "none")\n  body: \(shown)\n")
    abort()
}

/// Writes to file descriptor 2 directly (the C `stderr` global is not concurrency-safe in Swift 6).
private func writeToStderr(_ text: String) {
    var text = text
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}
