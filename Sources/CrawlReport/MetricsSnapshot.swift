/// The numbers a crawl exports to Prometheus (node_exporter's textfile collector), for
/// `PrometheusMetrics.render(_:)`. Written periodically during a run and once at the end.
public struct MetricsSnapshot: Sendable, Equatable {
    /// Records written so far, by outcome.
    public var recordsByOutcome: [String: Int]
    /// Decoded body bytes received so far.
    public var bodyBytes: Int
    /// Seconds since the run started.
    public var durationSeconds: Double
    /// How the run ended ("finished", "error_budget", "max_duration", "interrupted", ...), or
    /// "running" for a snapshot taken during the run.
    public var exitReason: String
    /// The process exit code; nil while running (the metric is then omitted).
    public var exitCode: Int?
    /// End time (Unix seconds) of the last run that finished with exit code 0; nil if none is known
    /// (the metric is then omitted, so an alert on its age fires rather than seeing 0).
    public var lastSuccessUnixTime: Double?
    /// Start time of this run (Unix seconds).
    public var startUnixTime: Double
    /// End time of this run (Unix seconds); nil while running (the metric is then omitted).
    public var endUnixTime: Double?
    /// Records that count as failures so far.
    public var failures: Int
    /// URLs still queued when the run stopped (0 while running or when it finished).
    public var queuedAtStop: Int

    public init(
        recordsByOutcome: [String: Int], bodyBytes: Int, durationSeconds: Double, exitReason: String,
        exitCode: Int?, lastSuccessUnixTime: Double?, startUnixTime: Double, endUnixTime: Double?,
        failures: Int, queuedAtStop: Int
    ) {
        self.recordsByOutcome = recordsByOutcome
        self.bodyBytes = bodyBytes
        self.durationSeconds = durationSeconds
        self.exitReason = exitReason
        self.exitCode = exitCode
        self.lastSuccessUnixTime = lastSuccessUnixTime
        self.startUnixTime = startUnixTime
        self.endUnixTime = endUnixTime
        self.failures = failures
        self.queuedAtStop = queuedAtStop
    }
}
