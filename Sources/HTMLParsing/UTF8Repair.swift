/// Rewrites bytes that should be UTF-8 into valid UTF-8 without NUL bytes.
///
/// Each maximal subpart of an ill-formed sequence becomes one U+FFFD and decoding resumes at the
/// byte that broke it (the WHATWG UTF-8 decoder's rule, also Swift's `String(decoding:as:)`), so
/// a stray byte never swallows the `"` or `<` after it. NUL becomes U+FFFD too: libxml2 2.9
/// silently drops everything after an embedded NUL, and HTML turns NUL into U+FFFD in attribute
/// values and titles.
enum UTF8Repair {
    /// Appends the repaired form of `input` to `output`. `clean` bytes at the start are known to
    /// need no repair and are copied as they are. Returns false if the memory cannot be had.
    static func repair(_ input: UnsafeRawBufferPointer, cleanPrefix clean: Int, into output: ByteBuffer) -> Bool {
        guard let raw = input.baseAddress else { return true }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let count = input.count
        // Every input byte yields at most three output bytes (a lone invalid byte becomes U+FFFD).
        guard output.append(UnsafeRawBufferPointer(start: raw, count: clean)),
              output.reserve((count - clean) * 3) else { return false }
        var index = clean
        while index < count {
            let lead = base[index]
            if lead < 0x80 {
                if lead == 0 { output.unsafeAppendReplacementCharacter() } else { output.unsafeAppend(lead) }
                index += 1
                continue
            }
            let length = UTF8Validation.expectedLength(lead: lead)
            guard length > 0 else {
                output.unsafeAppendReplacementCharacter()
                index += 1
                continue
            }
            // The longest valid prefix of the sequence is one maximal subpart.
            var valid = 1
            while valid < length, index + valid < count,
                  UTF8Validation.isValidContinuation(base[index + valid], lead: lead, offset: valid) {
                valid += 1
            }
            if valid == length {
                for offset in 0..<length { output.unsafeAppend(base[index + offset]) }
            } else {
                output.unsafeAppendReplacementCharacter()
            }
            index += valid
        }
        return true
    }
}
