import CLibXML2

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Attribute values, the title's text and character references, decoded as libxml2 2.9.14's
/// `htmlParseHTMLAttribute` and `htmlParseCharData` / `htmlParseReference` decode them.
extension FastPathScanner {
    /// Reports one kept element; false to bail (a reference the scanner does not model).
    mutating func emit(_ kind: FastPathElement.Kind, _ attributes: FastPathAttributes) -> Bool {
        decoded.removeAll(keepingCapacity: true)
        // Decode first (decoding may bail or grow the buffer), then hand out pointers.
        guard let value0 = decode(attributes.slot0), let value1 = decode(attributes.slot1),
              let value2 = decode(attributes.slot2), let value3 = decode(attributes.slot3) else { return false }
        decoded.withUnsafeBufferPointer { decoded in
            func bytes(_ value: DecodedValue) -> UnsafeBufferPointer<UInt8>? {
                switch value {
                case .none: return nil
                case .input(let start, let stop): return UnsafeBufferPointer(start: base + start, count: stop - start)
                case .decoded(let start, let stop): return UnsafeBufferPointer(rebasing: decoded[start..<stop])
                }
            }
            switch kind {
            case .a, .area, .link, .iframe, .frame:
                // A URL attribute without a value counts as found (libxml2 passes NULL): no link.
                guard let url = bytes(value0) else { return }
                let linkKind: HTMLLink.Kind
                switch kind {
                case .a: linkKind = .a
                case .area: linkKind = .area
                case .link: linkKind = .link
                case .iframe: linkKind = .iframe
                default: linkKind = .frame
                }
                state.linkElement(kind: linkKind, url: url, rel: bytes(value1))
            case .base:
                if let href = bytes(value0) { state.foundBase(href: href) }
            case .meta:
                if let charset = bytes(value0) { state.foundCharset(charset) }
                if let content = bytes(value1) {
                    state.metaElement(name: bytes(value2), httpEquiv: bytes(value3), content: content)
                }
            default:
                break
            }
        }
        return true
    }

    enum DecodedValue {
        case none
        case input(Int, Int)
        case decoded(Int, Int)
    }

    /// The value's bytes: in the input when it holds no `&`, else decoded into `decoded`.
    private mutating func decode(_ value: FastPathAttributes.Value) -> DecodedValue? {
        guard case .span(let start, let stop) = value else { return DecodedValue.none }
        guard let firstAmpersand = find(HTMLByte.amp, from: start, before: stop) else { return .input(start, stop) }
        let outputStart = decoded.count
        decoded.append(contentsOf: UnsafeBufferPointer(start: base + start, count: firstAmpersand - start))
        var index = firstAmpersand
        while index < stop {
            if base[index] == HTMLByte.amp {
                guard let next = reference(at: index, limit: stop) else { return nil }
                index = next
            } else {
                let runEnd = find(HTMLByte.amp, from: index, before: stop) ?? stop
                decoded.append(contentsOf: UnsafeBufferPointer(start: base + index, count: runEnd - index))
                index = runEnd
            }
        }
        return .decoded(outputStart, decoded.count)
    }

    /// The title's text from `start` (after `<title ...>`) to its `</title>`, reported as
    /// libxml2 reports it. bail: any markup inside the title (libxml2's auto-closing could end
    /// it), a character libxml2 drops (not an XML Char), an odd reference.
    mutating func titleText(from start: Int, nameStart: Int) -> Int? {
        var index = start
        while index < end {
            let byte = base[index]
            if byte == HTMLByte.lt {
                guard index + 1 < end, base[index + 1] == HTMLByte.slash else { return nil }
                state.titleEnded()
                return endTag(at: index + 2, expecting: (nameStart, 5))
            }
            if byte == HTMLByte.amp {
                decoded.removeAll(keepingCapacity: true)
                guard let next = reference(at: index, limit: end) else { return nil }
                decoded.withUnsafeBufferPointer { state.characters($0) }
                index = next
                continue
            }
            var runEnd = index
            while runEnd < end {
                let next = base[runEnd]
                if next == HTMLByte.lt || next == HTMLByte.amp { break }
                if next < 0x20, next != 0x09, next != 0x0A, next != 0x0D { return nil }
                if next == 0xEF, isNonCharacterFFFx(runEnd) { return nil }
                runEnd += 1
            }
            state.characters(UnsafeBufferPointer(start: base + index, count: runEnd - index))
            index = runEnd
        }
        return end  // libxml2 closes the title at the end of the document.
    }

