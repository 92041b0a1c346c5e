/// Renders a `ReportSummary` as plain text for a terminal or a pipe: sections of aligned tables,
/// no colour and no escape sequences, so it reads the same in `less`, a log file or CI output.
public enum TerminalReport {
    /// - Parameters:
    ///   - width: target line width; long URLs and host names are cut to fit.
    ///   - hostLimit: rows in the hosts and failing-hosts tables.
    public static func render(_ s: ReportSummary, width: Int = 120, hostLimit: Int = 20) -> String {
        var out = ""
        let w = max(60, width)
        func section(_ title: String) { out += "\n\(title)\n" }
        // "1 record", "2 records", "1,234 records".
        func counted(_ count: Int, _ noun: String) -> String { "\(ReportFormat.grouped(count)) \(ReportFormat.noun(noun, count: count))" }

        // Overview.
        out += "crawl report: \(s.files.count) \(ReportFormat.noun("file", count: s.files.count)), \(counted(s.records, "record")), "
            + "\(ProgressLine.bytes(s.totalBytes)) of bodies, \(counted(s.failures, "failure")) "
            + "(\(ReportFormat.percent(s.failures, of: s.records)))\n"
        for f in s.files {
            var notes: [String] = []
            if f.invalidLines > 0 { notes.append("\(f.invalidLines) invalid \(ReportFormat.noun("line", count: f.invalidLines))") }
            if f.partialLastLines > 0 { notes.append("partial last line skipped") }
            let tail = notes.isEmpty ? "" : "; " + notes.joined(separator: ", ")
            out += "  \(f.path): \(counted(f.records, "record")), \(ProgressLine.bytes(f.bytesRead))\(tail)\n"
        }
        if let first = s.firstFetchMs, let last = s.lastFetchMs, let span = s.spanSeconds {
            out += "  from \(ReportFormat.timestamp(unixMs: first)) to \(ReportFormat.timestamp(unixMs: last))"
                + " (\(ReportFormat.span(seconds: span)))\n"
            let rates = s.timeline.ratePerSecond
            // Over the measured span (a 0.5 s crawl did ~2x its one bucket's count per second).
            let average = s.averageRatePerSecond ?? 0
            out += "  throughput: average \(ReportFormat.fixed(average, decimals: 1)) URLs/s"
            if let peak = s.timeline.peakRatePerSecond(firstFetchMs: first, lastFetchMs: last) {
                out += ", peak \(ReportFormat.fixed(peak, decimals: 1)) URLs/s (\(s.timeline.bucketSeconds) s buckets)"
            }
            out += "\n"
            if rates.count > 1 { out += "  URLs/s     " + sparkline(ReportFormat.downsample(rates, to: w - 13)) + "\n" }
        }
        if s.untimedRecords > 0 { out += "  \(counted(s.untimedRecords, "record")) without a valid fetched_at\n" }

        section("Outcomes")
        var outcomes = TextTable([("outcome", .left), ("records", .right), ("share", .right), ("failure", .left)])
        for (name, n) in s.outcomes.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            outcomes.add([name, ReportFormat.grouped(n), ReportFormat.percent(n, of: s.records),
                          FailurePolicy.failureOutcomes.contains(name) ? "yes" : ""])
        }
        out += outcomes.render(width: w)

        section("HTTP status")
        var classes = TextTable([("class", .left), ("records", .right), ("share", .right), ("codes", .left)])
        for (cls, n) in s.statusClasses.sorted(by: { $0.key < $1.key }) {
            let codes = s.statuses.filter { statusClass($0.key) == cls }
                .sorted { ($0.value, $1.key) > ($1.value, $0.key) }
                .map { "\($0.key) ×\(ReportFormat.grouped($0.value))" }.joined(separator: ", ")
            classes.add([cls, ReportFormat.grouped(n), ReportFormat.percent(n, of: s.records), codes])
        }
        out += classes.render(width: w)

