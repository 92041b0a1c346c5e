import CrawlURL
import Foundation

/// A seed list: one URL per line; blank lines and `#` comments are ignored.
public struct SeedFile: Sendable {
    public struct InvalidLine: Sendable, Equatable {
        public var number: Int
        public var text: String
        public var reason: String
    }

    public var seeds: [WebURL]
    public var invalid: [InvalidLine]

    public init(contents: String) {
        seeds = []
        invalid = []
        var number = 0
        for rawLine in contents.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if let hash = line.firstIndex(of: "#"), line[..<hash].allSatisfy(\.isWhitespace) { continue }
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            guard let url = WebURL.parse(text) else {
                invalid.append(InvalidLine(number: number, text: text, reason: "not a valid URL"))
                continue
            }
            guard url.isHTTP else {
                invalid.append(InvalidLine(number: number, text: text, reason: "not an http or https URL"))
                continue
            }
            seeds.append(url)
        }
    }

    public struct ReadError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot read seeds file \(path): \(reason)" }
    }

    public static func load(path: String) throws -> SeedFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file"
            throw ReadError(path: path, reason: reason)
        }
        return SeedFile(contents: String(decoding: data, as: UTF8.self))
    }
}
