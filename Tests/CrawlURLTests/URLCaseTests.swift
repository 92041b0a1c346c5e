import Foundation
import Testing
@testable import CrawlURL

/// One case of Fixtures/url_cases.json (WPT urltestdata subset plus RFC 3986 §5.4 examples).
struct URLCase: Decodable, Sendable {
    let input: String
    let base: String?
    let href: String?
    let host: String?
    let pathname: String?
    let failure: Bool?
    let tags: [String]?
}

private struct URLCaseFile: Decodable {
    let cases: [URLCase]
}

enum URLCaseFixture {
    static func load() throws -> [URLCase] {
        let url = try #require(Bundle.module.url(forResource: "url_cases", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(URLCaseFile.self, from: Data(contentsOf: url)).cases
    }
}

@Suite("WHATWG URL test cases")
struct URLCaseTests {
    /// The pass rate reached when these tests were written (floored to a whole percent). A drop
    /// below it fails the suite; raise it when more cases pass.
    static let requiredPassRate = 100.0

    @Test("every case in url_cases.json")
    func allCases() throws {
        let cases = try URLCaseFixture.load()
        #expect(cases.count == 510)
        var failures: [String] = []
        var failingTags: [String: Int] = [:]
        for testCase in cases {
            if let problem = Self.check(testCase) {
                failures.append(problem)
                for tag in testCase.tags ?? ["untagged"] { failingTags[tag, default: 0] += 1 }
            }
        }
        let passed = cases.count - failures.count
        let rate = Double(passed) * 100 / Double(cases.count)
        print("url_cases.json: \(passed)/\(cases.count) passed (\(String(format: "%.2f", rate))%)")
        for failure in failures { print("  FAIL \(failure)") }
        if !failingTags.isEmpty {
            print("  failing tags: " + failingTags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
        }
        #expect(rate >= Self.requiredPassRate, "pass rate \(rate)% fell below \(Self.requiredPassRate)%")
    }

    @Test("the case checker reports mismatches")
    func checkerCanFail() {
        let wrongHref = URLCase(input: "http://a/", base: nil, href: "http://b/", host: nil, pathname: nil, failure: nil, tags: nil)
        let wrongFailure = URLCase(input: "http://a/", base: nil, href: nil, host: nil, pathname: nil, failure: true, tags: nil)
        let wrongPath = URLCase(input: "x", base: "http://a/b/c", href: nil, host: "a", pathname: "/x", failure: nil, tags: nil)
        let right = URLCase(input: "x", base: "http://a/b/c", href: "http://a/b/x", host: "a", pathname: "/b/x", failure: nil, tags: nil)
        #expect(Self.check(wrongHref)?.contains("expected=\"http://b/\"") == true)
        #expect(Self.check(wrongFailure) != nil)
        #expect(Self.check(wrongPath) != nil)
        #expect(Self.check(right) == nil)
    }

    /// `nil` when the case passes, else a line describing input, base, expected and got.
    static func check(_ testCase: URLCase) -> String? {
        let describe = { (expected: String, got: String) in
            "input=\(debug(testCase.input)) base=\(debug(testCase.base ?? "null")) expected=\(expected) got=\(got)"
        }
        var base: WebURL? = nil
        if let baseString = testCase.base {
            guard let parsedBase = WebURL.parse(baseString) else {
                return describe("base parses", "base failed to parse")
            }
            base = parsedBase
        }
        let result = WebURL.parse(testCase.input, base: base)
        if testCase.failure == true {
            return result.map { describe("failure", debug($0.href)) }
        }
        guard let result else { return describe(debug(testCase.href ?? ""), "failure") }
        if let href = testCase.href, result.href != href { return describe(debug(href), debug(result.href)) }
        if let host = testCase.host, (result.host ?? "") + (result.port.map { ":\($0)" } ?? "") != host {
            return describe("host \(debug(host))", "host \(debug(result.host ?? "nil")) port \(result.port.map(String.init) ?? "nil")")
        }
        if let pathname = testCase.pathname, result.path != pathname {
            return describe("pathname \(debug(pathname))", "pathname \(debug(result.path))")
        }
        // Re-parsing the serialisation must give the same URL (the standard's idempotence).
        if WebURL.parse(result.href)?.href != result.href {
            return describe("idempotent \(debug(result.href))", debug(WebURL.parse(result.href)?.href ?? "failure"))
        }
        return nil
    }

    static func debug(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || (scalar.value >= 0x80 && scalar.value < 0xA0) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
