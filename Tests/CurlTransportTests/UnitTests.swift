@testable import CurlTransport
import CCurl
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Pure pieces, no libcurl.
@Suite struct TransportUnitTests {
    @Test func durationsRoundUpForCurl() {
        #expect(Duration.milliseconds(300).curlMilliseconds == 300)
        #expect(Duration.microseconds(1).curlMilliseconds == 1)  // never 0, which curl reads as "no limit"
        #expect(Duration.zero.curlMilliseconds == 1)
        #expect(Duration.seconds(-5).curlMilliseconds == 1)
        #expect(Duration.milliseconds(1500).curlSeconds == 2)
        #expect(Duration.seconds(Int64.max).curlMilliseconds == Int.max)
    }

    @Test func outOfDescriptorsIsNotARefusedConnection() {
        let emfile = TransferError.outOfDescriptors(curlCode: CURLE_COULDNT_CONNECT, socketErrno: EMFILE)
        #expect(emfile?.code == .other)
        #expect(emfile?.message == "cannot open a socket: too many open files (this process's limit, ulimit -n)")
        #expect(TransferError.outOfDescriptors(curlCode: CURLE_COULDNT_CONNECT, socketErrno: 0) == nil)
        #expect(TransferError.outOfDescriptors(curlCode: CURLE_COULDNT_CONNECT, socketErrno: EACCES) == nil)
    }

    @Test func openFileBudget() {
        // (1024 - 64) / 3: each transfer's connection and its resolver's socket pair.
        #expect(OpenFileBudget.maxTransfers(limit: 1024) == 320)
        #expect(OpenFileBudget.maxTransfers(limit: 64) == 0)
        // Four kept connections per transfer when the limit has room ...
        #expect(OpenFileBudget.maxConnections(transfers: 32, limit: 1024) == 128)
        #expect(OpenFileBudget.maxConnections(transfers: 32, limit: nil) == 128)
        #expect(OpenFileBudget.maxConnections(transfers: 2, limit: 1024) == 16)
        // ... else what is left, and at least one per transfer.
        #expect(OpenFileBudget.maxConnections(transfers: 300, limit: 1024) == 360)
        #expect(OpenFileBudget.maxConnections(transfers: 320, limit: 1024) == 320)
        #expect(OpenFileBudget.maxConnections(transfers: 500, limit: 1024) == 500)
    }

    @Test func statusLines() {
        func status(_ s: String) -> Int {
            Array(s.utf8).withUnsafeBytes { HeaderLine.isStatusLine($0) ? HeaderLine.status($0) : -1 }
        }
        #expect(status("HTTP/1.1 200 OK") == 200)
        #expect(status("HTTP/2 404") == 404)
        #expect(status("HTTP/1.1  301 Moved") == 301)
        #expect(status("HTTP/1.1 2x0") == 0)
        #expect(status("X-HTTP/1.1 200") == -1)
    }

    @Test func headerFields() {
        func field(_ s: String) -> (name: String, value: String)? {
            var fields = HeaderFields()
            Array(s.utf8).withUnsafeBytes { _ = fields.append(line: $0) }
            return fields.pairs.first
        }
        #expect(field("Location: /a:b ")?.name == "Location")
        #expect(field("Location: /a:b ")?.value == "/a:b")
        #expect(field("Empty:")?.value == "")
        #expect(field("no colon") == nil)
        #expect(field(": no name") == nil)
        #expect(field("Bad: \u{FF}")?.value == "\u{FF}")
        #expect(field(" Spaced \t:\t v a l ")?.name == "Spaced")
        #expect(field(" Spaced \t:\t v a l ")?.value == "v a l")
        // Invalid UTF-8 is replaced when a value is read, as the strings were before.
        var fields = HeaderFields()
        [UInt8]("X: a".utf8 + [0xFF]).withUnsafeBytes { _ = fields.append(line: $0) }
        #expect(fields.value(named: "x") == "a\u{FFFD}")
        // An obs-fold line continues the last value; before any field it is dropped.
        var folded = HeaderFields()
        Array("  lost".utf8).withUnsafeBytes { folded.continueLastValue($0) }
        Array("A: one".utf8).withUnsafeBytes { _ = folded.append(line: $0) }
        Array("B: two".utf8).withUnsafeBytes { _ = folded.append(line: $0) }
        Array("\t three ".utf8).withUnsafeBytes { folded.continueLastValue($0) }
        #expect(folded.pairs.map(\.value) == ["one", "two three"])
        #expect(folded.value(named: "b") == "two three")
        #expect(HeaderLine.contentLength(in: HeaderFields([(name: "Content-Length", value: "12")])) == 12)
        #expect(HeaderLine.contentLength(in: HeaderFields([(name: "Content-Length", value: "1 2")])) == nil)
        #expect(HeaderLine.mediaType(in: HeaderFields([(name: "content-type", value: " Text/HTML ; charset=x")])) == "text/html")
        #expect(HeaderLine.mediaType(in: HeaderFields([(name: "content-type", value: " ; charset=x")])) == nil)
    }

    @Test func headerLookupIsAsciiCaseInsensitive() {
        let response = TransferResponse(fields: HeaderFields([(name: "Content-Type", value: "a"), (name: "content-type", value: "b")]), effectiveURL: "")
        #expect(response.header("CONTENT-type") == "a")
        #expect(response.header("Content-Typ") == nil)
        #expect(response.header("Content-Typee") == nil)
    }

    @Test func errorCodesAreDistinctAndDescribed() {
        let error = TransferError(code: .tooLarge, curlCode: 23, message: "decoded body exceeds 10 bytes")
        #expect(error.description == "tooLarge: decoded body exceeds 10 bytes (curl code 23)")
        #expect(TransferError.Code.timeout != TransferError.Code.connectTimeout)
    }
}
