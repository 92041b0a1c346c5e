/// Inline SVG charts for `HTMLReport`, drawn in Swift so the report needs no script library and no
/// network. Every chart uses a `viewBox` and scales to the page width.
enum SVGCharts {
    static let width = 900.0
    static let left = 60.0, right = 20.0, top = 16.0, bottom = 34.0
    static let palette = ["#2e7d32", "#1565c0", "#ef6c00", "#6a1b9a", "#c62828", "#00838f", "#9e9d24",
                          "#ad1457", "#4e342e", "#546e7a", "#283593", "#f9a825"]

    /// Fixed colours for the common outcomes, so the same outcome looks the same in every report.
    static func color(outcome: String, fallbackIndex: Int) -> String {
        switch outcome {
        case "ok": return "#2e7d32"
        case "http_error": return "#ef6c00"
        case "unsupported_content": return "#90a4ae"
        case "robots_disallowed", "robots_unreachable", "crawl_delay_too_long": return "#6a1b9a"
        case "duplicate", "redirect_limit", "redirect_offsite", "excluded", "redirect_blocked_scheme", "url_invalid": return "#1565c0"
        case "cancelled", "error_budget_exhausted": return "#795548"
        default:
            return FailurePolicy.failureOutcomes.contains(outcome)
                ? ["#c62828", "#e53935", "#ad1457", "#d81b60", "#b71c1c"][fallbackIndex % 5]
                : palette[(fallbackIndex + 5) % palette.count]
        }
    }

    /// "Nice" axis ticks (1, 2, 5 × 10^k) from 0 to at least `maxValue`.
    static func ticks(maxValue: Double, count: Int = 5) -> [Double] {
        guard maxValue > 0, maxValue.isFinite else { return [0, 1] }
        let raw = maxValue / Double(count)
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw { magnitude /= 10 }
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? magnitude * 10
        var out: [Double] = []
        var v = 0.0
        while v < maxValue + step * 0.999 { out.append(v); v += step }
        return out
    }

    static func num(_ v: Double) -> String { ReportFormat.fixed(v, decimals: 1) }

    static func tickLabel(_ v: Double) -> String {
        if v >= 1000 { return ProgressLine.count(Int(v)) }
        return v == v.rounded() ? String(Int(v)) : ReportFormat.fixed(v, decimals: 1)
    }

    private static func open(height: Double, label: String) -> String {
        "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(HTMLReport.escape(label))\">\n"
    }

    /// Y grid with labels, for a plot area of `plotHeight` starting at `top`.
    private static func yAxis(_ ticks: [Double], plotHeight: Double, unit: String) -> String {
        let top = ticks.last ?? 1
        var s = ""
        for t in ticks {
            let y = SVGCharts.top + plotHeight - t / top * plotHeight
            s += "<line class=\"grid\" x1=\"\(num(left))\" y1=\"\(num(y))\" x2=\"\(num(width - right))\" y2=\"\(num(y))\"/>"
            s += "<text class=\"tick\" x=\"\(num(left - 6))\" y=\"\(num(y + 4))\" text-anchor=\"end\">\(tickLabel(t))</text>\n"
        }
        s += "<text class=\"unit\" x=\"4\" y=\"\(num(SVGCharts.top - 4))\">\(HTMLReport.escape(unit))</text>\n"
        return s
    }

    /// Time labels under the plot: about six, as UTC times of day (dates when the span is > 1 day).
    private static func timeAxis(_ t: Timeline, plotHeight: Double) -> String {
        let n = t.totals.count
        guard n > 0 else { return "" }
        let spanSeconds = Int64(n * t.bucketSeconds)
        var s = ""
        let labels = min(6, n)
        for k in 0..<labels {
            let i = labels == 1 ? 0 : k * (n - 1) / (labels - 1)
            let x = left + (Double(i) + 0.5) / Double(n) * (width - left - right)
            let stamp = ReportFormat.timestamp(unixMs: (t.startUnixSeconds + Int64(i * t.bucketSeconds)) * 1000)
            // "2026-11-22 14:31:06.000Z": time of day, or the date for long spans.
            let text = spanSeconds > 86_400 ? String(stamp.prefix(16)) : String(stamp.dropFirst(11).prefix(8))
            let anchor = labels > 1 && k == 0 ? "start" : labels > 1 && k == labels - 1 ? "end" : "middle"
            s += "<text class=\"tick\" x=\"\(num(x))\" y=\"\(num(top + plotHeight + 18))\" text-anchor=\"\(anchor)\">\(text)</text>\n"
        }
        return s
    }

