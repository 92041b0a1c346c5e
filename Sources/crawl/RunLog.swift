import CrawlerCore
import Foundation

/// Run events on stderr: plain sentences for a person at a terminal, one logfmt line each otherwise
/// (cron mail, journald, a log shipper), so scripts can grep `key=value` pairs.
enum RunLog {
    /// Whether events are written as logfmt (stderr is not a terminal).
    static let structured = !RunMonitor.stderrIsTerminal

    /// Writes an event: `human` on a terminal (nothing when nil), `time=… level=… msg=… key=value…`
    /// otherwise.
    static func event(_ message: String, level: String = "info", _ fields: [(String, String)], human: String?) {
        if structured {
            Console.info(logfmt(message, level: level, fields))
        } else if let human {
            Console.info(human)
        }
    }

    static func logfmt(_ message: String, level: String, _ fields: [(String, String)]) -> String {
        let time = RFC3339.format(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000))
        var parts = ["time=\(time)", "level=\(level)", "msg=\(quoted(message))"]
        for (key, value) in fields { parts.append("\(key)=\(quoted(value))") }
        return parts.joined(separator: " ")
    }

    /// A value as logfmt writes it: bare when it is a plain token, quoted (with `"` and `\` escaped,
    /// control characters dropped) otherwise.
    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy {
            $0.value > 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != "=" && $0 != "\\"
        }
        if plain { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: if scalar.value >= 0x20 && scalar.value != 0x7F { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
