// libFuzzer target for the WHATWG URL parser (Sources/CrawlURL).
//
// Compiled together with Sources/CrawlURL/*.swift into one module named CrawlURL (see Fuzz/run), so
// it can read the offsets behind the public accessors. Every input is parsed four ways: as bytes
// without a base, against three fixed bases, and split at its first newline into
// "reference\nbase". Each URL that parses must satisfy the invariants in `check`; a violation
// prints the case and aborts, which libFuzzer records as a crash with a reproducer file.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bases every input is also resolved against: an ordinary page, a non-special URL with a host
/// (hierarchical but no backslash rules) and one with an opaque path (relative references fail).
private let fixedBases: [WebURL] = [
    "http://example.com/dir/page?q=1#frag",
    "sc://user@host:9/a/b",
    "file:///C:/dir/file",
    "mailto:someone@example.com",
].compactMap { WebURL.parse($0) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzURLParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)

    if let url = WebURL.parse(utf8: input, base: nil) {
        check(url, input: input, base: nil)
    }
    for base in fixedBases {
        if let url = WebURL.parse(utf8: input, base: base) {
            check(url, input: input, base: base)
        }
    }

    // "reference\nbase": the base is parsed on its own first, as a page's URL would be.
    if let newline = input.firstIndex(of: 0x0A) {
        let reference = UnsafeBufferPointer(rebasing: input[..<newline])
        let baseBytes = UnsafeBufferPointer(rebasing: input[(newline + 1)...])
        if let base = WebURL.parse(utf8: baseBytes, base: nil) {
            check(base, input: baseBytes, base: nil)
            if let url = WebURL.parse(utf8: reference, base: base) {
                check(url, input: reference, base: base)
            }
        }
    }

    // The String entry point must agree with the byte entry point on valid UTF-8.
    if let text = String(validating: input, as: UTF8.self) {
        let viaString = WebURL.parse(text)
        let viaBytes = WebURL.parse(utf8: input, base: nil)
        if viaString?.href != viaBytes?.href {
            fail("String and byte parsers disagree", input, nil,
                 "string: \(viaString?.href ?? "failure"), bytes: \(viaBytes?.href ?? "failure")")
        }
    }
    return 0
}

