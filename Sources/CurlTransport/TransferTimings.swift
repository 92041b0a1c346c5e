/// Phase durations of one transfer, in milliseconds, from libcurl's `CURLINFO_*_TIME_T` (µs).
///
/// On a reused connection DNS, connect and TLS are (near) zero.
public struct TransferTimings: Sendable, Equatable {
    /// Name resolution (CURLINFO_NAMELOOKUP_TIME_T).
    public var dnsMs: Double
    /// TCP connect after resolution: connect - namelookup.
    public var connectMs: Double
    /// TLS handshake: appconnect - connect; 0 without TLS.
    public var tlsMs: Double
    /// Start to first response byte (CURLINFO_STARTTRANSFER_TIME_T).
    public var ttfbMs: Double
    /// Whole transfer (CURLINFO_TOTAL_TIME_T).
    public var totalMs: Double

    public init(dnsMs: Double = 0, connectMs: Double = 0, tlsMs: Double = 0, ttfbMs: Double = 0, totalMs: Double = 0) {
        self.dnsMs = dnsMs
        self.connectMs = connectMs
        self.tlsMs = tlsMs
        self.ttfbMs = ttfbMs
        self.totalMs = totalMs
    }

    /// All zero: for transfers that never reached libcurl.
    public static let zero = TransferTimings()
}
