/// Fast UTF-8 checks over raw bytes (no allocation).
///
/// Every document reaches libxml2 as UTF-8. Bodies that are already valid UTF-8 without NUL bytes
/// (nearly all of them) are handed over as they are; this scan is what decides that, and it runs
/// over every crawled byte.
///
/// Pages are mostly ASCII markup with a non-ASCII character every few dozen bytes ("über",
/// "東京"), so leaving the fast path for each such character must be cheap:
/// - ASCII is skipped 32 bytes at a time; a block holding a flagged byte (>= 0x80, or NUL when
///   rejecting NUL) yields the flagged byte's offset by a trailing-zero count, without a branch
///   per word or a walk byte by byte.
/// - From there a shift-based automaton (Per Vognsen's "DFA with shifts") checks a fixed window
///   of 16 bytes, ASCII or not, with no branch per byte or per sequence; windows follow each other
///   while the text stays non-ASCII (CJK), then the block scan resumes.
/// - Only when a window fails (rare) is the exact offset found, by the sequence-at-a-time check
///   `sequenceLength` from the window's start, which always begins a character.
enum UTF8Validation {
    /// Whether `bytes` is valid UTF-8 (NUL bytes allowed).
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        firstProblem(bytes, rejectingNUL: false) == nil
    }

    /// The offset of the first byte that starts an invalid (or truncated) sequence or, when
    /// `rejectingNUL`, is a NUL; nil when there is none.
    static func firstProblem(_ bytes: UnsafeRawBufferPointer, rejectingNUL: Bool) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        // Two copies of the loop, so the NUL test is a constant in each rather than a branch per block.
        if rejectingNUL {
            return scan(base, count: bytes.count, rows: rowsRejectingNUL, rejectingNUL: true)
        }
        return scan(base, count: bytes.count, rows: rowsAllowingNUL, rejectingNUL: false)
    }

    @inline(__always)
    private static func scan(_ raw: UnsafeRawPointer, count: Int, rows: [UInt64], rejectingNUL: Bool) -> Int? {
        let bytes = raw.assumingMemoryBound(to: UInt8.self)
        return rows.withUnsafeBufferPointer { rows -> Int? in
            // 256 entries, so never nil.
            let rows = rows.baseAddress.unsafelyUnwrapped
            var index = 0
            while true {
                index = nextFlaggedByte(raw, from: index, count: count, rejectingNUL: rejectingNUL)
                guard index < count else { return nil }
                // `index` begins a character: everything before it has been checked.
                repeat {
                    let start = index
                    guard start &+ window <= count else {
                        return exactProblem(bytes, from: start, count: count, rejectingNUL: rejectingNUL)
                    }
                    var state = accept
                    for offset in 0..<window {
                        // `&>>` uses only the low six bits of `state`: the garbage above them from
                        // the row is never looked at.
                        state = rows[Int(bytes[start &+ offset])] &>> state
                    }
                    state &= 63
                    index = start &+ window
                    // Finish a sequence that straddles the window's end (at most three more bytes),
                    // so the next window, or the block scan, starts on a character again.
                    while state > accept, index < count {
                        state = (rows[Int(bytes[index])] &>> state) & 63
                        index &+= 1
                    }
                    guard state == accept else {
                        return exactProblem(bytes, from: start, count: count, rejectingNUL: rejectingNUL)
                    }
                } while index < count && bytes[index] >= 0x80
            }
        }
    }

    /// Bytes per automaton window. Measured: 8 to 16 run sparse non-ASCII pages equally fast
    /// (the cost there is the branch out of the ASCII loop), and 16 runs CJK text faster.
    private static let window = 16

    /// The first problem at or after `start`, which must begin a character: the reference
    /// algorithm, one sequence at a time, run only after a window failed or near the end.
    @inline(never)
    private static func exactProblem(_ bytes: UnsafePointer<UInt8>, from start: Int, count: Int, rejectingNUL: Bool) -> Int? {
        var index = start
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                if lead == 0, rejectingNUL { return index }
                index += 1
                continue
            }
            let length = sequenceLength(bytes + index, available: count - index)
            guard length > 0 else { return index }
            index += length
        }
        return nil
    }

    // MARK: - The automaton

    // A state is a shift amount, a multiple of 6; `rows[byte] >> state` holds the next state in
    // its low six bits. The error state is 0, so the all-zero default of every row makes any
    // transition not listed below go to error, and error stays error.
    private static let error: UInt64 = 0
    private static let accept: UInt64 = 6

    private static let rowsAllowingNUL = makeRows(rejectingNUL: false)
    private static let rowsRejectingNUL = makeRows(rejectingNUL: true)

    /// Unicode's table of well-formed byte sequences (Table 3-7) as transitions.
    private static func makeRows(rejectingNUL: Bool) -> [UInt64] {
        let needs1: UInt64 = 12, needs2: UInt64 = 18, needs3: UInt64 = 24
        let afterE0: UInt64 = 30, afterED: UInt64 = 36, afterF0: UInt64 = 42, afterF4: UInt64 = 48
        var rows = [UInt64](repeating: error, count: 256)
        func add(_ bytes: ClosedRange<Int>, from state: UInt64, to next: UInt64) {
            for byte in bytes { rows[byte] |= next << state }
        }
        add((rejectingNUL ? 0x01 : 0x00)...0x7F, from: accept, to: accept)
        add(0xC2...0xDF, from: accept, to: needs1)
        add(0xE0...0xE0, from: accept, to: afterE0)  // A0...BF next: no overlong forms
        add(0xE1...0xEC, from: accept, to: needs2)
        add(0xED...0xED, from: accept, to: afterED)  // 80...9F next: no surrogates
        add(0xEE...0xEF, from: accept, to: needs2)
        add(0xF0...0xF0, from: accept, to: afterF0)  // 90...BF next: no overlong forms
        add(0xF1...0xF3, from: accept, to: needs3)
        add(0xF4...0xF4, from: accept, to: afterF4)  // 80...8F next: nothing above U+10FFFF
        add(0x80...0xBF, from: needs1, to: accept)
        add(0x80...0xBF, from: needs2, to: needs1)
        add(0x80...0xBF, from: needs3, to: needs2)
        add(0xA0...0xBF, from: afterE0, to: needs1)
        add(0x80...0x9F, from: afterED, to: needs1)
        add(0x90...0xBF, from: afterF0, to: needs2)
        add(0x80...0x8F, from: afterF4, to: needs2)
        return rows
    }

    // MARK: - ASCII blocks

    /// The offset of the first byte at or after `start` that is >= 0x80 or, when `rejectingNUL`,
    /// is zero; `count` when there is none.
    @inline(__always)
    private static func nextFlaggedByte(_ base: UnsafeRawPointer, from start: Int, count: Int, rejectingNUL: Bool) -> Int {
        var index = start
        // `count - 32` cannot overflow (count >= 0); comparing with it keeps the loop to one add.
        let lastBlock = count &- 32
        while index <= lastBlock {
            let a = load(base, index)
            let b = load(base, index &+ 8)
            let c = load(base, index &+ 16)
            let d = load(base, index &+ 24)
            // One test for the whole block first: on markup most blocks are clean. With NUL,
            // `(w | (w &- lowBits)) & highBits` equals `flags(w)` (x | y == x | (y & ~x)).
            let any = rejectingNUL
                ? (a | (a &- lowBits) | b | (b &- lowBits) | c | (c &- lowBits) | d | (d &- lowBits)) & highBits
                : (a | b | c | d) & highBits
            if any != 0 {
                // Which word holds the first flag is unpredictable, so no branch picks it: a
                // trailing-zero count over each half, then arithmetic (an empty half counts 128).
                let low = UInt128(flags(b, rejectingNUL: rejectingNUL)) << 64 | UInt128(flags(a, rejectingNUL: rejectingNUL))
                let high = UInt128(flags(d, rejectingNUL: rejectingNUL)) << 64 | UInt128(flags(c, rejectingNUL: rejectingNUL))
                let lowZeros = low.trailingZeroBitCount
                let zeros = lowZeros &+ (high.trailingZeroBitCount & (0 &- (lowZeros >> 7)))
                return index &+ zeros >> 3
            }
            index &+= 32
        }
        while index &+ 8 <= count {
            let word = flags(load(base, index), rejectingNUL: rejectingNUL)
            if word != 0 { return index &+ word.trailingZeroBitCount >> 3 }
            index &+= 8
        }
        while index < count {
            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            if byte >= 0x80 || (rejectingNUL && byte == 0) { return index }
            index &+= 1
        }
        return count
    }

    /// Eight bytes at `offset`, the first in the lowest bits whatever the platform's byte order,
    /// so that a trailing-zero count finds the first flagged byte.
    @inline(__always)
    private static func load(_ base: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The high bit of each byte of `word` that is >= 0x80 or, when `rejectingNUL`, zero. Only
    /// the lowest set bit is sure to be exact (see `zeroByteFlags`), and only it is used.
    @inline(__always)
    private static func flags(_ word: UInt64, rejectingNUL: Bool) -> UInt64 {
        rejectingNUL ? (word & highBits) | zeroByteFlags(word) : word & highBits
    }

    // MARK: - Helpers shared with the repair and decoding code

    /// Whether an 8-byte word holds a byte >= 0x80 or a zero byte.
    @inline(__always)
    static func hasNonASCIIOrZeroByte(_ word: UInt64) -> Bool {
        (word & highBits) | zeroByteFlags(word) != 0
    }

    /// The length of the valid multi-byte sequence at `pointer` (lead byte >= 0x80), or 0 when it
    /// is invalid or runs past `available` bytes. Follows Unicode's table of well-formed
    /// sequences: no overlong forms, no surrogates, nothing above U+10FFFF.
    @inline(__always)
    static func sequenceLength(_ pointer: UnsafePointer<UInt8>, available: Int) -> Int {
        let length = expectedLength(lead: pointer[0])
        guard length > 0 else { return 0 }
        for offset in 1..<length {
            guard offset < available, isValidContinuation(pointer[offset], lead: pointer[0], offset: offset) else {
                return 0
            }
        }
        return length
    }

    /// 2, 3 or 4 for a valid lead byte, 0 otherwise (ASCII is not a lead byte here).
    @inline(__always)
    static func expectedLength(lead: UInt8) -> Int {
        switch lead {
        case 0xC2...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF4: return 4
        default: return 0
        }
    }

    /// Whether `byte` may stand at `offset` (1...3) of a sequence starting with `lead`; the
    /// second byte's range depends on the lead.
    @inline(__always)
    static func isValidContinuation(_ byte: UInt8, lead: UInt8, offset: Int) -> Bool {
        guard offset == 1 else { return byte & 0xC0 == 0x80 }
        switch lead {
        case 0xE0: return byte >= 0xA0 && byte <= 0xBF  // no overlong forms
        case 0xED: return byte >= 0x80 && byte <= 0x9F  // no surrogates
        case 0xF0: return byte >= 0x90 && byte <= 0xBF  // no overlong forms
        case 0xF4: return byte >= 0x80 && byte <= 0x8F  // nothing above U+10FFFF
        default: return byte & 0xC0 == 0x80
        }
    }

    private static let highBits: UInt64 = 0x8080_8080_8080_8080
    private static let lowBits: UInt64 = 0x0101_0101_0101_0101

    /// Nonzero exactly when some byte of `word` is zero (the classic "has zero byte" test). A
    /// borrow starts only at a zero byte and runs only towards the high bits, so the lowest flag
    /// is exact (the first zero byte) and only flags above it may be spurious.
    @inline(__always)
    private static func zeroByteFlags(_ word: UInt64) -> UInt64 {
        (word &- lowBits) & ~word & highBits
    }
}
