/// The set of URL fingerprints this run has admitted (queued, fetched, or reached by a redirect).
/// Each distinct dedup key is admitted at most once per run.
public struct SeenSet: Sendable {
    // Fingerprints are splitmix64-finalised hashes: the table uses them as their own hash.
    private var fingerprints: FingerprintTable

    public init(minimumCapacity: Int = 1024) {
        fingerprints = FingerprintTable(minimumCapacity: minimumCapacity, mapsValues: false)
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

    /// Bytes the set's storage takes: 8 per slot.
    public var storageBytes: Int { fingerprints.capacity * 8 }
}
