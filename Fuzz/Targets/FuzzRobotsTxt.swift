// libFuzzer target for the robots.txt parser and matcher (Sources/RobotsTxt).
//
// Compiled together with Sources/RobotsTxt/*.swift into one module named RobotsTxt (see Fuzz/run),
// so it can read the compiled rules. The input is the robots.txt body. User agents and paths to
// query are derived from the input itself (the value after the first ":" of its first lines, so
// `# agent: FooBot` or `# path: /a/b` lines in a seed steer the queries), plus a fixed set.
//
// Checked: parsing never crashes and is the same through the byte, raw-buffer and String entry
// points; every `isAllowed` answer equals a naive reference decision (longest matching rule
// wins, allow on ties, computed with a quadratic glob match over the compiled patterns) and is
// the same through the String and byte entry points; `/robots.txt` is always allowed; a
// crawl-delay is finite and non-negative. Time is bounded by libFuzzer's -timeout.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private let fixedAgents = ["crawl", "crawl/0.1 (+https://example.com/bot)", "FooBot", "googlebot", "Foo Bar", "*", ""]
private let fixedPaths = ["/", "", "/robots.txt", "/robots.txt?x=1", "/a/b?c=d", "/%7Ea/%2fb", "/x*y$", "?q", "/a#frag"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRobotsTxt(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let robots = RobotsTxt(parsing: UnsafeRawBufferPointer(input))

    // The entry points must agree (the String one only sees valid UTF-8).
    let viaCollection = RobotsTxt(parsing: Array(input))
    var others = [viaCollection]
    if let text = String(validating: input, as: UTF8.self) { others.append(RobotsTxt(parsing: text)) }

    let candidates = lineValues(input, limit: 16)
    var agents = fixedAgents
    agents.append(contentsOf: candidates.prefix(6))
    var paths = fixedPaths
    for value in candidates {
        paths.append(value)
        if !value.hasPrefix("/") { paths.append("/" + value) }
    }

    for other in others {
        if other.groupCount != robots.groupCount || other.sitemaps != robots.sitemaps
            || other.warnings != robots.warnings || other.wasTruncated != robots.wasTruncated {
            fail("entry points parse differently", input, "")
        }
    }

    // Most agents end up with the same rules (the `*` group); each distinct set is matched once.
    var checked: [RobotsRules] = []
    var referenceBudget = 1_000_000  // glob-match cells per input, so the reference stays cheap
    for agent in agents {
        let rules = robots.rules(for: agent)
        for other in others where other.rules(for: agent) != rules {
            fail("entry points give different rules", input, agent)
        }
        if checked.contains(rules) { continue }
        checked.append(rules)
        if let delay = rules.crawlDelay, !(delay.isFinite && delay >= 0) {
            fail("bad crawl-delay \(delay)", input, agent)
        }
        var previous: CompiledRule?
        for rule in rules.storage.rules {
            // A zero-length pattern is fine (`allow: *` compiles to "" with priority 1); a zero
            // priority is not (empty values must be dropped).
            if rule.priority == 0 { fail("rule with priority 0 kept", input, agent) }
            if let previous, previous.priority < rule.priority || (previous.priority == rule.priority && !previous.isAllow && rule.isAllow) {
                fail("rules not in precedence order", input, agent)
            }
            previous = rule
        }
        for path in paths {
            let allowed = rules.isAllowed(path: path)
            if rules.isAllowed(pathBytes: Array(path.utf8)) != allowed {
                fail("String and byte paths disagree", input, "\(agent) \(path)")
            }
            if let expected = referenceDecision(rules, path: path, budget: &referenceBudget), expected != allowed {
                fail("matcher says \(allowed), reference says \(expected)", input, "agent \(agent) path \(path)")
            }
            if (path == "/robots.txt" || path.hasPrefix("/robots.txt?")) && !allowed {
                fail("/robots.txt disallowed", input, agent)
            }
        }
    }
    return 0
}

/// The values after the first ":" of the first `limit` lines that have one, trimmed, at most
/// 200 bytes each.
private func lineValues(_ input: UnsafeBufferPointer<UInt8>, limit: Int) -> [String] {
    var values: [String] = []
    for line in input.split(whereSeparator: { $0 == 0x0A || $0 == 0x0D }) {
        guard values.count < limit, let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
        var value = line[(colon + 1)...]
        while let first = value.first, first == 0x20 || first == 0x09 { value = value.dropFirst() }
        while let last = value.last, last == 0x20 || last == 0x09 { value = value.dropLast() }
        values.append(String(decoding: value.prefix(200), as: UTF8.self))
    }
    return values
}

/// The decision computed the slow, obvious way over the compiled rules: every rule is tried with
/// a quadratic glob match, the highest priority wins, allow wins ties, no match means allowed.
/// Nil when the quadratic match would overrun `budget` (cells left for this input).
private func referenceDecision(_ rules: RobotsRules, path: String, budget: inout Int) -> Bool? {
    let raw = Array(path.utf8)
    var normalised = [UInt8](repeating: 0, count: raw.count * 3 + 1)
    let length = raw.withUnsafeBufferPointer { source in
        normalised.withUnsafeMutableBufferPointer { PatternCompiler.normalisePath(source, into: $0) }
    }
    normalised.removeSubrange(length...)
    if normalised == Array("/robots.txt".utf8) || normalised.starts(with: Array("/robots.txt?".utf8)) { return true }

    let cost = rules.storage.rules.reduce(0) { $0 + ($1.flags.contains(.wildcard) ? Int($1.count) * (normalised.count + 1) : 0) }
    guard cost <= budget else { return nil }
    budget -= cost
    var best: (priority: UInt32, allow: Bool)?
    var scratch = GlobScratch()
    for rule in rules.storage.rules {
        let pattern = rules.storage.bytes[Int(rule.start)..<Int(rule.start + rule.count)]
        guard scratch.matches(pattern, anchored: rule.flags.contains(.anchored), normalised) else { continue }
        if let current = best, current.priority > rule.priority || (current.priority == rule.priority && (current.allow || !rule.isAllow)) {
            continue
        }
        best = (rule.priority, rule.isAllow)
    }
    return best?.allow ?? true
}

/// Glob matching by dynamic programming over pattern positions, reusing two rows.
private struct GlobScratch {
    private var reachable: [Bool] = []
    private var next: [Bool] = []

    /// Whether `pattern` (`*` = any run of bytes) matches a prefix of `path` (all of it when
    /// anchored).
    mutating func matches(_ pattern: ArraySlice<UInt8>, anchored: Bool, _ path: [UInt8]) -> Bool {
        if !pattern.contains(UInt8(ascii: "*")) {
            return anchored ? path.elementsEqual(pattern) : path.starts(with: pattern)
        }
        // reachable[j]: the pattern consumed so far can end exactly at path position j.
        reachable = [Bool](repeating: false, count: path.count + 1)
        reachable[0] = true
        next = reachable
        for byte in pattern {
            if byte == UInt8(ascii: "*") {
                var any = false
                for j in 0...path.count {
                    any = any || reachable[j]
                    next[j] = any
                }
            } else {
                next[0] = false
                for j in 0..<path.count { next[j + 1] = reachable[j] && path[j] == byte }
            }
            swap(&reachable, &next)
        }
        return anchored ? reachable[path.count] : reachable.contains(true)
    }
}

/// Reports an invariant violation and aborts (libFuzzer saves the input as crash-<sha1>).
private func fail(_ what: String, _ input: UnsafeBufferPointer<UInt8>, _ detail: String) -> Never {
    let shown = String(decoding: input.prefix(1000), as: UTF8.self).debugDescription
    writeToStderr("FUZZ INVARIANT: \(what)\n  robots.txt: \(shown)\n  detail: \(detail.debugDescription)\n")
    abort()
}

/// Writes to file descriptor 2 directly (the C `stderr` global is not concurrency-safe in Swift 6).
private func writeToStderr(_ text: String) {
    var text = text
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}
