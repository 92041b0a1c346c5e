/// Renders a `ReportSummary` as one self-contained HTML file: inline CSS, charts as inline SVG,
/// and a few lines of inline JavaScript to sort tables. Nothing is loaded from the network (no
/// CDN, no web fonts, no external images), so the file can be mailed, archived, or opened offline.
public enum HTMLReport {
    /// Number of `<svg>` charts in every report (throughput, outcomes over time, latency per host,
    /// bytes by content type, depth).
    public static let chartCount = 5

    /// The complete HTML document.
    public static func render(_ s: ReportSummary, hostLimit: Int = 25) -> String {
        var body = ""
        let title = "crawl report: \(ReportFormat.grouped(s.records)) records"
        body += "<h1>\(escape(title))</h1>\n"
        body += overview(s)

        body += "<h2>Throughput over time</h2>\n" + SVGCharts.throughput(s.timeline) + "\n"
        let order = s.outcomes.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
        body += "<h2>Outcomes over time</h2>\n" + legend(order) + SVGCharts.outcomesOverTime(s.timeline, order: order) + "\n"
        let boxHosts = Array(s.hosts.filter { $0.timeMs != nil }.prefix(20))
        body += "<h2>Latency per host</h2>\n<p class=\"note\">time_ms of records that made a request, busiest \(boxHosts.count) hosts: "
            + "whiskers min to p99, box p25 to p75, bar at the median, dot at the maximum (percentiles ±1%).</p>\n"
            + SVGCharts.latencyByHost(boxHosts) + "\n"
        let types = s.contentTypes.prefix(15).map { (label: $0.mediaType, value: Double($0.bytes), text: "\(ProgressLine.bytes($0.bytes)) · \(ReportFormat.grouped($0.count)) records") }
        body += "<h2>Bytes by content type</h2>\n" + SVGCharts.horizontalBars(Array(types), label: "Bytes by content type", color: "#1565c0") + "\n"
        let depths = s.depths.sorted { $0.key < $1.key }.prefix(30).map { (label: "depth \($0.key)", value: Double($0.value), text: ReportFormat.grouped($0.value)) }
        body += "<h2>Depth</h2>\n" + SVGCharts.horizontalBars(Array(depths), label: "Records by depth", color: "#6a1b9a") + "\n"

        body += "<h2>Outcomes</h2>\n" + table(
            ["outcome", "records", "share", "failure"],
            s.outcomes.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { name, n in
                [.text(name), .int(n), .percent(n, s.records), .text(FailurePolicy.failureOutcomes.contains(name) ? "yes" : "")]
            })
        body += "<h2>HTTP status</h2>\n" + table(
            ["status", "records", "share"],
            s.statuses.sorted { $0.key < $1.key }.map { [.int($0.key), .int($0.value), .percent($0.value, s.records)] }
                + (s.statusClasses["none"].map { [[.text("none"), .int($0), .percent($0, s.records)]] } ?? []))
        body += "<h2>Hosts</h2>\n" + (s.hosts.count > hostLimit ? "<p class=\"note\">Busiest \(hostLimit) of \(s.hosts.count) hosts.</p>\n" : "")
            + table(["host", "records", "failed", "bytes", "p50 ms", "p90 ms", "p99 ms", "ttfb p50 ms", "ttfb p99 ms"],
                    s.hosts.prefix(hostLimit).map { h in
                        [.text(h.host), .int(h.records), .int(h.failures), .bytes(h.bytes), .ms(h.timeMs?.p50), .ms(h.timeMs?.p90),
                         .ms(h.timeMs?.p99), .ms(h.ttfbMs?.p50), .ms(h.ttfbMs?.p99)]
                    })
        let failing = s.failingHosts
        body += "<h2>Failing hosts</h2>\n" + (failing.isEmpty ? "<p class=\"note\">None.</p>\n" : table(
            ["host", "failed", "records", "failure rate", "top failure"],
            failing.prefix(hostLimit).map { h in
                [.text(h.host), .int(h.failures), .int(h.records), .percent(h.failures, h.records), .text(h.topFailure ?? "")]
            }))
        body += "<h2>Slowest pages</h2>\n" + pages(s.slowest)
        body += "<h2>Largest pages</h2>\n" + pages(s.largest)
        body += "<h2>Content types</h2>\n" + table(
            ["media type", "records", "bytes"],
            s.contentTypes.map { [.text($0.mediaType), .int($0.count), .bytes($0.bytes)] })

        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>\(css)</style>
            </head>
            <body>
            \(body)
            <script>\(script)</script>
            </body>
            </html>

            """
    }

    /// Renders and writes the report atomically (temporary file in the same directory, then rename).
    public static func write(_ s: ReportSummary, to path: String, hostLimit: Int = 25) throws {
        try AtomicFile.write(Array(render(s, hostLimit: hostLimit).utf8), to: path)
    }

    // MARK: - Pieces

    private static func overview(_ s: ReportSummary) -> String {
        var items: [(String, String)] = [
            ("records", ReportFormat.grouped(s.records)),
            ("failures", "\(ReportFormat.grouped(s.failures)) (\(ReportFormat.percent(s.failures, of: s.records)))"),
            ("body bytes", ProgressLine.bytes(s.totalBytes)),
            ("hosts", ReportFormat.grouped(s.hosts.count)),
        ]
        if let first = s.firstFetchMs, let last = s.lastFetchMs, let span = s.spanSeconds {
            items.append(("first fetch", ReportFormat.timestamp(unixMs: first)))
            items.append(("last fetch", ReportFormat.timestamp(unixMs: last)))
            items.append(("span", ReportFormat.span(seconds: span)))
            if let peak = s.timeline.peakRatePerSecond(firstFetchMs: first, lastFetchMs: last) {
                items.append(("peak URLs/s", ReportFormat.fixed(peak, decimals: 1)))
            }
        }
        if let t = s.timeMs { items.append(("time_ms p50 / p90 / p99", "\(ReportFormat.ms(t.p50)) / \(ReportFormat.ms(t.p90)) / \(ReportFormat.ms(t.p99))")) }
        if let t = s.ttfbMs { items.append(("ttfb_ms p50 / p90 / p99", "\(ReportFormat.ms(t.p50)) / \(ReportFormat.ms(t.p90)) / \(ReportFormat.ms(t.p99))")) }
        var html = "<dl class=\"overview\">"
        for (k, v) in items { html += "<div><dt>\(escape(k))</dt><dd>\(escape(v))</dd></div>" }
        html += "</dl>\n<p class=\"note\">Files: "
        html += s.files.map { f in
            var note = "\(escape(f.path)) (\(ReportFormat.grouped(f.records)) records"
            if f.invalidLines > 0 { note += ", \(f.invalidLines) invalid lines" }
            if f.partialLastLines > 0 { note += ", partial last line skipped" }
            return note + ")"
        }.joined(separator: "; ")
        return html + "</p>\n"
    }

    private static func legend(_ order: [String]) -> String {
        var html = "<p class=\"legend\">"
        for (k, outcome) in order.enumerated() {
            html += "<span><i style=\"background:\(SVGCharts.color(outcome: outcome, fallbackIndex: k))\"></i>\(escape(outcome))</span> "
        }
        return html + "</p>\n"
    }

    private static func pages(_ list: [PageEntry]) -> String {
        table(["time ms", "bytes", "status", "outcome", "host", "url"], list.map { p in
            [.ms(p.timeMs), .bytes(p.bytes), p.status.map { .int($0) } ?? .text("-"), .text(p.outcome), .text(p.host), .url(p.url)]
        })
    }

    enum Cell {
        case text(String), url(String), int(Int), bytes(Int), ms(Double?), percent(Int, Int)
    }

    /// A table sortable by clicking its headers: numeric cells carry their raw value in `data-v`.
    private static func table(_ headers: [String], _ rows: [[Cell]]) -> String {
        var html = "<table class=\"sortable\"><thead><tr>"
        for h in headers { html += "<th>\(escape(h))</th>" }
        html += "</tr></thead><tbody>\n"
        for row in rows {
            html += "<tr>"
            for cell in row {
                switch cell {
                case .text(let t): html += "<td>\(escape(t))</td>"
                case .url(let u): html += "<td class=\"url\">\(escape(u))</td>"
                case .int(let n): html += "<td class=\"n\" data-v=\"\(n)\">\(ReportFormat.grouped(n))</td>"
                case .bytes(let n): html += "<td class=\"n\" data-v=\"\(n)\">\(escape(ProgressLine.bytes(n)))</td>"
                case .ms(let v): html += "<td class=\"n\" data-v=\"\(v.map { "\($0)" } ?? "-1")\">\(ReportFormat.ms(v))</td>"
                case .percent(let a, let b):
                    let v = b > 0 ? Double(a) / Double(b) : 0
                    html += "<td class=\"n\" data-v=\"\(v)\">\(ReportFormat.percent(a, of: b))</td>"
                }
            }
            html += "</tr>\n"
        }
        return html + "</tbody></table>\n"
    }

    /// Escapes text for HTML content and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    private static let css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1100px;padding:0 16px;color:#222;background:#fff}
        h1{font-size:22px;margin:0 0 12px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
        .overview{display:flex;flex-wrap:wrap;gap:8px 28px;margin:0}.overview dt{color:#666;font-size:12px}.overview dd{margin:0;font-weight:600}
        .note{color:#666;font-size:12px}.legend span{margin-right:12px;font-size:12px;white-space:nowrap}
        .legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:-1px}
        svg.chart{width:100%;height:auto;display:block}
        .grid{stroke:#e6e6e6;stroke-width:1}.tick{font-size:11px;fill:#555}.unit{font-size:11px;fill:#888}
        .line{fill:none;stroke:#1565c0;stroke-width:1.8}.area{fill:#1565c0;fill-opacity:.12}
        .box rect{fill:#90caf9;stroke:#1565c0}.box .whisker{stroke:#1565c0;fill:none}.box .median{stroke:#0d47a1;stroke-width:2.5}
        .box circle{fill:#c62828}
        table{border-collapse:collapse;width:100%;font-size:13px;margin:4px 0}
        th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
        th{cursor:pointer;background:#f6f6f6;user-select:none;white-space:nowrap}th:after{content:" \\2195";color:#bbb}
        td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.url{word-break:break-all}
        """

    /// Sorts a table by the clicked column: numeric by `data-v` when present, otherwise by text.
    private static let script = """
        document.querySelectorAll("table.sortable th").forEach(function(th,col){
          th.addEventListener("click",function(){
            var body=th.closest("table").tBodies[0],rows=Array.prototype.slice.call(body.rows);
            var asc=th.getAttribute("data-dir")!=="asc";th.setAttribute("data-dir",asc?"asc":"desc");
            rows.sort(function(a,b){
              var x=a.cells[col],y=b.cells[col],vx=x.getAttribute("data-v"),vy=y.getAttribute("data-v"),r;
              if(vx!==null&&vy!==null){r=parseFloat(vx)-parseFloat(vy);}else{r=x.textContent.localeCompare(y.textContent);}
              return asc?r:-r;});
            rows.forEach(function(r){body.appendChild(r);});});});
        """
}