/// The invariants of one parsed URL.
private func check(_ url: WebURL, input: UnsafeBufferPointer<UInt8>, base: WebURL?) {
    let href = url.href

    // The serialisation is printable ASCII: everything else is percent-encoded or, in hosts,
    // Punycode; tabs and newlines are removed before parsing.
    if !href.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
        fail("href is not printable ASCII", input, base, href)
    }
    if href.utf8.first == 0x20 || href.utf8.last == 0x20 {
        fail("href starts or ends with a space (would be trimmed on re-parse)", input, base, href)
    }

    // Components are consistent with the serialisation.
    let scheme = url.scheme
    if !href.hasPrefix(scheme + ":") || scheme.isEmpty {
        fail("href does not start with scheme:", input, base, "\(href) scheme \(scheme)")
    }
    if let host = url.host, !href.hasPrefix(scheme + "://") || !href.contains(host) {
        fail("host is not in the authority", input, base, "\(href) host \(host)")
    }
    if let port = url.port, port == url.kind.defaultPort {
        fail("default port was kept", input, base, href)
    }
    let rebuiltTarget = url.path + (url.query.map { "?" + $0 } ?? "")
    if url.requestTarget != rebuiltTarget {
        fail("requestTarget != path + ?query", input, base, "\(href): \(url.requestTarget) vs \(rebuiltTarget)")
    }
    let withoutFragment = url.removingFragment
    if withoutFragment.fragment != nil || withoutFragment.href + (url.fragment.map { "#" + $0 } ?? "") != href {
        fail("removingFragment + #fragment != href", input, base, href)
    }
    if url.isHTTP, url.host == nil || url.host == "" {
        fail("http(s) URL without a host", input, base, href)
    }

    // Idempotence: the serialisation re-parses, alone or against any base, to itself, with the
    // same components.
    guard let again = WebURL.parse(href) else {
        fail("href does not re-parse", input, base, href)
    }
    if again.href != href || again.scheme != scheme || again.username != url.username
        || again.password != url.password || again.host != url.host || again.port != url.port
        || again.path != url.path || again.query != url.query || again.fragment != url.fragment
        || again.hasOpaquePathComponent != url.hasOpaquePathComponent {
        fail("re-parse changed the URL", input, base, "\(href) -> \(again.href)")
    }
    if let other = fixedBases.first, let resolved = WebURL.parse(href, base: other), resolved.href != href {
        fail("absolute href resolved against a base changed", input, base, "\(href) -> \(resolved.href)")
    }

    // The dedup key is a fingerprint (never fetched), so what matters is that equal keys mean
    // URLs a server cannot tell apart. Checked here: percent-decoding the key gives what
    // percent-decoding the href gives (so no decoded byte may join a stray "%" into a new escape),
    // the key is a fixed point (its own URL has the same key), and spelling letters and digits of
    // the request target as %xx escapes does not change it.
    let key = url.dedupKey
    if key.utf8.contains(UInt8(ascii: "#")) || !key.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
        fail("dedupKey has a fragment or non-ASCII bytes", input, base, key)
    }
    if key != withoutFragment.dedupKey {
        fail("dedupKey depends on the fragment", input, base, href)
    }
    if percentDecoded(Array(key.utf8)) != percentDecoded(Array(withoutFragment.hrefWithoutPassword.utf8)) {
        fail("dedupKey changed the percent-decoded URL", input, base, "\(href) -> \(key)")
    }
    guard let keyURL = WebURL.parse(key) else {
        fail("dedupKey does not parse as a URL", input, base, "\(href) -> \(key)")
    }
    if keyURL.dedupKey != key {
        fail("dedupKey is not a fixed point", input, base, "\(href) -> \(key) -> \(keyURL.dedupKey)")
    }
    if !href.utf8.contains(UInt8(ascii: "%")), !url.hasOpaquePathComponent,
       let encoded = WebURL.parse(encodingAlphanumerics(of: url)), encoded.dedupKey != key {
        fail("escaping letters and digits changed dedupKey", input, base, "\(href) vs \(encoded.href)")
    }

    // Passwords (WebURL+Credentials): the byte scan that records use agrees with the parser's
    // components, and what it leaves has no password but the mark.
    let redacted = WebURL.redactingPassword(in: href)
    if redacted != url.hrefWithoutPassword {
        fail("the password scan and the parsed URL disagree", input, base, "\(redacted) vs \(url.hrefWithoutPassword)")
    }
    if let again = WebURL.parse(redacted), again.password != "" && again.password != WebURL.passwordMark {
        fail("a password survived redaction", input, base, redacted)
    }

    // Session parameters (`SessionParameters`): stripping keeps the key's prefix up to the path,
    // removes only whole parameters (the result is never longer), is idempotent, and leaves a key
    // without ";" or "?" alone. A fixed list plus names taken from the input's query steer it.
    if url.isSpecial {
        var names = ["jsessionid", "phpsessid", "a", ""]
        if let query = url.query { names += query.split(separator: "&").prefix(3).map { String($0.split(separator: "=").first ?? "") } }
        let parameters = SessionParameters(names: names)
        let stripped = parameters.strip(key)
        if stripped.utf8.count > key.utf8.count || parameters.strip(stripped) != stripped {
            fail("session-parameter stripping grew the key or is not idempotent", input, base, "\(key) -> \(stripped)")
        }
        if !key.utf8.contains(UInt8(ascii: ";")), !key.utf8.contains(UInt8(ascii: "?")), stripped != key {
            fail("session-parameter stripping changed a key without parameters", input, base, key)
        }
        if let pathStart = key.utf8.firstIndex(of: UInt8(ascii: "/")), !stripped.hasPrefix(String(key[..<pathStart])) {
            fail("session-parameter stripping changed the scheme", input, base, "\(key) -> \(stripped)")
        }
    }

    // hostKey is ASCII and names the same host.
    let hostKey = url.hostKey
    if !hostKey.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) || !hostKey.hasPrefix(scheme + ":") {
        fail("bad hostKey", input, base, hostKey)
    }

    // Packed (as the crawl's host queues keep URLs), whole and beside the host key, the URL unpacks
    // to itself with every component; only a URL of 65,535 bytes or more does not pack.
    let packs = href.utf8.count < 65_535
    for (name, key) in [("whole", ""), ("beside its host key", hostKey)] {
        let unpacked = url.withPacked(omittingOrigin: key) { layout, stored in
            WebURL(unpacking: layout, hostKey: key, storedUTF8: stored)
        }
        guard let back = unpacked else {
            if packs { fail("packing \(name) refused a URL under 65,535 bytes", input, base, href) }
            continue
        }
        if !packs { fail("packing \(name) accepted a URL of 65,535 bytes or more", input, base, "\(href.utf8.count) bytes") }
        if back.href != href || back.scheme != scheme || back.username != url.username
            || back.password != url.password || back.host != url.host || back.port != url.port
            || back.path != url.path || back.query != url.query || back.fragment != url.fragment
            || back.requestTarget != url.requestTarget || back.hostKey != hostKey
            || back.hasOpaquePathComponent != url.hasOpaquePathComponent {
            fail("packed \(name), the URL did not unpack to itself", input, base, "\(href) -> \(back.href)")
        }
    }
}

/// `url`'s href with every ASCII letter and digit of its path and query written as a lower-case
/// `%xx` escape (the fragment dropped): the same resource, per RFC 3986 section 6.2.2.2.
private func encodingAlphanumerics(of url: WebURL) -> String {
    var out = Array(url.href.utf8[..<url.href.utf8.index(url.href.utf8.startIndex, offsetBy: Int(url.pathStart))])
    let hex = Array("0123456789abcdef".utf8)
    for byte in url.requestTarget.utf8 {
        let alphanumeric = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
        if alphanumeric {
            out.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        } else {
            out.append(byte)
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// What a lenient server sees: every `%XX` with two hex digits decoded once, other bytes kept.
private func percentDecoded(_ bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    var i = 0
    while i < bytes.count {
        if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
           let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2]) {
            out.append(high << 4 | low)
            i += 3
        } else {
            out.append(bytes[i])
            i += 1
        }
    }
    return out
}

private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: return byte - 0x30
    case 0x41...0x46: return byte - 0x41 + 10
    case 0x61...0x66: return byte - 0x61 + 10
    default: return nil
    }
}

/// Reports an invariant violation and aborts (libFuzzer saves the input as crash-<sha1>).
private func fail(_ what: String, _ input: UnsafeBufferPointer<UInt8>, _ base: WebURL?, _ detail: String) -> Never {
    let shown = String(decoding: input.prefix(500), as: UTF8.self).debugDescription
    writeToStderr("FUZZ INVARIANT: \(what)\n  input: \(shown)\n  base: \(base?.href ?? "none")\n  detail: \(detail.debugDescription)\n")
    abort()
}

/// Writes to file descriptor 2 directly (the C `stderr` global is not concurrency-safe in Swift 6).
private func writeToStderr(_ text: String) {
    var text = text
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}
