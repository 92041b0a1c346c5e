/// RFC 3339 timestamps in UTC with millisecond precision, e.g. `2026-11-22T13:45:01.123Z`.
/// Computed arithmetically (Howard Hinnant's days-to-civil) rather than with a DateFormatter: it runs
/// once per record and must not depend on locale or time zone settings.
public enum RFC3339 {
    /// The instants RFC 3339's four-digit years can write: 0000-01-01 to 9999-12-31 (UTC).
    static let representable: ClosedRange<Int64> = -62_167_219_200_000...253_402_300_799_999

    /// Values outside `representable` are clamped to its ends (a corrupt or hostile timestamp must
    /// still give a valid line, and near `Int64.min` the arithmetic below would overflow; found by
    /// Fuzz/Targets/FuzzJSONLWriter.swift).
    public static func format(millisecondsSinceEpoch raw: Int64) -> String {
        let ms = min(max(raw, representable.lowerBound), representable.upperBound)
        let (quotient, remainder) = ms.quotientAndRemainder(dividingBy: 1000)
        let millis = Int(remainder < 0 ? remainder + 1000 : remainder)
        let seconds = remainder < 0 ? quotient - 1 : quotient
        var days = Int(seconds / 86_400)
        var secondOfDay = Int(seconds % 86_400)
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        // Written byte by byte into the string's own storage: one allocation, no digit strings.
        return String(unsafeUninitializedCapacity: 24) { out in
            var index = 0
            func put(_ value: Int, width: Int) {
                var value = value
                for position in stride(from: index + width - 1, through: index, by: -1) {
                    out[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                index += width
            }
            func put(_ character: Unicode.Scalar) {
                out[index] = UInt8(ascii: character)
                index += 1
            }
            put(year, width: 4)
            put("-")
            put(month, width: 2)
            put("-")
            put(day, width: 2)
            put("T")
            put(secondOfDay / 3600, width: 2)
            put(":")
            put((secondOfDay / 60) % 60, width: 2)
            put(":")
            put(secondOfDay % 60, width: 2)
            put(".")
            put(millis, width: 3)
            put("Z")
            return index
        }
    }

    /// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar.
    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
