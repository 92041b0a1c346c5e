/// Streams JSONL files into a `ReportSummary` in memory that does not grow with the number of
/// records (it grows with hosts, outcomes, statuses, depths and media types, and the timeline).
///
/// ```swift
/// var aggregator = ReportAggregator()
/// try aggregator.add(path: "a.jsonl")
/// try aggregator.add(path: "b.jsonl")
/// let summary = aggregator.summary()
/// ```
public struct ReportAggregator {
    /// Length of the slowest and largest lists.
    public let topCount: Int

    private var files: [FileStats] = []
    private var records = 0
    private var failures = 0
    private var totalBytes = 0
    private var firstFetchMs: Int64?
    private var lastFetchMs: Int64?
    private var untimed = 0

    // Outcomes are interned to small ids so per-host and per-bucket counters are plain arrays.
    private var outcomeIDs: [String: Int] = [:]
    private var outcomeNames: [String] = []
    private var outcomeCounts: [Int] = []

    private var statuses: [Int: Int] = [:]
    private var noStatus = 0
    private var depths: [Int: Int] = [:]
    private var contentTypes: [String: (count: Int, bytes: Int)] = [:]

    private var hostIDs: [String: Int] = [:]
    private var hosts: [HostAccumulator] = []

    private var timeHistogram = LogHistogram()
    private var ttfbHistogram = LogHistogram()
    private var timeline = TimelineAccumulator()
    private var slowest: TopList<PageEntry>
    private var largest: TopList<PageEntry>

    private var scratch = ScannedRecord()

    public init(topCount: Int = 10) {
        self.topCount = topCount
        slowest = TopList(capacity: topCount)
        largest = TopList(capacity: topCount)
    }

    /// Reads one file and adds its records. Throws (naming the file) when it cannot be opened or read;
    /// records read before a read error stay counted.
    public mutating func add(path: String) throws(ReportReadError) {
        var stats = FileStats(path: StandardInput.displayName(path))
        // An invalid line is only known to be "the partial last line" once we see nothing follows.
        var pendingInvalid = false
        let bytes = try JSONLLineReader.forEachLine(path: path) { line, kind in
            switch kind {
            case .unterminated:
                if pendingInvalid { stats.invalidLines += 1 }
                pendingInvalid = false
                stats.partialLastLines += 1
            case .oversized:
                if pendingInvalid { stats.invalidLines += 1 }
                pendingInvalid = true
            case .complete:
                if isBlank(line) { return }
                if pendingInvalid { stats.invalidLines += 1 }
                pendingInvalid = !addLine(line)
                if !pendingInvalid { stats.records += 1 }
            }
        }
        if pendingInvalid { stats.partialLastLines += 1 }
        stats.bytesRead = bytes
        files.append(stats)
    }

