/// A byte count written with an optional unit: `512`, `64KiB`, `10MiB`, `1GiB`, `1.5MiB`, `100kB`, `2MB`.
/// Binary units (KiB, MiB, GiB, and the short K, M, G) are powers of 1024; decimal units (kB, MB, GB)
/// are powers of 1000.
public struct ByteSize: Sendable, Equatable, CustomStringConvertible {
    public var bytes: Int

    public init(bytes: Int) {
        self.bytes = bytes
    }

    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let numberEnd = trimmed.firstIndex { !($0.isNumber || $0 == ".") } ?? trimmed.endIndex
        let number = trimmed[..<numberEnd]
        let unit = trimmed[numberEnd...].trimmingCharacters(in: .whitespaces).lowercased()
        guard !number.isEmpty, let value = Double(number), value.isFinite, value >= 0 else { return nil }
        let multipliers: [String: Double] = [
            "": 1, "b": 1,
            "k": 1024, "kib": 1024, "m": 1_048_576, "mib": 1_048_576, "g": 1_073_741_824, "gib": 1_073_741_824,
            "kb": 1000, "mb": 1_000_000, "gb": 1_000_000_000,
        ]
        guard let multiplier = multipliers[unit] else { return nil }
        let total = (value * multiplier).rounded()
        guard total <= Double(Int.max / 2) else { return nil }
        bytes = Int(total)
    }

    public var description: String {
        for (unit, size) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] where bytes >= size && bytes % size == 0 {
            return "\(bytes / size)\(unit)"
        }
        return "\(bytes)"
    }
}

import Foundation
