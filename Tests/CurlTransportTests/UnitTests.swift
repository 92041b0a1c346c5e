@testable import CurlTransport
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
            Array(s.utf8).withUnsafeBytes { HeaderLine.field($0) }
        }
        #expect(field("Location: /a:b ")?.name == "Location")
        #expect(field("Location: /a:b ")?.value == "/a:b")
        #expect(field("Empty:")?.value == "")
        #expect(field("no colon") == nil)
        #expect(field(": no name") == nil)
        #expect(field("Bad: \u{FF}")?.value == "\u{FF}")
    }

    @Test func headerLookupIsAsciiCaseInsensitive() {
        let response = TransferResponse(headers: [(name: "Content-Type", value: "a"), (name: "content-type", value: "b")], effectiveURL: "")
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
