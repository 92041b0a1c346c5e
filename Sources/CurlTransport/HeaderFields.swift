/// A response's header fields as they arrived: every name and value (trimmed of spaces and tabs) in
/// one byte buffer, with each field's offsets beside it.
///
/// The multi thread fills it from the header callback. A response then costs two allocations however
/// many fields it has, where a `(String, String)` per field cost one or two each; and a lookup
/// compares bytes and makes a `String` of the one value asked for.
public struct HeaderFields: Sendable {
    /// Where a field's name and value lie in `bytes`.
    struct Field: Sendable {
        var nameStart: Int
        var nameEnd: Int
        var valueStart: Int
        var valueEnd: Int
    }

    private var bytes: [UInt8] = []
    private var fields: [Field] = []

    public init() {}

    /// Fields from strings (in this order).
    public init(_ pairs: [(name: String, value: String)]) {
        for (name, value) in pairs {
            var name = name
            var value = value
            name.withUTF8 { name in value.withUTF8 { append(name: UnsafeRawBufferPointer(name), value: UnsafeRawBufferPointer($0)) } }
        }
    }

    /// Every field as strings, in arrival order (invalid UTF-8 becomes U+FFFD).
    public var pairs: [(name: String, value: String)] {
        fields.map { (string($0.nameStart, $0.nameEnd), string($0.valueStart, $0.valueEnd)) }
    }

    /// The value of the first field named `name` (ASCII case-insensitive), or nil.
    public func value(named name: String) -> String? {
        guard let field = first(named: name) else { return nil }
        return string(field.valueStart, field.valueEnd)
    }

    /// The values of every field named `name` (ASCII case-insensitive), in arrival order: a list
    /// header sent as several fields.
    public func values(named name: String) -> [String] {
        var name = name
        let matching = name.withUTF8 { wanted in
            bytes.withUnsafeBufferPointer { bytes in fields.filter { Self.field($0, isNamed: wanted, in: bytes) } }
        }
        return matching.map { string($0.valueStart, $0.valueEnd) }
    }

    /// Whether a field named `name` (ASCII case-insensitive) is present.
    public func contains(named name: String) -> Bool {
        first(named: name) != nil
    }

    /// Calls `body` with the bytes of the first value named `name`; nil when there is none.
    func withValue<R>(named name: String, _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        guard let field = first(named: name) else { return nil }
        return bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[field.valueStart..<field.valueEnd])) }
    }

    // MARK: Filling (the multi thread)

    /// Adds the field of a "Name: value" line, split at the first colon and trimmed. False (and nothing
    /// added) without a colon or a name.
    @discardableResult
    mutating func append(line: UnsafeRawBufferPointer) -> Bool {
        guard let colon = line.firstIndex(of: 0x3A) else { return false }
        let name = UnsafeRawBufferPointer(rebasing: line[0..<colon])
        guard !Self.trimmed(name).isEmpty else { return false }
        append(name: name, value: UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]))
        return true
    }

    /// Adds a field; `name` and `value` are trimmed of spaces and tabs here.
    mutating func append(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        // Room for a typical response at once (growing from empty reallocated several times).
        if fields.capacity == 0 {
            bytes.reserveCapacity(512)
            fields.reserveCapacity(16)
        }
        let nameStart = bytes.count
        bytes.append(contentsOf: Self.trimmed(name))
        let nameEnd = bytes.count
        bytes.append(contentsOf: Self.trimmed(value))
        fields.append(Field(nameStart: nameStart, nameEnd: nameEnd, valueStart: nameEnd, valueEnd: bytes.count))
    }

    /// An obs-fold continuation line: " " and the trimmed `text` join the last field's value (the
    /// last bytes in the buffer). Nothing when there is no field yet.
    mutating func continueLastValue(_ text: UnsafeRawBufferPointer) {
        guard !fields.isEmpty else { return }
        bytes.append(0x20)
        bytes.append(contentsOf: Self.trimmed(text))
        fields[fields.count - 1].valueEnd = bytes.count
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        fields.removeAll(keepingCapacity: true)
    }

    // MARK: Private

    private func first(named name: String) -> Field? {
        var name = name
        return name.withUTF8 { wanted -> Field? in
            bytes.withUnsafeBufferPointer { bytes -> Field? in
                fields.first { Self.field($0, isNamed: wanted, in: bytes) }
            }
        }
    }

    /// Whether `field`'s name is `wanted`, ASCII case-insensitively (lengths compared first).
    private static func field(_ field: Field, isNamed wanted: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard field.nameEnd - field.nameStart == wanted.count else { return false }
        var index = 0
        var start = field.nameStart
        while index < wanted.count, lower(bytes[start]) == lower(wanted[index]) {
            index += 1
            start += 1
        }
        return index == wanted.count
    }

    private func string(_ start: Int, _ end: Int) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self) }
    }

    /// ASCII letters folded to lower case; other bytes as they are.
    private static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    private static func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }
}
