/// A resource of the demo site: what a link points to, and what a request path names.
enum DemoTarget: Hashable, Sendable {
    case page(host: Int, n: Int)
    case missing(host: Int, k: Int)
    case pdf(host: Int, n: Int)
    case png(host: Int, n: Int)
    case old(host: Int, m: Int)
    case privatePage(host: Int, n: Int)

    var host: Int {
        switch self {
        case .page(let h, _), .missing(let h, _), .pdf(let h, _), .png(let h, _), .old(let h, _),
            .privatePage(let h, _):
            return h
        }
    }

    /// The canonical path of the resource.
    var path: String {
        switch self {
        case .page(_, 0): return "/"
        case .page(_, let n): return "/page/\(n)"
        case .missing(_, let k): return "/missing/\(k)"
        case .pdf(_, let n): return "/files/\(n).pdf"
        case .png(_, let n): return "/img/\(n).png"
        case .old(_, let m): return "/old/\(m)"
        case .privatePage(_, let n): return "/private/\(n)"
        }
    }

    /// Parses a request path of host `host` (strict decimal numbers, so `/page/007` is not an alias).
    /// Page 0 is only `/`. Range checks are the generator's job.
    static func parse(path: String, host: Int) -> DemoTarget? {
        var path = path
        return path.withUTF8 { p -> DemoTarget? in
            if p.count == 1, p[0] == UInt8(ascii: "/") { return .page(host: host, n: 0) }
            for (prefix, suffix, make) in routes {
                guard p.count > prefix.count + suffix.count,
                    p.starts(with: prefix),
                    p.suffix(suffix.count).elementsEqual(suffix),
                    let n = decimal(p[prefix.count..<(p.count - suffix.count)])
                else { continue }
                return make(host, n)
            }
            return nil
        }
    }

    private static let routes: [([UInt8], [UInt8], @Sendable (Int, Int) -> DemoTarget?)] = [
        (Array("/page/".utf8), [], { h, n in n == 0 ? nil : .page(host: h, n: n) }),
        (Array("/old/".utf8), [], { h, n in .old(host: h, m: n) }),
        (Array("/files/".utf8), Array(".pdf".utf8), { h, n in .pdf(host: h, n: n) }),
        (Array("/img/".utf8), Array(".png".utf8), { h, n in .png(host: h, n: n) }),
        (Array("/private/".utf8), [], { h, n in .privatePage(host: h, n: n) }),
        (Array("/missing/".utf8), [], { h, n in .missing(host: h, k: n) }),
    ]

    private static func decimal(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 9 else { return nil }
        if bytes.count > 1, bytes.first == UInt8(ascii: "0") { return nil }
        var v = 0
        for b in bytes {
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            v = v * 10 + Int(b - UInt8(ascii: "0"))
        }
        return v
    }
}

/// One `<a href>` of a generated page: the text written and the resource it resolves to.
struct DemoLink: Sendable {
    var href: String
    var target: DemoTarget
}