    private func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for c in line where !(c == 0x20 || c == 0x09 || c == 0x0D) { return false }
        return true
    }

    /// Parses and aggregates one line; false when it is not a valid record.
    private mutating func addLine(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard var scanner = RecordScanner(line), scanner.scan(into: &scratch) else { return false }
        let r = scratch
        guard let outcomeSpan = r.outcome, let hostSpan = r.host, r.url != nil,
              let outcome = JSONText.decode(outcomeSpan, in: line),
              let host = JSONText.decode(hostSpan, in: line)
        else { return false }
        var mediaType = "(none)"
        if let span = r.contentType {
            guard let raw = JSONText.decode(span, in: line) else { return false }
            mediaType = ReportAggregator.mediaType(raw)
        }
        let status = r.status.flatMap { $0.isFinite && abs($0) < 1e9 ? Int($0) : nil }
        let bytes = r.bytes.flatMap { $0.isFinite && $0 >= 0 && $0 < 9e18 ? Int($0) : nil } ?? 0
        let timeMs = r.timeMs.flatMap { $0.isFinite ? $0 : nil } ?? 0
        let attempts = r.attempts ?? 1
        let isFailure = FailurePolicy.isFailure(outcome: outcome, status: status)

        // Entries for the top lists need the URL: decode it only when the entry will be kept.
        var url: String?
        func pageEntry() -> PageEntry? {
            if url == nil, let span = r.url { url = JSONText.decode(span, in: line) }
            guard let url else { return nil }
            return PageEntry(url: url, host: host, outcome: outcome, status: status, timeMs: timeMs, bytes: bytes)
        }
        if slowest.accepts(timeMs) {
            guard let entry = pageEntry() else { return false }
            slowest.insert(timeMs, entry)
        }
        if largest.accepts(Double(bytes)) {
            guard let entry = pageEntry() else { return false }
            largest.insert(Double(bytes), entry)
        }

        records += 1
        totalBytes &+= bytes
        if isFailure { failures += 1 }

        let outcomeID: Int
        if let id = outcomeIDs[outcome] {
            outcomeID = id
        } else {
            outcomeID = outcomeNames.count
            outcomeIDs[outcome] = outcomeID
            outcomeNames.append(outcome)
            outcomeCounts.append(0)
        }
        outcomeCounts[outcomeID] += 1

        if let status { statuses[status, default: 0] += 1 } else { noStatus += 1 }
        if let depth = r.depth, depth.isFinite, abs(depth) < 1e9 { depths[Int(depth), default: 0] += 1 }
        contentTypes[mediaType, default: (0, 0)].count += 1
        contentTypes[mediaType, default: (0, 0)].bytes &+= bytes

        let hostID: Int
        if let id = hostIDs[host] {
            hostID = id
        } else {
            hostID = hosts.count
            hostIDs[host] = hostID
            hosts.append(HostAccumulator(host: host))
        }
        hosts[hostID].add(outcome: outcomeID, bytes: bytes)
        if isFailure {
            hosts[hostID].failures += 1
            let kind = FailurePolicy.failureOutcomes.contains(outcome) ? outcome : FailurePolicy.http5xx
            hosts[hostID].failureKinds[kind, default: 0] += 1
        }
        // Records decided without a request (robots_disallowed, ...) have time_ms 0: leaving them
        // out keeps the percentiles about requests.
        if attempts > 0 {
            timeHistogram.record(timeMs)
            hosts[hostID].time.record(timeMs)
        }
        if let ttfb = r.ttfbMs, ttfb.isFinite {
            ttfbHistogram.record(ttfb)
            hosts[hostID].ttfb.record(ttfb)
        }

        if let span = r.fetchedAt, let ms = JSONText.unixMilliseconds(span, in: line) {
            if firstFetchMs.map({ ms < $0 }) ?? true { firstFetchMs = ms }
            if lastFetchMs.map({ ms > $0 }) ?? true { lastFetchMs = ms }
            timeline.add(unixSeconds: floorDiv(ms, 1000), outcome: outcomeID)
        } else {
            untimed += 1
        }
        return true
    }

    /// `text/HTML; charset=utf-8` -> `text/html`.
    static func mediaType(_ contentType: String) -> String {
        let head = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }
        let trimmed = String(decoding: head, as: UTF8.self).trimmingASCIIWhitespace().lowercased()
        return trimmed.isEmpty ? "(none)" : trimmed
    }

    /// The aggregates so far.
    public func summary() -> ReportSummary {
        var s = ReportSummary()
        s.files = files
        s.records = records
        s.invalidLines = files.reduce(0) { $0 + $1.invalidLines }
        s.partialLastLines = files.reduce(0) { $0 + $1.partialLastLines }
        for (id, name) in outcomeNames.enumerated() { s.outcomes[name] = outcomeCounts[id] }
        s.statuses = statuses
        for (status, n) in statuses {
            let key = (100..<600).contains(status) ? "\(status / 100)xx" : "other"
            s.statusClasses[key, default: 0] += n
        }
        if noStatus > 0 { s.statusClasses["none"] = noStatus }
        s.failures = failures
        s.totalBytes = totalBytes
        s.firstFetchMs = firstFetchMs
        s.lastFetchMs = lastFetchMs
        s.untimedRecords = untimed
        s.timeline = timeline.timeline(outcomeNames: outcomeNames)
        s.timeMs = LatencyStats(timeHistogram)
        s.ttfbMs = LatencyStats(ttfbHistogram)
        s.hosts = hosts.map { $0.summary(outcomeNames: outcomeNames) }
            .sorted { ($0.records, $1.host) > ($1.records, $0.host) }
        s.slowest = slowest.items.map(\.entry)
        s.largest = largest.items.map(\.entry)
        s.depths = depths
        s.contentTypes = contentTypes.map { ContentTypeStats(mediaType: $0.key, count: $0.value.count, bytes: $0.value.bytes) }
            .sorted { ($0.bytes, $0.count, $1.mediaType) > ($1.bytes, $1.count, $0.mediaType) }
        return s
    }
}

/// Per-host counters while reading.
struct HostAccumulator {
    let host: String
    var records = 0
    var failures = 0
    var bytes = 0
    var outcomeCounts: [Int] = []
    var failureKinds: [String: Int] = [:]
    var time = LogHistogram()
    var ttfb = LogHistogram()

    init(host: String) { self.host = host }

    mutating func add(outcome: Int, bytes: Int) {
        records += 1
        self.bytes &+= bytes
        if outcomeCounts.count <= outcome {
            outcomeCounts.append(contentsOf: repeatElement(0, count: outcome - outcomeCounts.count + 1))
        }
        outcomeCounts[outcome] += 1
    }

    func summary(outcomeNames: [String]) -> HostSummary {
        var h = HostSummary(host: host)
        h.records = records
        h.failures = failures
        h.bytes = bytes
        for (id, n) in outcomeCounts.enumerated() where n > 0 { h.outcomes[outcomeNames[id]] = n }
        h.failureKinds = failureKinds
        h.timeMs = LatencyStats(time)
        h.ttfbMs = LatencyStats(ttfb)
        return h
    }
}

extension ReportSummary {
    /// Reads and aggregates `paths` together, in order.
    public static func read(paths: [String], topCount: Int = 10) throws(ReportReadError) -> ReportSummary {
        var aggregator = ReportAggregator(topCount: topCount)
        for path in paths { try aggregator.add(path: path) }
        return aggregator.summary()
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        let bytes = Array(utf8)
        var lo = 0
        var hi = bytes.count
        while lo < hi, bytes[lo] == 0x20 || bytes[lo] == 0x09 { lo += 1 }
        while hi > lo, bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09 { hi -= 1 }
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }
}
