extension WebURL {
    /// A URL's components in 16-bit offsets into its serialisation: with the serialisation's bytes,
    /// the form in which URLs wait in large numbers (the crawl's per-host queues, `QueuedJob`).
    ///
    /// 19 bytes where a `WebURL` takes 48, so only URLs shorter than 65,535 bytes pack. Packed
    /// beside its host key (`withPacked(omittingOrigin:_:)`), a URL keeps only what follows its
    /// origin, from the path on: the origin is the start of the host key, which the queue holding it
    /// knows already. The holder keeps those bytes in its own storage. Unpacking
    /// (`init(unpacking:hostKey:storedUTF8:)`) gives back an equal value with the same offsets;
    /// nothing is parsed again.
    public struct Layout: Sendable {
        let schemeEnd: UInt16
        let usernameEnd: UInt16
        let hostStart: UInt16
        let hostEnd: UInt16
        let pathStart: UInt16
        let queryStart: UInt16      // `Layout.absent` when absent
        let fragmentStart: UInt16   // likewise
        let portValue: UInt16
        let kind: SchemeKind
        let flags: UInt8
        /// Whether the stored part starts at the path (the origin comes from the host key).
        let originOmitted: Bool

        /// "No such component": never a real offset, as a packed URL is shorter than this.
        static let absent = UInt16.max
    }

    /// Packs this URL: `body` gets its layout and the bytes to keep, with no `String` made. The origin
    /// is left out when `hostKey` (this URL's `hostKey`) begins with it, which it does unless the URL
    /// has credentials; any other key packs the URL whole. Nil when the URL is 65,535 bytes or longer.
    /// Unpack with `init(unpacking:hostKey:storedUTF8:)` and the same host key.
    public func withPacked<R>(omittingOrigin hostKey: String, _ body: (Layout, UnsafeRawBufferPointer) throws -> R) rethrows -> R? {
        let omits = originIsPrefix(of: hostKey)
        guard let layout = layout(omittingOrigin: omits) else { return nil }
        var serialization = serialization
        return try serialization.withUTF8 { bytes in
            try body(layout, UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[(omits ? Int(pathStart) : 0)...])))
        }
    }

    private func originIsPrefix(of hostKey: String) -> Bool {
        let origin = Int(pathStart)
        return hostKey.utf8.count >= origin && hostKey.utf8.prefix(origin).elementsEqual(serialization.utf8.prefix(origin))
    }

    private func layout(omittingOrigin: Bool) -> Layout? {
        guard totalLength < Int(Layout.absent) else { return nil }
        func narrow(_ offset: UInt32) -> UInt16 {
            offset == WebURL.absent ? Layout.absent : UInt16(truncatingIfNeeded: offset)
        }
        return Layout(
            schemeEnd: narrow(schemeEnd), usernameEnd: narrow(usernameEnd),
            hostStart: narrow(hostStart), hostEnd: narrow(hostEnd), pathStart: narrow(pathStart),
            queryStart: narrow(queryStart), fragmentStart: narrow(fragmentStart), portValue: portValue,
            kind: kind, flags: flags, originOmitted: omittingOrigin)
    }

    /// The URL that was packed, from its layout, the host key it was packed beside (unused when it was
    /// packed whole) and the bytes `withPacked` gave to keep.
    public init(unpacking layout: Layout, hostKey: String, storedUTF8 stored: UnsafeRawBufferPointer) {
        func widen(_ offset: UInt16) -> UInt32 {
            offset == Layout.absent ? WebURL.absent : UInt32(offset)
        }
        let origin = layout.originOmitted ? Int(layout.pathStart) : 0
        // One allocation: the origin from the host key, then the stored bytes (ASCII: a serialisation).
        serialization = String(unsafeUninitializedCapacity: origin + stored.count) { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            var hostKey = hostKey
            hostKey.withUTF8 { key in
                // The queue that packed the URL passes the same key back: a shorter one is a bug.
                precondition(key.count >= origin, "unpacked beside a host key that is not its own")
                if origin > 0, let keyBase = key.baseAddress { base.initialize(from: keyBase, count: origin) }
            }
            if let source = stored.baseAddress, !stored.isEmpty {
                UnsafeMutableRawPointer(base + origin).copyMemory(from: source, byteCount: stored.count)
            }
            return origin + stored.count
        }
        schemeEnd = widen(layout.schemeEnd)
        usernameEnd = widen(layout.usernameEnd)
        hostStart = widen(layout.hostStart)
        hostEnd = widen(layout.hostEnd)
        pathStart = widen(layout.pathStart)
        queryStart = widen(layout.queryStart)
        fragmentStart = widen(layout.fragmentStart)
        portValue = layout.portValue
        kind = layout.kind
        flags = layout.flags
    }
}
