/// Parses a `Retry-After` header (RFC 9110 10.2.3): delay-seconds, or an HTTP-date (IMF-fixdate, and
/// the obsolete RFC 850 and asctime forms). Hostile values are handled: negative numbers and garbage
/// give nil, dates in the past give nil too (the default backoff applies), and callers cap large values.
public enum RetryAfter {
    /// The delay the header asks for, relative to `nowSinceEpoch` (seconds since 1970, UTC).
    public static func delay(_ header: String, nowSinceEpoch: Double) -> Duration? {
        let value = header.trimmingASCIIWhitespace()
        guard !value.isEmpty else { return nil }
        if value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            // Digits only; absurdly long numbers saturate instead of overflowing.
            guard value.utf8.count <= 9, let seconds = Int(value) else { return .seconds(999_999_999) }
            return .seconds(seconds)
        }
        // A date that has passed says nothing usable (often a wrong server clock): nil, so the
        // default backoff applies rather than an immediate retry.
        guard let date = HTTPDate.secondsSinceEpoch(String(value)), date > nowSinceEpoch else { return nil }
        return .seconds(date - nowSinceEpoch)
    }
}

/// HTTP-date parsing (RFC 9110 5.6.7), byte-level: no locale-dependent formatter.
public enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Seconds since 1970-01-01T00:00:00Z, or nil when the text is not an HTTP-date.
    public static func secondsSinceEpoch(_ text: String) -> Double? {
        // Split on spaces, commas, dashes and colons; what remains identifies the form.
        let parts = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" || $0 == ":" })
            .map(String.init)
        var day: Int?, month: Int?, year: Int?, hour: Int?, minute: Int?, second: Int?
        switch parts.count {
        case 8 where parts[7] == "gmt":
            // IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" or RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT".
            day = Int(parts[1])
            month = months.firstIndex(of: parts[2])
            year = Int(parts[3])
            if let two = year, parts[3].count == 2 { year = two < 70 ? 2000 + two : 1900 + two }
            (hour, minute, second) = (Int(parts[4]), Int(parts[5]), Int(parts[6]))
        case 7:
            // asctime "Sun Nov  6 08:49:37 1994".
            month = months.firstIndex(of: parts[1])
            day = Int(parts[2])
            (hour, minute, second) = (Int(parts[3]), Int(parts[4]), Int(parts[5]))
            year = Int(parts[6])
        default:
            return nil
        }
        guard let day, let month, let year, let hour, let minute, let second,
              (1...31).contains(day), (1900...9999).contains(year), (0...23).contains(hour),
              (0...59).contains(minute), (0...60).contains(second) else { return nil }
        let days = daysFromCivil(year: year, month: month + 1, day: day)
        return Double(days * 86_400 + hour * 3600 + minute * 60 + second)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm); `month` 1-12.
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