    /// Throughput (URLs/s per bucket) as a line with a light area under it.
    static func throughput(_ t: Timeline) -> String {
        let height = 240.0
        let plotHeight = height - top - bottom
        let rates = ReportFormat.downsample(t.ratePerSecond, to: 600)
        let ticks = self.ticks(maxValue: rates.max() ?? 0)
        let yTop = ticks.last ?? 1
        var s = open(height: height, label: "Throughput over time")
        s += yAxis(ticks, plotHeight: plotHeight, unit: "URLs/s")
        let plotWidth = width - left - right
        var path = ""
        for (i, r) in rates.enumerated() {
            let x = left + (Double(i) + 0.5) / Double(max(rates.count, 1)) * plotWidth
            let y = top + plotHeight - r / yTop * plotHeight
            path += (i == 0 ? "M" : " L") + "\(num(x)),\(num(y))"
        }
        if rates.count == 1 { path += " h1" }  // a single bucket still draws a visible stroke
        if !path.isEmpty {
            let baseY = num(top + plotHeight)
            let firstX = num(left + 0.5 / Double(rates.count) * plotWidth)
            let lastX = num(left + (Double(rates.count) - 0.5) / Double(rates.count) * plotWidth)
            s += "<path class=\"area\" d=\"\(path) L\(lastX),\(baseY) L\(firstX),\(baseY) Z\"/>\n"
            s += "<path class=\"line\" d=\"\(path)\"/>\n"
        }
        s += timeAxis(t, plotHeight: plotHeight)
        return s + "</svg>"
    }

    /// Outcomes per bucket as stacked bars (buckets merged down to at most 150 bars).
    static func outcomesOverTime(_ t: Timeline, order: [String]) -> String {
        let height = 260.0
        let plotHeight = height - top - bottom
        let n = t.totals.count
        // Equal groups of buckets per bar (uneven groups would draw a false zig-zag).
        let perBar = max(1, (n + 149) / 150)
        let bars = (n + perBar - 1) / perBar
        var s = open(height: height, label: "Outcomes over time")
        guard bars > 0 else { return s + "</svg>" }
        func group(_ series: [Int]) -> [Int] {
            (0..<bars).map { b in series[(b * perBar)..<min(n, (b + 1) * perBar)].reduce(0, +) }
        }
        let totals = group(t.totals)
        let ticks = self.ticks(maxValue: Double(totals.max() ?? 0))
        let yTop = ticks.last ?? 1
        s += yAxis(ticks, plotHeight: plotHeight, unit: "records per \(perBar * t.bucketSeconds) s")
        let plotWidth = width - left - right
        let slot = plotWidth / Double(bars)
        let barWidth = max(1, slot * 0.85)
        var stackHeights = [Double](repeating: 0, count: bars)
        for (k, outcome) in order.enumerated() {
            guard let series = t.outcomes[outcome] else { continue }
            let counts = group(series)
            let color = self.color(outcome: outcome, fallbackIndex: k)
            s += "<g fill=\"\(color)\"><title>\(HTMLReport.escape(outcome))</title>"
            for (b, c) in counts.enumerated() where c > 0 {
                let h = Double(c) / yTop * plotHeight
                stackHeights[b] += h
                let y = top + plotHeight - stackHeights[b]
                s += "<rect x=\"\(num(left + Double(b) * slot))\" y=\"\(num(y))\" width=\"\(num(barWidth))\" height=\"\(num(max(h, 0.5)))\"/>"
            }
            s += "</g>\n"
        }
        s += timeAxis(t, plotHeight: plotHeight)
        return s + "</svg>"
    }

