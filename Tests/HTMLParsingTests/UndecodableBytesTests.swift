import HTMLParsing
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Regression for fuzzing finding F3 (Fuzz/README.md): bytes that are invalid in a legacy
/// multi-byte encoding made libxml2 2.9.14 print "encoding error" / "I/O error" lines on stderr
/// (HTML_PARSE_NOERROR does not cover them) and stop reading the document. Bodies are now decoded
/// before libxml2 sees them (see LegacyDecodingTests for the details).
@Suite("Bytes undecodable in a legacy encoding")
struct UndecodableBytesTests {
    /// "日本語" in Shift_JIS.
    static let japanese: [UInt8] = [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA]
    /// 0xFF is neither a Shift_JIS nor an EUC-JP character.
    static let page = Array("<a href=/first>a</a>".utf8) + [0xFF, 0xFF, 0xFF, 0xFF] + Array("<a href=/after>b</a>".utf8)

    @Test func linksAfterTheBadBytesAreKept() {
        for (bytes, charset) in [(Self.page, "Shift_JIS"), (Array("<meta charset=euc-jp>".utf8) + Self.page, nil)] {
            let summary = summarize(bytes: bytes, charset: charset)
            #expect(summary.urls == ["/first", "/after"])
            #expect(!summary.parseStoppedEarly)
        }
        // The same page without the bad bytes.
        let clean = Array("<title>".utf8) + Self.japanese + Array("</title><a href=/first>a</a><a href=/after>b</a>".utf8)
        let summary = summarize(bytes: clean, charset: "Shift_JIS")
        #expect(summary.urls == ["/first", "/after"])
        #expect(summary.title == "日本語")
        #expect(!summary.parseStoppedEarly)
    }

    @Test func nothingIsPrintedOnStderr() throws {
        let printed = try capturingStderr {
            let extractor = HTMLLinkExtractor()
            for _ in 0..<3 {
                _ = extractor.extract(Self.page, charset: "Shift_JIS")
                _ = extractor.extract(Array("<meta charset=euc-jp>".utf8) + Self.page, charset: nil)
            }
        }
        // Other suites may write to stderr meanwhile; only libxml2's messages count here.
        #expect(!printed.contains("encoding error"), "\(printed)")
        #expect(!printed.contains("I/O error"), "\(printed)")
    }

    /// Runs `body` with file descriptor 2 pointed at a temporary file; returns what was written
    /// there and passes it on to the real stderr afterwards.
    private func capturingStderr(_ body: () -> Void) throws -> String {
        var template = Array("/tmp/html-stderr-XXXXXX".utf8CString)
        let file = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        try #require(file >= 0)
        defer {
            close(file)
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        }
        let saved = dup(2)
        try #require(saved >= 0)
        fflush(nil)  // every C stream, so buffered output lands on the right side of dup2
        dup2(file, 2)
        body()
        fflush(nil)  // every C stream, so buffered output lands on the right side of dup2
        dup2(saved, 2)
        close(saved)

        var captured: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        lseek(file, 0, SEEK_SET)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(file, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            captured.append(contentsOf: chunk[0..<count])
        }
        if !captured.isEmpty { captured.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) } }
        return String(decoding: captured, as: UTF8.self)
    }
}

/// Regression for a fuzzing finding (Fuzz/Regressions/links/F4-*): invalid UTF-8 in a document
/// declared UTF-8 reaches the title as raw bytes, and each becomes three bytes of U+FFFD when
/// decoded, so cutting the raw bytes at the cap gave titles longer than the cap.
@Suite("Title cap with invalid UTF-8")
struct TitleCapTests {
    @Test(arguments: [[0xFF], [0xC3, 0xFF], [0xA9, 0xA9, 0xA9, 0xA9]] as [[UInt8]])
    func capHoldsAfterRepair(bad: [UInt8]) {
        let long = Array(String(repeating: "é ", count: 600).utf8)
        // Bad bytes first, last (beyond the cap), and right at the cap.
        for (prefix, suffix) in [(bad, [] as [UInt8]), ([], bad), ([UInt8](repeating: 0x61, count: 1022) + bad, [])] {
            let body = Array("<title>".utf8) + prefix + long + suffix + Array("</title><a href=/x>".utf8)
            let summary = summarize(bytes: body, charset: "utf-8")
            let title = summary.title ?? ""
            #expect(title.utf8.count <= HTMLSummary.maxTitleBytes, "\(bad) -> \(title.utf8.count) bytes")
            #expect(title.utf8.count >= HTMLSummary.maxTitleBytes - 3)
            #expect(title.last != " ")
            #expect(summary.urls == ["/x"])
        }
    }
}
