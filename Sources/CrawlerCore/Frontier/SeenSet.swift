/// The set of URL fingerprints this run has admitted (queued, fetched, or reached by a redirect).
/// Each distinct dedup key is admitted at most once per run.
public struct SeenSet: Sendable {
    private var fingerprints: Set<UInt64>

    public init(minimumCapacity: Int = 1024) {
        fingerprints = Set(minimumCapacity: minimumCapacity)
    }

    /// Inserts the fingerprint; returns false if it was already present.
    @discardableResult
    public mutating func insert(_ fingerprint: URLFingerprint) -> Bool {
        fingerprints.insert(fingerprint.rawValue).inserted
    }

    public func contains(_ fingerprint: URLFingerprint) -> Bool {
        fingerprints.contains(fingerprint.rawValue)
    }

    public var count: Int { fingerprints.count }

    /// Bytes the set's storage takes: 8 per slot, plus its occupancy bitmap (a bit per slot).
    public var storageBytes: Int { fingerprints.capacity * 8 + fingerprints.capacity / 8 }
}