    /// Horizontal box plots of `time_ms` per host on a log axis: whiskers min..p99, box p25..p75,
    /// a bar at the median, a dot at the maximum.
    static func latencyByHost(_ hosts: [HostSummary]) -> String {
        let rows = hosts.filter { $0.timeMs != nil }
        let rowHeight = 26.0
        let labelWidth = 230.0
        let height = top + bottom + max(1, Double(rows.count)) * rowHeight
        var s = open(height: height, label: "Latency per host")
        guard !rows.isEmpty else { return s + "</svg>" }
        let lo = max(0.01, rows.compactMap { $0.timeMs?.min }.filter { $0 > 0 }.min() ?? 0.1)
        let hi = max(lo * 10, rows.compactMap { $0.timeMs?.max }.max() ?? 1)
        var logLo = log10(lo).rounded(.down), logHi = log10(hi).rounded(.up)
        if logHi <= logLo { logHi = logLo + 1 }
        if logHi - logLo > 9 { logLo = logHi - 9 }
        let x0 = labelWidth, x1 = width - right
        func x(_ v: Double) -> Double {
            let l = log10(max(v, pow10(logLo)))
            return x0 + (min(l, logHi) - logLo) / (logHi - logLo) * (x1 - x0)
        }
        var e = logLo
        while e <= logHi {
            let gx = x(pow10(e))
            s += "<line class=\"grid\" x1=\"\(num(gx))\" y1=\"\(num(top))\" x2=\"\(num(gx))\" y2=\"\(num(height - bottom))\"/>"
            s += "<text class=\"tick\" x=\"\(num(gx))\" y=\"\(num(height - bottom + 16))\" text-anchor=\"middle\">\(tickLabel(pow10(e)))</text>\n"
            e += 1
        }
        s += "<text class=\"unit\" x=\"\(num(x1))\" y=\"\(num(height - 4))\" text-anchor=\"end\">time_ms (log scale)</text>\n"
        for (i, h) in rows.enumerated() {
            guard let st = h.timeMs else { continue }
            let cy = top + (Double(i) + 0.5) * rowHeight
            let label = HTMLReport.escape(ReportFormat.truncate(h.host, 34))
            s += "<g class=\"box\"><title>\(HTMLReport.escape(h.host)): p25 \(ReportFormat.ms(st.p25)), p50 \(ReportFormat.ms(st.p50)), "
                + "p75 \(ReportFormat.ms(st.p75)), p99 \(ReportFormat.ms(st.p99)), max \(ReportFormat.ms(st.max)) ms (\(st.count) requests)</title>"
            s += "<text class=\"tick\" x=\"\(num(x0 - 8))\" y=\"\(num(cy + 4))\" text-anchor=\"end\">\(label)</text>"
            s += "<path class=\"whisker\" d=\"M\(num(x(st.min))),\(num(cy)) H\(num(x(st.p99))) M\(num(x(st.min))),\(num(cy - 5)) v10 M\(num(x(st.p99))),\(num(cy - 5)) v10\"/>"
            let bx = x(st.p25)
            s += "<rect x=\"\(num(bx))\" y=\"\(num(cy - 8))\" width=\"\(num(max(2, x(st.p75) - bx)))\" height=\"16\"/>"
            s += "<path class=\"median\" d=\"M\(num(x(st.p50))),\(num(cy - 8)) v16\"/>"
            s += "<circle cx=\"\(num(x(st.max)))\" cy=\"\(num(cy))\" r=\"2.5\"/></g>\n"
        }
        return s + "</svg>"
    }

    /// Horizontal bars: one row per label, value written at the bar's end.
    static func horizontalBars(_ items: [(label: String, value: Double, text: String)], label: String, color: String) -> String {
        let rowHeight = 24.0
        let labelWidth = 230.0
        let height = top + 10 + max(1, Double(items.count)) * rowHeight
        var s = open(height: height, label: label)
        let top = items.map(\.value).max() ?? 0
        let x0 = labelWidth, x1 = width - right - 190
        for (i, item) in items.enumerated() {
            let y = SVGCharts.top + Double(i) * rowHeight
            let w = top > 0 ? max(1, item.value / top * (x1 - x0)) : 1
            s += "<text class=\"tick\" x=\"\(num(x0 - 8))\" y=\"\(num(y + 15))\" text-anchor=\"end\">\(HTMLReport.escape(ReportFormat.truncate(item.label, 34)))</text>"
            s += "<rect fill=\"\(color)\" x=\"\(num(x0))\" y=\"\(num(y + 3))\" width=\"\(num(w))\" height=\"\(num(rowHeight - 8))\"><title>\(HTMLReport.escape(item.label)): \(HTMLReport.escape(item.text))</title></rect>"
            s += "<text class=\"tick\" x=\"\(num(x0 + w + 6))\" y=\"\(num(y + 15))\">\(HTMLReport.escape(item.text))</text>\n"
        }
        return s + "</svg>"
    }

    private static func pow10(_ e: Double) -> Double { pow(10, e) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
