@testable import HTMLParsing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs both parsers on documents and keeps count, for the differential tests.
final class FastPathComparison {
    let fast: HTMLLinkExtractor
    let reference: HTMLLinkExtractor
    private(set) var compared = 0
    private(set) var fastPathTaken = 0
    /// Documents where the fast path answered differently from libxml2 (should stay empty).
    private(set) var mismatches: [(document: [UInt8], fast: HTMLSummary, libxml2: HTMLSummary)] = []

    init(maxLinks: Int = 10_000) {
        fast = HTMLLinkExtractor(maxLinks: maxLinks)
        reference = HTMLLinkExtractor(maxLinks: maxLinks)
    }

    /// Compares the two paths on `document`; returns whether the fast path took it.
    @discardableResult
    func compare(_ document: [UInt8], charset: String? = nil) -> Bool {
        compared += 1
        let libxml2 = reference.extract(document, charset: charset, path: .libxml2Only)
        guard let fastSummary = fast.extract(document, charset: charset, path: .fastPathOnly), let libxml2 else {
            return false
        }
        fastPathTaken += 1
        if fastSummary != libxml2, mismatches.count < 20 {
            mismatches.append((document, fastSummary, libxml2))
        }
        return true
    }

    func compare(_ document: String, charset: String? = nil) -> Bool {
        compare(Array(document.utf8), charset: charset)
    }

    /// A readable account of the first mismatches.
    var mismatchReport: String {
        mismatches.prefix(5).map { mismatch in
            "document: \(String(decoding: mismatch.document.prefix(5000), as: UTF8.self).debugDescription)\n"
                + "  fast:    \(mismatch.fast)\n  libxml2: \(mismatch.libxml2)"
        }.joined(separator: "\n")
    }
}

/// Deterministic pseudo-random numbers (SplitMix64), so generated documents are the same on every run.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// Files in the repository, found from this source file's real location (the test folder may be
/// reached through a symlink).
enum RepositoryFiles {
    static func testsFolder(_ filePath: String = #filePath) -> String {
        var resolved = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard realpath(filePath, &resolved) != nil else { return "" }
        let path = String(decoding: resolved.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    }

    /// The regular files in `folder`, sorted by name (empty if it does not exist).
    static func files(in folder: String) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if !name.hasPrefix(".") { names.append(folder + "/" + name) }
        }
        return names.sorted()
    }

    static func read(_ path: String, limit: Int = 4 << 20) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes = [UInt8](repeating: 0, count: limit)
        let count = fread(&bytes, 1, limit, file)
        return Array(bytes.prefix(count))
    }
}
