/// An open-addressing hash table of 64-bit keys that are already well-mixed hashes (URL fingerprints,
/// body hashes), optionally mapping each to a 64-bit value.
///
/// Both tables that grow with the crawl (the seen set and the `duplicate_of` index) are keyed by
/// such hashes. `Set<UInt64>` and `Dictionary` hash them again with SipHash on every lookup, and keep
/// their load at most 3/4, so a crawl of 111,000 URLs sat in a table of 262,144 slots. Here the key
/// is its own hash (one multiply spreads it over the table), probing is linear over a flat array,
/// and the load may reach 7/8: the same crawl fits 131,072 slots, half the memory.
struct FingerprintTable: Sendable {
    /// 0 marks an empty slot; the key 0 itself is kept aside in `zeroKey`.
    private var keys: [UInt64]
    /// Parallel to `keys` when the table maps; empty when it is a set.
    private var values: [UInt64]
    private var zeroKey: (present: Bool, value: UInt64) = (false, 0)
    private var shift: UInt64
    private let mapsValues: Bool
    private(set) var count = 0

    /// Smallest table: 64 slots.
    private static let minimumSlotBits = 6

    init(minimumCapacity: Int = 0, mapsValues: Bool) {
        self.mapsValues = mapsValues
        var bits = Self.minimumSlotBits
        while (1 << bits) / 8 * 7 < minimumCapacity, bits < 48 { bits += 1 }  // no overflow: bits stay small
        shift = UInt64(64 - bits)
        keys = Array(repeating: 0, count: 1 << bits)
        values = mapsValues ? Array(repeating: 0, count: 1 << bits) : []
    }

    /// Slots allocated (the memory is 8 bytes per slot, 16 when the table maps).
    var capacity: Int { keys.count }

    /// The value stored for `key`, or nil when the key is absent. (A set stores 0 for every key.)
    func value(for key: UInt64) -> UInt64? {
        if key == 0 { return zeroKey.present ? zeroKey.value : nil }
        return keys.withUnsafeBufferPointer { keys -> UInt64? in
            let mask = keys.count - 1
            var slot = home(key)
            while true {
                let found = keys[slot]
                if found == key { return mapsValues ? values[slot] : 0 }
                if found == 0 { return nil }
                slot = (slot + 1) & mask
            }
        }
    }

    func contains(_ key: UInt64) -> Bool { value(for: key) != nil }

    /// Inserts `key` with `value` unless present. Returns whether it was inserted and, when it was
    /// not, the value already stored.
    @discardableResult
    mutating func insert(_ key: UInt64, value: UInt64 = 0) -> (inserted: Bool, existing: UInt64?) {
        if key == 0 {
            if zeroKey.present { return (false, zeroKey.value) }
            zeroKey = (true, value)
            count += 1
            return (true, nil)
        }
        if count + 1 > keys.count / 8 * 7 { grow() }
        let mask = keys.count - 1
        var slot = home(key)
        while true {
            let found = keys[slot]
            if found == key { return (false, mapsValues ? values[slot] : 0) }
            if found == 0 { break }
            slot = (slot + 1) & mask
        }
        keys[slot] = key
        if mapsValues { values[slot] = value }
        count += 1
        return (true, nil)
    }

    /// The key's first slot: the top bits of a Fibonacci multiply, so even a key whose low bits
    /// repeat spreads over the table.
    @inline(__always)
    private func home(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        let slots = keys.count * 2
        shift -= 1
        keys = Array(repeating: 0, count: slots)
        if mapsValues { values = Array(repeating: 0, count: slots) }
        let mask = slots - 1
        for index in oldKeys.indices where oldKeys[index] != 0 {
            var slot = home(oldKeys[index])
            while keys[slot] != 0 { slot = (slot + 1) & mask }
            keys[slot] = oldKeys[index]
            if mapsValues { values[slot] = oldValues[index] }
        }
    }
}
