/// The `capacity` largest entries by a key, kept sorted (largest first) in a fixed-size array.
///
/// Ties keep the entry seen first, so results do not depend on anything but input order.
struct TopList<Entry> {
    let capacity: Int
    private(set) var items: [(key: Double, entry: Entry)] = []

    init(capacity: Int) {
        self.capacity = capacity
        items.reserveCapacity(capacity + 1)
    }

    /// Cheap pre-check, so the caller builds an entry (decodes a URL) only when it will be kept.
    @inline(__always)
    func accepts(_ key: Double) -> Bool {
        capacity > 0 && (items.count < capacity || key > items[items.count - 1].key)
    }

    mutating func insert(_ key: Double, _ entry: Entry) {
        guard accepts(key) else { return }
        // First position whose key is strictly smaller: equal keys stay ahead (seen first).
        var i = items.count
        while i > 0, items[i - 1].key < key { i -= 1 }
        items.insert((key, entry), at: i)
        if items.count > capacity { items.removeLast() }
    }
}