        section("Latency in ms (percentiles ±1%; time_ms of records that made a request)")
        var latency = TextTable([("metric", .left), ("count", .right), ("min", .right), ("p50", .right),
                                 ("p90", .right), ("p99", .right), ("max", .right), ("mean", .right)])
        for (name, stats) in [("time_ms", s.timeMs), ("ttfb_ms", s.ttfbMs)] {
            guard let st = stats else { latency.add([name, "0"]); continue }
            latency.add([name, ReportFormat.grouped(st.count), ReportFormat.ms(st.min), ReportFormat.ms(st.p50),
                         ReportFormat.ms(st.p90), ReportFormat.ms(st.p99), ReportFormat.ms(st.max), ReportFormat.ms(st.mean)])
        }
        out += latency.render(width: w)

        section(s.hosts.count > hostLimit ? "Hosts (top \(hostLimit) of \(s.hosts.count) by records)" : "Hosts")
        var hosts = TextTable([("records", .right), ("failed", .right), ("bytes", .right), ("p50 ms", .right),
                               ("p90 ms", .right), ("p99 ms", .right), ("ttfb p50", .right), ("host", .left)])
        for h in s.hosts.prefix(hostLimit) {
            hosts.add([ReportFormat.grouped(h.records), ReportFormat.grouped(h.failures), ProgressLine.bytes(h.bytes),
                       ReportFormat.ms(h.timeMs?.p50), ReportFormat.ms(h.timeMs?.p90), ReportFormat.ms(h.timeMs?.p99),
                       ReportFormat.ms(h.ttfbMs?.p50), h.host])
        }
        out += hosts.render(width: w)

        let failing = s.failingHosts
        section(failing.isEmpty ? "Failing hosts: none" : "Failing hosts (\(failing.count))")
        if !failing.isEmpty {
            var table = TextTable([("failed", .right), ("records", .right), ("rate", .right), ("top failure", .left), ("host", .left)])
            for h in failing.prefix(hostLimit) {
                table.add([ReportFormat.grouped(h.failures), ReportFormat.grouped(h.records),
                           ReportFormat.percent(h.failures, of: h.records), h.topFailure ?? "", h.host])
            }
            out += table.render(width: w)
        }

        section("Slowest pages")
        out += pageTable(s.slowest, width: w)
        section("Largest pages")
        out += pageTable(s.largest, width: w)

        section("Depth")
        var depth = TextTable([("depth", .right), ("records", .right), ("", .left)])
        let maxDepthCount = s.depths.values.max() ?? 1
        for (d, n) in s.depths.sorted(by: { $0.key < $1.key }) {
            depth.add(["\(d)", ReportFormat.grouped(n), String(repeating: "#", count: max(1, n * 40 / maxDepthCount))])
        }
        out += depth.render(width: w)

        section("Content types")
        var types = TextTable([("records", .right), ("bytes", .right), ("media type", .left)])
        for t in s.contentTypes {
            types.add([ReportFormat.grouped(t.count), ProgressLine.bytes(t.bytes), t.mediaType])
        }
        out += types.render(width: w)
        return out
    }

    private static func pageTable(_ pages: [PageEntry], width: Int) -> String {
        guard !pages.isEmpty else { return "  (none)\n" }
        var table = TextTable([("time ms", .right), ("bytes", .right), ("status", .right), ("outcome", .left), ("url", .left)])
        for p in pages {
            table.add([ReportFormat.ms(p.timeMs), ProgressLine.bytes(p.bytes), p.status.map(String.init) ?? "-", p.outcome, p.url])
        }
        return table.render(width: width)
    }

    static func statusClass(_ status: Int) -> String {
        (100..<600).contains(status) ? "\(status / 100)xx" : "other"
    }

    /// Eight-level block sparkline of `values` (scaled to their maximum).
    static func sparkline(_ values: [Double]) -> String {
        let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        let top = values.max() ?? 0
        guard top > 0 else { return String(repeating: blocks[0], count: values.count) }
        return String(values.map { blocks[min(7, Int(($0 / top * 7).rounded()))] })
    }
}
