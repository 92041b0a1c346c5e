import CrawlerCore

/// A JSON value of the run summary, and its text: keys sorted by code point, two-space indents and
/// `"key" : value`, the layout `JSONSerialization` gave it with `.sortedKeys, .prettyPrinted`, except
/// that an empty object or array is written `{}` or `[]` and `/` is not escaped (both still JSON).
/// Strings are escaped as the records' are (`JSONString`).
///
/// Why not `JSONSerialization`: it walks `[String: Any]` with a dynamic cast per value, and in the
/// statically linked binary the first casts scan the whole conformance table. That was about 9 ms at
/// the end of every run, on the way to the exit (measured with `perf record`), for a file of 2 KB.
public indirect enum SummaryJSON: Sendable, Equatable {
    case object([String: SummaryJSON])
    case array([SummaryJSON])
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null

    /// `.null` for a missing value.
    static func intOrNull(_ value: Int?) -> SummaryJSON { value.map(SummaryJSON.int) ?? .null }
    static func doubleOrNull(_ value: Double?) -> SummaryJSON { value.map(SummaryJSON.double) ?? .null }
    static func stringOrNull(_ value: String?) -> SummaryJSON { value.map(SummaryJSON.string) ?? .null }
    static func counts(_ counts: [String: Int]) -> SummaryJSON { .object(counts.mapValues(SummaryJSON.int)) }
    static func strings(_ strings: [String]) -> SummaryJSON { .array(strings.map(SummaryJSON.string)) }

    /// The text, UTF-8, without a final newline.
    public var text: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(2048)
        write(into: &out, indent: 0)
        return out
    }

    private func write(into out: inout [UInt8], indent: Int) {
        switch self {
        case .object(let members):
            guard !members.isEmpty else { return out.append(contentsOf: "{}".utf8) }
            out.append(UInt8(ascii: "{"))
            // Code-point order (`<` on String compares Unicode scalar values), as `jq -S` sorts.
            for (index, key) in members.keys.sorted().enumerated() {
                out.append(contentsOf: index == 0 ? "\n".utf8 : ",\n".utf8)
                Self.pad(&out, indent + 1)
                JSONString.append(key, to: &out)
                out.append(contentsOf: " : ".utf8)
                members[key]!.write(into: &out, indent: indent + 1)
            }
            out.append(UInt8(ascii: "\n"))
            Self.pad(&out, indent)
            out.append(UInt8(ascii: "}"))
        case .array(let elements):
            guard !elements.isEmpty else { return out.append(contentsOf: "[]".utf8) }
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                out.append(contentsOf: index == 0 ? "\n".utf8 : ",\n".utf8)
                Self.pad(&out, indent + 1)
                element.write(into: &out, indent: indent + 1)
            }
            out.append(UInt8(ascii: "\n"))
            Self.pad(&out, indent)
            out.append(UInt8(ascii: "]"))
        case .string(let value):
            JSONString.append(value, to: &out)
        case .int(let value):
            out.append(contentsOf: String(value).utf8)
        case .double(let value):
            // JSON has no NaN or infinity (JSONSerialization refused them, losing the whole file).
            guard value.isFinite else { return out.append(contentsOf: "null".utf8) }
            var text = value.description  // shortest round-trip form
            if text.hasSuffix(".0") { text.removeLast(2) }  // 3.0 is written 3, as before
            out.append(contentsOf: text.utf8)
        case .bool(let value):
            out.append(contentsOf: (value ? "true" : "false").utf8)
        case .null:
            out.append(contentsOf: "null".utf8)
        }
    }

    private static func pad(_ out: inout [UInt8], _ level: Int) {
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
    }
}
