/// The live numbers of a running crawl, for `ProgressLine.render(_:width:)`.
public struct ProgressSnapshot: Sendable, Equatable {
    /// Records written.
    public var records: Int
    /// Recent throughput.
    public var urlsPerSecond: Double
    /// URLs waiting in the frontier.
    public var queued: Int
    /// Requests in flight.
    public var inFlight: Int
    /// Records that count as failures.
    public var failures: Int
    /// Decoded body bytes received.
    public var bytes: Int
    /// Seconds since the start.
    public var elapsedSeconds: Double

    public init(records: Int, urlsPerSecond: Double, queued: Int, inFlight: Int, failures: Int, bytes: Int, elapsedSeconds: Double) {
        self.records = records
        self.urlsPerSecond = urlsPerSecond
        self.queued = queued
        self.inFlight = inFlight
        self.failures = failures
        self.bytes = bytes
        self.elapsedSeconds = elapsedSeconds
    }
}
