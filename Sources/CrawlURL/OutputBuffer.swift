/// The growable byte buffer the parser writes the serialisation into.
///
/// Why not `[UInt8]`: every `Array.append` pays a uniqueness check and the array is one more
/// heap allocation per parse. This buffer starts in caller-provided scratch memory (usually on the
/// stack, see `URLParser.run`) and moves to the heap only if the URL outgrows it, so a typical
/// parse allocates once: the final `String`.
///
/// Not copyable on purpose: it owns (or borrows) raw memory, and a copy would alias it.
struct OutputBuffer: ~Copyable {
    private var start: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int
    private var ownsStorage = false

    /// Borrows `scratch`; the caller keeps it alive for the buffer's lifetime.
    init(scratch: UnsafeMutableBufferPointer<UInt8>) {
        // A zero-capacity scratch may have a nil base address; start on the heap then.
        if let base = scratch.baseAddress, scratch.count > 0 {
            start = base
            capacity = scratch.count
        } else {
            start = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
            capacity = 64
            ownsStorage = true
        }
    }

    deinit {
        if ownsStorage { start.deallocate() }
    }

    private mutating func grow(toAtLeast minimum: Int) {
        let newCapacity = Swift.max(minimum, capacity &* 2, 64)
        let newStart = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newStart.update(from: start, count: count)
        if ownsStorage { start.deallocate() }
        start = newStart
        capacity = newCapacity
        ownsStorage = true
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(toAtLeast: count &+ 1) }
        start[count] = byte
        count &+= 1
    }

    @inline(__always)
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if count &+ bytes.count > capacity { grow(toAtLeast: count &+ bytes.count) }
        (start + count).update(from: source, count: bytes.count)
        count &+= bytes.count
    }

    mutating func append(contentsOf bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    @inline(__always)
    subscript(i: Int) -> UInt8 {
        get {
            precondition(i >= 0 && i < count, "OutputBuffer index out of range")
            return start[i]
        }
        set {
            precondition(i >= 0 && i < count, "OutputBuffer index out of range")
            start[i] = newValue
        }
    }

    /// Drops the last `k` bytes.
    @inline(__always)
    mutating func removeLast(_ k: Int = 1) {
        precondition(k >= 0 && k <= count, "OutputBuffer removeLast out of range")
        count &-= k
    }

    /// Cuts the buffer back to `length` bytes.
    @inline(__always)
    mutating func truncate(to length: Int) {
        precondition(length >= 0 && length <= count, "OutputBuffer truncate out of range")
        count = length
    }

    mutating func insert(_ bytes: [UInt8], at index: Int) {
        precondition(index >= 0 && index <= count, "OutputBuffer insert out of range")
        let tail = count &- index
        if count &+ bytes.count > capacity { grow(toAtLeast: count &+ bytes.count) }
        (start + index + bytes.count).update(from: start + index, count: tail)  // overlapping: memmove
        for (k, b) in bytes.enumerated() { start[index &+ k] = b }
        count &+= bytes.count
    }

    /// The bytes `[from, count)`, valid until the next mutation.
    func bytes(from: Int = 0) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: start + from, count: count &- from)
    }

    func makeString() -> String {
        String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    }

    @inline(__always)
    mutating func appendPercentEncoded(_ byte: UInt8, _ set: PercentEncodeSet) {
        if set.contains(byte) {
            append(0x25)
            append(ASCII.upperHex(byte &>> 4))
            append(ASCII.upperHex(byte & 0x0F))
        } else {
            append(byte)
        }
    }

    /// Appends `bytes`, copying runs that need no encoding in one step.
    @inline(__always)
    mutating func appendPercentEncoded(_ bytes: UnsafeBufferPointer<UInt8>, _ set: PercentEncodeSet) {
        var i = 0
        let n = bytes.count
        while i < n {
            var j = i
            while j < n, !set.contains(bytes[j]) { j &+= 1 }
            if j > i { append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<j])) }
            if j < n {
                appendPercentEncoded(bytes[j], set)
                j &+= 1
            }
            i = j
        }
    }

    /// Appends the decimal digits of a non-negative `value` (ports, IPv4 octets).
    mutating func appendDecimal(_ value: Int) {
        DecimalDigits.forEach(of: value) { append($0) }
    }
}
