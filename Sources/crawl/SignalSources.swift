import Foundation

/// Dispatch sources that call `handler` with the signal number on the given signals instead of the
/// default termination, so the crawl can stop cleanly (flush, summary, exit code).
final class SignalSources: @unchecked Sendable {
    // @unchecked Sendable: `sources` is assigned once in init and never mutated; DispatchSource's
    // cancel is thread-safe.
    private let sources: [any DispatchSourceSignal]

    init(_ numbers: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "crawl.signals")
        sources = numbers.map { number in
            signal(number, SIG_IGN)  // the source sees the signal; the default action must not run
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    func cancel() {
        sources.forEach { $0.cancel() }
    }
}
