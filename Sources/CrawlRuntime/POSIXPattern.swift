import CrawlerCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An `--include` / `--exclude` pattern: a POSIX extended regular expression (the syntax of
/// `grep -E` and of wget2's default `--regex-type=posix`), compiled by the C library's `regcomp`.
///
/// Why POSIX and not a backtracking engine (ICU's `NSRegularExpression`, Swift's `Regex`): the
/// pattern is the user's, but the URLs it is matched against come from the pages of any server. A
/// backtracking engine takes exponential time on some patterns: `(a+)+$` against a URL of 26 `a`s
/// and a `!` took 3 s in ICU (`NSRegularExpression`), each further `a` about 1.7 times longer, so a
/// hostile page could stall the parse threads for good.
/// glibc's matcher simulates the automaton instead (measured: 55 ms for that pattern on a 2,000-byte
/// URL, the default `--max-url-length` being 2,083). Back-references would bring backtracking back,
/// so they are refused. It is also the faster: 0.15-0.2 µs a URL against ICU's 0.6-0.8 and Swift
/// `Regex`'s 2-5 (200,000 URLs, three patterns).
///
/// Besides POSIX: GNU's `\w \W \s \S \b \B \< \>` work, and a leading `(?i)` makes the whole
/// pattern case-insensitive. `\d` and other Perl escapes that POSIX lacks are refused with a hint,
/// not read as the letter (which is what `regcomp` would do with `\d`).
///
/// `@unchecked Sendable`: the compiled `regex_t` is set up only by `regcomp` in `init` and freed in
/// `deinit`; in between only `regexec` uses it, which is MT-Safe (glibc's attributes; glibc guards
/// the state cache it builds inside the `regex_t` with a lock of its own), so the parse threads share
/// one.
public final class POSIXPattern: URLPattern, @unchecked Sendable {
    public let source: String
    private let compiled: UnsafeMutablePointer<regex_t>

    public init(_ pattern: String) throws(URLPatternError) {
        source = pattern
        var body = Substring(pattern)
        var flags = REG_EXTENDED | REG_NOSUB
        if body.hasPrefix("(?i)") {
            body = body.dropFirst(4)
            flags |= REG_ICASE
        }
        guard !body.isEmpty else { throw URLPatternError(pattern: pattern, reason: "an empty pattern matches every URL") }
        if let problem = Self.unsupportedEscape(in: body) { throw URLPatternError(pattern: pattern, reason: problem) }
        guard !body.utf8.contains(0) else { throw URLPatternError(pattern: pattern, reason: "a NUL byte cannot be matched") }
        let expression = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)
        let code = regcomp(expression, String(body), flags)
        guard code == 0 else {
            var message = [CChar](repeating: 0, count: 256)
            regerror(code, expression, &message, message.count)
            expression.deallocate()  // regcomp frees what it allocated when it fails
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw URLPatternError(pattern: pattern, reason: "not a valid POSIX extended regular expression (\(text))")
        }
        compiled = expression
    }

    deinit {
        regfree(compiled)
        compiled.deallocate()
    }

    public func matches(_ href: String) -> Bool {
        href.withCString { regexec(compiled, $0, 0, nil, 0) == 0 }
    }

    /// GNU escapes `regcomp` understands outside brackets (`\` before punctuation is a literal).
    private static let gnuEscapes = Set("wWsSbB<>`'".utf8)

    /// Why a backslash escape cannot be used, or nil. Inside a bracket expression a backslash is an
    /// ordinary character in POSIX, so only escapes outside brackets are looked at.
    static func unsupportedEscape(in pattern: Substring) -> String? {
        let bytes = Array(pattern.utf8)
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\\"):
                guard i + 1 < bytes.count else { return "a trailing backslash escapes nothing" }
                let next = bytes[i + 1]
                switch next {
                case UInt8(ascii: "1")...UInt8(ascii: "9"):
                    return "back-references (\\\(Character(Unicode.Scalar(next)))) are not supported: they make matching take exponential time"
                case UInt8(ascii: "d"), UInt8(ascii: "D"):
                    return "\\\(Character(Unicode.Scalar(next))) is not POSIX: use \(next == UInt8(ascii: "d") ? "[0-9]" : "[^0-9]")"
                case _ where isAlphanumeric(next) && !gnuEscapes.contains(next):
                    return "\\\(Character(Unicode.Scalar(next))) is not a POSIX or GNU escape"
                default:
                    i += 2
                }
            case UInt8(ascii: "["):
                i = endOfBracket(bytes, from: i)
            default:
                i += 1
            }
        }
        return nil
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// The index after the bracket expression opening at `start`: a `]` right after `[` or `[^` is a
    /// member, and `[:alpha:]`, `[.x.]`, `[=x=]` are skipped whole. An unclosed bracket runs to the
    /// end (`regcomp` then refuses it).
    private static func endOfBracket(_ bytes: [UInt8], from start: Int) -> Int {
        var i = start + 1
        if i < bytes.count, bytes[i] == UInt8(ascii: "^") { i += 1 }
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1 }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "]") { return i + 1 }
            if bytes[i] == UInt8(ascii: "["), i + 1 < bytes.count,
               let close = [UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "=")].first(where: { $0 == bytes[i + 1] }) {
                var j = i + 2
                while j + 1 < bytes.count, !(bytes[j] == close && bytes[j + 1] == UInt8(ascii: "]")) { j += 1 }
                i = j + 2
                continue
            }
            i += 1
        }
        return bytes.count
    }
}

/// A pattern given to `--include` or `--exclude` that cannot be used.
public struct URLPatternError: Error, Sendable, CustomStringConvertible {
    public let pattern: String
    public let reason: String

    public var description: String { "'\(pattern)': \(reason)" }
}
