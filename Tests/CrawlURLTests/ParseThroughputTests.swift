import Foundation
import Testing
@testable import CrawlURL

/// Prints parse throughput for typical links; asserts only correctness, never timing (CI machines
/// differ). Bounded: ~200k parses, well under a second in release builds.
@Suite("Parse throughput")
struct ParseThroughputTests {
    static let base = WebURL.parse("https://www.example.com/docs/guide/index.html?lang=en")!
    static let links = [
        "/about/team",
        "../api/reference.html#section-2",
        "https://cdn.example.net/assets/app.js?v=1712345",
        "page2.html",
        "?page=3&sort=desc",
        "//static.example.org/img/logo.png",
        "https://www.example.com/blog/2024/05/a-long-post-title-with-words",
        "#top",
        "mailto:someone@example.com",
        "HTTPS://WWW.EXAMPLE.COM:443/Search?q=swift+url+parser&page=2",
    ]

    @Test("prints parses per second for typical links")
    func throughput() {
        // Fewer rounds in a debug build, whose figures mean little: these CPU-bound rounds hold a thread
        // of the cooperative pool throughout, and in a parallel `swift test` on two cores that starved
        // the other suites' servers and timers for seconds.
        #if DEBUG
        let rounds = 2_000
        #else
        let rounds = 20_000
        #endif
        let base = Self.base
        var resolved = 0
        var bytes = 0
        // Warm up caches and lazy globals so the first measurement is not an outlier. Other suites
        // may run in parallel, so the printed figure is a lower bound, not a benchmark result.
        for link in Self.links { _ = WebURL.parse(link, base: base) }
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<rounds {
                for link in Self.links {
                    if let url = WebURL.parse(link, base: base) {
                        resolved += 1
                        bytes &+= url.href.utf8.count
                    }
                }
            }
        }
        let parses = rounds * Self.links.count
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let perSecond = Double(parses) / max(seconds, 1e-9)
        print("WebURL.parse: \(parses) parses in \(String(format: "%.3f", seconds)) s = \(Int(perSecond)) parses/s (\(String(format: "%.0f", 1e9 / perSecond)) ns each)")

        var keys = 0
        let keyElapsed = clock.measure {
            for _ in 0..<rounds {
                for link in Self.links {
                    if let url = WebURL.parse(link, base: base) { keys &+= url.dedupKey.utf8.count }
                }
            }
        }
        let keySeconds = Double(keyElapsed.components.seconds) + Double(keyElapsed.components.attoseconds) / 1e18
        print("WebURL.parse + dedupKey: \(Int(Double(parses) / max(keySeconds, 1e-9))) per second")

        #expect(resolved == parses)
        #expect(bytes > 0 && keys > 0)
    }
}
