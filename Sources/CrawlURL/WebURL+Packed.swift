extension WebURL {
    /// A `WebURL` in 35 bytes instead of 48, and often without its own heap string: the form for URLs
    /// that wait in large numbers (the crawl's per-host queues).
    ///
    /// The component offsets take 16 bits instead of 32, so only URLs shorter than 65,535 bytes pack.
    /// Packed beside its host key (`packed(omittingOrigin:)`), a URL keeps only what follows its
    /// origin, from the path on: the origin is the start of the host key, which the queue holding it
    /// knows already. A path and query of up to 15 bytes then fit in the `String` itself, with no
    /// heap allocation at all; a longer one still saves the origin's bytes. Unpacking gives back an
    /// equal value with the same offsets; nothing is parsed again.
    public struct Packed: Sendable {
        /// The serialisation, or only its part from the path on when `originOmitted`.
        let stored: String
        let schemeEnd: UInt16
        let usernameEnd: UInt16
        let hostStart: UInt16
        let hostEnd: UInt16
        let pathStart: UInt16
        let queryStart: UInt16      // `Packed.absent` when absent
        let fragmentStart: UInt16   // likewise
        let portValue: UInt16
        let kind: SchemeKind
        let flags: UInt8
        let originOmitted: Bool

        /// "No such component": never a real offset, as a packed URL is shorter than this.
        static let absent = UInt16.max
    }

    /// This URL packed whole, or nil when it is 65,535 bytes or longer.
    public var packed: Packed? { pack(omittingOrigin: false) }

    /// This URL packed without its origin when `hostKey` (this URL's `hostKey`) begins with it, which
    /// it does unless the URL has credentials; whole otherwise. Nil when 65,535 bytes or longer.
    /// Unpack with `init(unpacking:hostKey:)` and the same host key.
    public func packed(omittingOrigin hostKey: String) -> Packed? {
        let origin = Int(pathStart)
        let omits = hostKey.utf8.count >= origin && hostKey.utf8.prefix(origin).elementsEqual(serialization.utf8.prefix(origin))
        return pack(omittingOrigin: omits)
    }

    private func pack(omittingOrigin: Bool) -> Packed? {
        guard totalLength < Int(Packed.absent) else { return nil }
        func narrow(_ offset: UInt32) -> UInt16 {
            offset == WebURL.absent ? Packed.absent : UInt16(truncatingIfNeeded: offset)
        }
        return Packed(
            stored: omittingOrigin ? slice(Int(pathStart), totalLength) : serialization,
            schemeEnd: narrow(schemeEnd), usernameEnd: narrow(usernameEnd),
            hostStart: narrow(hostStart), hostEnd: narrow(hostEnd), pathStart: narrow(pathStart),
            queryStart: narrow(queryStart), fragmentStart: narrow(fragmentStart), portValue: portValue,
            kind: kind, flags: flags, originOmitted: omittingOrigin)
    }

    /// The URL that was packed. `hostKey` is the one it was packed beside (unused when it was packed
    /// whole).
    public init(unpacking packed: Packed, hostKey: String = "") {
        func widen(_ offset: UInt16) -> UInt32 {
            offset == Packed.absent ? WebURL.absent : UInt32(offset)
        }
        if packed.originOmitted {
            var whole = String(decoding: hostKey.utf8.prefix(Int(packed.pathStart)), as: UTF8.self)
            whole.reserveCapacity(Int(packed.pathStart) + packed.stored.utf8.count)
            whole.append(packed.stored)
            serialization = whole
        } else {
            serialization = packed.stored
        }
        schemeEnd = widen(packed.schemeEnd)
        usernameEnd = widen(packed.usernameEnd)
        hostStart = widen(packed.hostStart)
        hostEnd = widen(packed.hostEnd)
        pathStart = widen(packed.pathStart)
        queryStart = widen(packed.queryStart)
        fragmentStart = widen(packed.fragmentStart)
        portValue = packed.portValue
        kind = packed.kind
        flags = packed.flags
    }
}
