/// Durations written for people: `90` (seconds), `500ms`, `30s`, `15m`, `2h`, `1d`, `1h30m`, `1.5h`.
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !trimmed.isEmpty else { return nil }
        if let seconds = Double(trimmed) {
            return seconds.isFinite && seconds >= 0 && seconds <= 31_536_000 ? .seconds(seconds) : nil
        }
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        var total = 0.0
        var rest = Substring(trimmed)
        while !rest.isEmpty {
            let numberEnd = rest.firstIndex { !($0.isNumber || $0 == ".") } ?? rest.endIndex
            guard numberEnd > rest.startIndex, let value = Double(rest[..<numberEnd]), value.isFinite else { return nil }
            rest = rest[numberEnd...]
            // Longest unit first so that "ms" is not read as "m".
            guard let (unit, scale) = units.sorted(by: { $0.0.count > $1.0.count }).first(where: { rest.hasPrefix($0.0) }) else {
                return nil
            }
            rest = rest.dropFirst(unit.count)
            total += value * scale
        }
        return total <= 31_536_000 ? .seconds(total) : nil
    }
}

import Foundation
