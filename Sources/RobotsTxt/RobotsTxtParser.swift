/// Line-by-line parser building a ``RobotsTxt``. Works on the bytes in place: only rule patterns,
/// agent tokens and sitemap strings are copied out.
struct RobotsTxtParser {
    private var storage = RuleStorage()
    private var groups: [RobotsGroup] = []
    private var sitemaps: [String] = []
    private var seenSitemaps: Set<String> = []
    private var warnings = 0
    /// A rule line was seen since the last `user-agent` line, so the next one starts a new group.
    /// Only allow/disallow lines count: `sitemap`, `crawl-delay` and unknown lines leave the group
    /// open (google/robotstxt's behaviour, checked by the conformance cases).
    private var groupHasRules = false

    static func parse(_ input: UnsafeBufferPointer<UInt8>) -> RobotsTxt {
        var parser = RobotsTxtParser()
        let limit = min(input.count, RobotsTxt.maxParsedBytes)
        let body = UnsafeBufferPointer(rebasing: input[0..<limit])
        // Cut at the limit, the last line is probably cut too: "Disallow: /private" could become
        // "Disallow: /pri" and refuse more than the site asked. It is dropped, not half-applied.
        parser.parseLines(body, lastLineIsWhole: input.count <= limit)
        return RobotsTxt(
            storage: parser.storage, groups: parser.groups, sitemaps: parser.sitemaps,
            warnings: parser.warnings, wasTruncated: input.count > limit
        )
    }

    private mutating func parseLines(_ body: UnsafeBufferPointer<UInt8>, lastLineIsWhole: Bool) {
        // Skip a UTF-8 BOM, or any leading prefix of one (as google/robotstxt does).
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        var index = 0
        while index < 3, index < body.count, body[index] == bom[index] { index += 1 }

        var lineStart = index
        while index < body.count {
            let byte = body[index]
            if byte == ASCII.lf || byte == ASCII.cr {
                parseLine(UnsafeBufferPointer(rebasing: body[lineStart..<index]))
                // CRLF is one line end; CR alone and LF alone are line ends too.
                if byte == ASCII.cr, index + 1 < body.count, body[index + 1] == ASCII.lf { index += 1 }
                lineStart = index + 1
            }
            index += 1
        }
        if lineStart < body.count, lastLineIsWhole {
            parseLine(UnsafeBufferPointer(rebasing: body[lineStart..<body.count]))
        }
    }

    private mutating func parseLine(_ fullLine: UnsafeBufferPointer<UInt8>) {
        var line = fullLine
        if line.count > RobotsTxt.maxLineLength {
            warnings += 1
            line = UnsafeBufferPointer(rebasing: line[0..<RobotsTxt.maxLineLength])
        }
        if let hash = line.firstIndex(of: ASCII.hash) {
            line = UnsafeBufferPointer(rebasing: line[0..<hash])
        }
        line = Self.trimmed(line)
        if line.isEmpty { return }

        guard let (key, value) = Self.splitKeyValue(line) else {
            warnings += 1
            return
        }
        switch RobotsKey(key) {
        case .userAgent:
            handleUserAgent(value)
        case .allow:
            handleRule(value, allow: true)
        case .disallow:
            handleRule(value, allow: false)
        case .sitemap:
            guard !value.isEmpty else { warnings += 1; return }
            let url = String(decoding: value, as: UTF8.self)
            if seenSitemaps.insert(url).inserted { sitemaps.append(url) }
        case .crawlDelay:
            guard !groups.isEmpty, let delay = CrawlDelay.parse(value) else { warnings += 1; return }
            let last = groups.count - 1
            groups[last].crawlDelay = max(groups[last].crawlDelay ?? 0, delay)
        case .unknown:
            warnings += 1
        }
    }

    private mutating func handleUserAgent(_ value: UnsafeBufferPointer<UInt8>) {
        if groups.isEmpty || groupHasRules {
            let rulesEnd = storage.rules.count
            groups.append(RobotsGroup(ruleRange: rulesEnd..<rulesEnd))
            groupHasRules = false
        }
        let last = groups.count - 1
        // `*`, or `*` followed by whitespace and anything, is the global agent (google/robotstxt).
        if value.first == ASCII.star, value.count == 1 || ASCII.isWhitespace(value[1]) {
            groups[last].isGlobal = true
            return
        }
        var token: [UInt8] = []
        for byte in value {
            guard ASCII.isProductTokenByte(byte) else { break }
            token.append(ASCII.lowercased(byte))
        }
        if token.isEmpty {
            warnings += 1
        } else if !groups[last].tokens.contains(token) {
            groups[last].tokens.append(token)
        }
    }

    private mutating func handleRule(_ value: UnsafeBufferPointer<UInt8>, allow: Bool) {
        guard !groups.isEmpty else {
            warnings += 1  // a rule before any user-agent belongs to no group
            return
        }
        groupHasRules = true
        storage.appendRule(value: value, allow: allow)
        if allow { appendIndexHTMLRule(value) }
        groups[groups.count - 1].ruleRange = groups[groups.count - 1].ruleRange.lowerBound..<storage.rules.count
    }

    /// Google-specific: `allow: /dir/index.htm...` also allows `/dir/` itself (`/dir/$`).
    private mutating func appendIndexHTMLRule(_ value: UnsafeBufferPointer<UInt8>) {
        guard let slash = value.lastIndex(of: ASCII.slash) else { return }
        let suffix = Array("/index.htm".utf8)
        guard value.count - slash >= suffix.count else { return }
        for offset in 0..<suffix.count where value[slash + offset] != suffix[offset] { return }
        var directory = Array(value[0...slash])
        directory.append(ASCII.dollar)
        directory.withUnsafeBufferPointer { storage.appendRule(value: $0, allow: true) }
    }

    /// Splits `key: value`, or `key value` when the colon is missing and the line is exactly two
    /// words (google/robotstxt's leniency). Returns nil when there is no key.
    static func splitKeyValue(
        _ line: UnsafeBufferPointer<UInt8>
    ) -> (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>)? {
        var separator = line.firstIndex(of: ASCII.colon)
        var valueStart = (separator ?? 0) + 1
        if separator == nil {
            guard let space = line.firstIndex(where: ASCII.isSpaceOrTab) else { return nil }
            var next = space
            while next < line.count, ASCII.isSpaceOrTab(line[next]) { next += 1 }
            if line[next...].contains(where: ASCII.isSpaceOrTab) { return nil }
            separator = space
            valueStart = next
        }
        guard let separator else { return nil }
        let key = trimmed(UnsafeBufferPointer(rebasing: line[0..<separator]))
        guard !key.isEmpty else { return nil }
        let value = trimmed(UnsafeBufferPointer(rebasing: line[valueStart...]))
        return (key, value)
    }

    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = bytes.count
        while start < end, ASCII.isWhitespace(bytes[start]) { start += 1 }
        while end > start, ASCII.isWhitespace(bytes[end - 1]) { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }
}