    /// Decodes the reference at `start` (an `&`) into `decoded`; returns where the text
    /// resumes, or nil to bail. Known named references with `;` and valid numeric ones are
    /// replaced; anything else stays as written, exactly as libxml2 writes it back.
    mutating func reference(at start: Int, limit: Int) -> Int? {
        let nameStart = start + 1
        guard nameStart < limit else {
            decoded.append(HTMLByte.amp)
            return nameStart
        }
        let first = base[nameStart]
        if first == HTMLByte.hash { return characterReference(at: start, limit: limit) }
        // bail: a non-ASCII first character (libxml2 reads a Unicode name there).
        guard first < 0x80 else { return nil }
        guard isLetter(first) || first == HTMLByte.underscore || first == HTMLByte.colon else {
            decoded.append(HTMLByte.amp)  // no name: a literal `&`
            return nameStart
        }
        var index = nameStart + 1
        while index < limit, isNameChar(base[index]) { index += 1 }
        // bail: the name runs to the end of the text or into a non-ASCII character (libxml2's
        // htmlParseName then takes its Unicode path).
        guard index < limit, index < end, base[index] < 0x80 else { return nil }
        let length = index - nameStart
        if base[index] == HTMLByte.semicolon, let value = entityValue(nameStart, length) {
            appendUTF8(value)
            return index + 1
        }
        decoded.append(contentsOf: UnsafeBufferPointer(start: base + start, count: index - start))
        return index
    }

    /// `&#123;` / `&#x7B;`: bail unless digits, a `;` and an XML Char value (libxml2 writes
    /// nothing, or a NUL that cuts an attribute value, for the others).
    private mutating func characterReference(at start: Int, limit: Int) -> Int? {
        var index = start + 2
        var hex = false
        if index < limit, base[index] | 0x20 == UInt8(ascii: "x") {
            hex = true
            index += 1
        }
        let digitsStart = index
        var value: UInt32 = 0
        while index < limit, index - digitsStart < 8 {
            let byte = base[index]
            let digit: UInt32
            if byte >= 0x30, byte <= 0x39 {
                digit = UInt32(byte - 0x30)
            } else if hex, byte | 0x20 >= 0x61, byte | 0x20 <= 0x66 {
                digit = UInt32(byte | 0x20) - 0x61 + 10
            } else {
                break
            }
            value = value * (hex ? 16 : 10) + digit
            index += 1
        }
        guard index > digitsStart, index < limit, base[index] == HTMLByte.semicolon, isXMLChar(value) else { return nil }
        appendUTF8(value)
        return index + 1
    }

    /// libxml2's own table (`htmlEntityLookup`), so the names and values are identical.
    private func entityValue(_ start: Int, _ length: Int) -> UInt32? {
        // The longest HTML 4 entity name has 8 characters.
        guard length < 32 else { return nil }
        var name: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &name) { buffer -> UInt32? in
            guard let pointer = buffer.baseAddress else { return nil }
            memcpy(pointer, base + start, length)
            guard let entity = htmlEntityLookup(pointer.assumingMemoryBound(to: xmlChar.self)) else { return nil }
            return entity.pointee.value > 0 ? entity.pointee.value : nil
        }
    }

    private mutating func appendUTF8(_ value: UInt32) {
        if value < 0x80 {
            decoded.append(UInt8(value))
        } else if value < 0x800 {
            decoded.append(UInt8(0xC0 | (value >> 6)))
            decoded.append(UInt8(0x80 | (value & 0x3F)))
        } else if value < 0x10000 {
            decoded.append(UInt8(0xE0 | (value >> 12)))
            decoded.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            decoded.append(UInt8(0x80 | (value & 0x3F)))
        } else {
            decoded.append(UInt8(0xF0 | (value >> 18)))
            decoded.append(UInt8(0x80 | ((value >> 12) & 0x3F)))
            decoded.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            decoded.append(UInt8(0x80 | (value & 0x3F)))
        }
    }

    /// XML 1.0's Char production (libxml2's IS_CHAR).
    private func isXMLChar(_ value: UInt32) -> Bool {
        value == 0x09 || value == 0x0A || value == 0x0D || (value >= 0x20 && value <= 0xD7FF)
            || (value >= 0xE000 && value <= 0xFFFD) || (value >= 0x10000 && value <= 0x10FFFF)
    }
}
