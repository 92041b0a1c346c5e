import Foundation
import Synchronization

/// Generates every resource of the demo site from (config, ports): the served responses and the
/// manifest come from this one type, so they cannot disagree.
///
/// Immutable after init except for page edits (behind a mutex), hence `Sendable`; pages are rendered
/// per request, only the padding of large pages is kept (once, shared).
///
/// Pages carry an `ETag` (host, page and edit count) and answer `If-None-Match` with 304, like a
/// static file server, so re-crawls can be tested; `edit` changes a page (body and ETag).
final class DemoSiteGenerator: Sendable {
    let config: DemoSiteConfig
    let ports: [Int]
    let hosts: Int
    let pages: Int
    private let hostIndexByPort: [Int: Int]
    /// Filler for large pages, built once.
    private let padding: [UInt8]
    /// `http://hostName:port` per host, as written in absolute links.
    let bases: [String]
    /// Canonical `http://hostname:port` per host (lower-cased host).
    let canonicalBases: [String]

    static let htmlType = "text/html; charset=utf-8"
    /// Edits per page (host * pages + page), for re-crawl tests.
    private let edits = Mutex<[Int: Int]>([:])

    /// Changes a page: its body gains a line and its ETag changes.
    func edit(host: Int, page: Int) {
        edits.withLock { $0[host * pages + page, default: 0] += 1 }
    }

    private func revision(host: Int, page: Int) -> Int {
        edits.withLock { $0[host * pages + page] ?? 0 }
    }

    init(config: DemoSiteConfig, ports: [Int]) {
        self.config = config
        self.ports = ports
        self.hosts = ports.count
        self.pages = max(1, config.pagesPerHost)
        var byPort: [Int: Int] = [:]
        for (i, p) in ports.enumerated() { byPort[p] = i }
        hostIndexByPort = byPort
        bases = ports.map { "http://\(config.hostName):\($0)" }
        canonicalBases = ports.map { "http://\(config.hostName.lowercased()):\($0)" }
        if config.largePageEvery > 0, config.largePageBytes > 0 {
            let line = Array("<p>Padding so that this page is large; the links above and below still count.</p>\n".utf8)
            var pad: [UInt8] = []
            pad.reserveCapacity(config.largePageBytes)
            while pad.count < config.largePageBytes { pad.append(contentsOf: line) }
            padding = Array(pad.prefix(config.largePageBytes))
        } else {
            padding = []
        }
    }

    // MARK: Properties of resources

    func isSlow(_ n: Int) -> Bool { config.slowPageEvery > 0 && n > 0 && n % config.slowPageEvery == 0 }
    func isLarge(_ n: Int) -> Bool { config.largePageEvery > 0 && n > 0 && n % config.largePageEvery == 0 }

    func title(host: Int, page: Int) -> String { "Host \(host) page \(page)" }
    static func privateTitle(host: Int, page: Int) -> String { "Host \(host) private \(page)" }

    func canonicalURL(_ t: DemoTarget) -> String { canonicalBases[t.host] + t.path }

    /// Whether the server answers this target with something other than 404.
    func exists(_ t: DemoTarget) -> Bool {
        guard t.host >= 0, t.host < hosts else { return false }
        switch t {
        case .page(_, let n), .pdf(_, let n), .png(_, let n), .old(_, let n), .privatePage(_, let n):
            return n >= 0 && n < pages
        case .missing:
            return false
        }
    }

    /// The status, content type and redirect target a request for `t` gets.
    func expectation(_ t: DemoTarget) -> (status: Int, contentType: String?, redirectsTo: DemoTarget?) {
        guard exists(t) else { return (404, Self.htmlType, nil) }
        switch t {
        case .page, .privatePage, .missing: return (200, Self.htmlType, nil)
        case .pdf: return (200, "application/pdf", nil)
        case .png: return (200, "image/png", nil)
        case .old(let h, let m): return (m % 2 == 0 ? 301 : 302, Self.htmlType, .page(host: h, n: m))
        }
    }

    // MARK: Serving

    /// Answers one request of the site.
    func respond(_ request: ServerRequest) -> ServerResponse {
        guard let host = hostIndexByPort[request.serverPort] else { return .notFound() }
        if request.path == "/robots.txt" {
            return .text("User-agent: *\nDisallow: /private/\n")
        }
        guard let target = DemoTarget.parse(path: request.path, host: host), exists(target) else {
            return .notFound()
        }
        switch target {
        case .page(let h, let n):
            let revision = revision(host: h, page: n)
            let etag = "\"h\(h)-p\(n)-r\(revision)\""
            if let match = request.header("If-None-Match"), match.split(separator: ",").contains(where: {
                $0.trimmingCharacters(in: .whitespaces) == etag || $0.trimmingCharacters(in: .whitespaces) == "*" }) {
                return ServerResponse(status: 304, headers: [(name: "ETag", value: etag)])
            }
            var body = renderPage(host: h, page: n)
            if revision > 0 { body.append(contentsOf: "<!-- edit \(revision) -->\n".utf8) }
            var r = ServerResponse(
                status: 200, headers: [(name: "Content-Type", value: Self.htmlType), (name: "ETag", value: etag)],
                body: .bytes(body))
            if isSlow(n) { r.headerDelay = config.slowDelay }
            return r
        case .privatePage(let h, let n):
            return .html(
                "<!DOCTYPE html><html><head><title>\(Self.privateTitle(host: h, page: n))</title></head><body><p>Robots may not see this.</p><a href=\"/\">home</a></body></html>"
            )
        case .pdf(_, let n):
            return ServerResponse(
                status: 200, headers: [(name: "Content-Type", value: "application/pdf")],
                body: .bytes(Array("%PDF-1.4\n% demo file \(n)\n%%EOF\n".utf8)))
        case .png(_, let n):
            var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            png.append(contentsOf: Array("demo image \(n)".utf8))
            return ServerResponse(status: 200, headers: [(name: "Content-Type", value: "image/png")], body: .bytes(png))
        case .old(let h, let m):
            // 301s name an absolute Location, 302s a relative one: crawlers must handle both.
            let status = m % 2 == 0 ? 301 : 302
            let path = DemoTarget.page(host: h, n: m).path
            return .redirect(to: status == 301 ? bases[h] + path : path, status: status)
        case .missing:
            return .notFound()
        }
    }

    /// The HTML of page `page` of host `host`.
    func renderPage(host: Int, page: Int) -> [UInt8] {
        let t = title(host: host, page: page)
        let all = links(host: host, page: page)
        var head = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>\(t)</title></head>\n<body><h1>\(t)</h1>\n<ul>\n"
        for (i, link) in all.dropLast().enumerated() {
            head += "<li><a href=\"\(link.href)\">link \(i)</a></li>\n"
        }
        head += "</ul>\n"
        // The last link (home) comes after the padding of large pages, so a parser must read it all.
        let tail = "<p><a href=\"\(all.last?.href ?? "/")\">home</a></p>\n</body></html>\n"
        var out: [UInt8] = []
        if isLarge(page) {
            out.reserveCapacity(max(config.largePageBytes, head.utf8.count + tail.utf8.count))
            out.append(contentsOf: head.utf8)
            let fill = config.largePageBytes - head.utf8.count - tail.utf8.count
            if fill > 0 { out.append(contentsOf: padding[0..<min(fill, padding.count)]) }
            out.append(contentsOf: tail.utf8)
        } else {
            out.reserveCapacity(head.utf8.count + tail.utf8.count)
            out.append(contentsOf: head.utf8)
            out.append(contentsOf: tail.utf8)
        }
        return out
    }
}
