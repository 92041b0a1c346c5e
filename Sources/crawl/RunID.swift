import CrawlerCore
import Foundation

/// A run's id: its UTC start time to the second and four random hex digits
/// (`20261122T101500Z-3f9a`), so ids sort by time and two runs started in the same second differ.
enum RunID {
    static func make(now: Date = Date()) -> String {
        let stamp = RFC3339.format(millisecondsSinceEpoch: Int64(now.timeIntervalSince1970 * 1000))
            .replacingOccurrences(of: "-", with: "")
            .replacingOccurrences(of: ":", with: "")
        // 20261122T133712.123Z -> 20261122T133712Z
        let compact = stamp.split(separator: ".").first.map { "\($0)Z" } ?? stamp
        let suffix = String(UInt16.random(in: 0...UInt16.max), radix: 16)
        return "\(compact)-\(String(repeating: "0", count: 4 - suffix.count))\(suffix)"
    }
}
