@testable import HTMLParsing
import Testing

/// Prints the fast path's speed against libxml2's on the same pages (no timing assertions; run
/// `swift test -c release --filter Throughput` for representative figures).
@Suite("Fast path throughput (prints only)")
struct FastPathThroughputTests {
    @Test func printsFastPathAgainstLibxml2() {
        var rng = SplitMix64(seed: 7)
        let pages = (1...200).map { FastPathDocuments.benchmarkPage(&rng, index: $0) }
        let real = Array(FastPathDocuments.realWorldPage.utf8)
        // Fewer rounds in a debug build, whose figures mean little: these CPU-bound rounds hold a thread
        // of the cooperative pool throughout, and in a parallel `swift test` on two cores that starved
        // the other suites' servers and timers for seconds.
        #if DEBUG
        let (pageRounds, realRounds) = (1, 50)
        #else
        let (pageRounds, realRounds) = (10, 500)
        #endif
        let sets: [(String, [[UInt8]], Int)] = [
            ("benchmark-style pages (200, \(pages.reduce(0) { $0 + $1.count } / pages.count) bytes average)", pages, pageRounds),
            ("real-world-style page (\(real.count) bytes)", [real], realRounds),
        ]
        let extractor = HTMLLinkExtractor()
        for (name, documents, rounds) in sets {
            let bytes = documents.reduce(0) { $0 + $1.count } * rounds
            func rate(_ path: HTMLLinkExtractor.ExtractionPath) -> (megabytesPerSecond: Double, links: Int) {
                var links = 0
                let elapsed = ContinuousClock().measure {
                    for _ in 0..<rounds {
                        for document in documents {
                            links += extractor.extract(document, charset: "utf-8", path: path)?.links.count ?? 0
                        }
                    }
                }
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                return (Double(bytes) / 1e6 / seconds, links)
            }
            // The scanner alone, on text already known to be valid UTF-8 (what `extract` adds on
            // top: choosing the encoding and validating the bytes, the same for both paths).
            let state = ExtractionState(maxLinks: 10_000)
            let scratch = FastPathScratch()
            var accepted = 0
            let scanning = ContinuousClock().measure {
                for _ in 0..<rounds {
                    for document in documents {
                        state.reset()
                        if document.withUnsafeBytes({ FastPathScanner.scan($0, state: state, scratch: scratch) }) { accepted += 1 }
                    }
                }
            }
            let scanSeconds = Double(scanning.components.seconds) + Double(scanning.components.attoseconds) / 1e18
            let scanRate = Double(bytes) / 1e6 / scanSeconds
            #expect(accepted == documents.count * rounds)
            let libxml2 = rate(.libxml2Only)
            let fast = rate(.fastPathOnly)
            let automatic = rate(.automatic)
            print("""
                FastPath throughput, \(name): scanner alone \(Int(scanRate.rounded())) MB/s; extract: fast path \(Int(fast.megabytesPerSecond.rounded())) MB/s, \
                libxml2 \(Int(libxml2.megabytesPerSecond.rounded())) MB/s, automatic \(Int(automatic.megabytesPerSecond.rounded())) MB/s \
                (fast/libxml2 \(Int((fast.megabytesPerSecond / libxml2.megabytesPerSecond).rounded()))x; links \(fast.links) / \(libxml2.links))
                """)
            #expect(fast.links == libxml2.links)
        }
        #if DEBUG
        print("FastPath throughput: debug build; `swift test -c release --filter Throughput` gives representative figures")
        #endif
    }
}
