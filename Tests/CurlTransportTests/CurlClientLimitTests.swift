import CurlTransport
import DemoSite
import Testing

extension CurlClientTests {
    /// Body and header caps: libcurl 7.88 enforces none of these by itself.
    @Suite struct Limits {
        @Test func contentLengthOverTheCapFailsBeforeTheBody() async throws {
            try await withServer({ _ in ServerResponse(body: .bytes([UInt8](repeating: 0x61, count: 200_000))) }) { server in
                try await withClient { client in
                    let start = ContinuousClock.now
                    let response = await client.perform(TransferRequest(url: server.baseURL + "/big", maxBodyBytes: 10_000))
                    #expect(response.error?.code == .tooLarge)
                    #expect(response.status == 200)
                    #expect(response.decodedBytes == 0)
                    #expect(response.body.isEmpty)
                    #expect(seconds(since: start) < 2)
                }
            }
        }

        @Test func bodyAtExactlyTheCapIsAccepted() async throws {
            try await withServer({ _ in ServerResponse(body: .bytes([UInt8](repeating: 0x61, count: 10_000))) }) { server in
                try await withClient { client in
                    let response = await client.perform(TransferRequest(url: server.baseURL + "/", maxBodyBytes: 10_000))
                    #expect(response.error == nil)
                    #expect(response.body.count == 10_000)
                }
            }
        }

        @Test func endlessChunkedBodyStopsAtTheCap() async throws {
            let chunk = [UInt8](repeating: 0x62, count: 16 * 1024)
            try await withServer({ _ in ServerResponse(body: .stream(chunk: chunk, count: nil, interval: nil)) }) { server in
                try await withClient { client in
                    let start = ContinuousClock.now
                    let response = await client.perform(TransferRequest(url: server.baseURL + "/endless", maxBodyBytes: 256 * 1024))
                    #expect(response.error?.code == .tooLarge)
                    #expect(response.decodedBytes <= 256 * 1024)
                    #expect(response.rawBytes <= 256 * 1024 + 64 * 1024)
                    #expect(response.body.isEmpty)  // not kept: over the diagnostics limit
                    #expect(seconds(since: start) < 5)
                }
            }
        }

        @Test func endlessIdentityBodyWithoutLengthStopsAtTheCap() async throws {
            // No Content-Length and no chunking: the body ends only when the server closes.
            let chunk = [UInt8](repeating: 0x63, count: 16 * 1024)
            let head = Array("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".utf8)
            try await withServer({ _ in ServerResponse(body: .raw(head + Array(repeating: chunk, count: 64).joined())) }) { server in
                try await withClient { client in
                    let response = await client.perform(TransferRequest(url: server.baseURL + "/", maxBodyBytes: 100_000))
                    #expect(response.error?.code == .tooLarge)
                    #expect(response.decodedBytes <= 100_000)
                }
            }
        }

        @Test func gzipBombStopsAtTheDecodedCap() async throws {
            let bomb = Gzip.zeros(count: 1 << 20)
            try await withServer({ _ in
                ServerResponse(headers: [(name: "Content-Encoding", value: "gzip")], body: .bytes(bomb))
            }) { server in
                try await withClient { client in
                    let start = ContinuousClock.now
                    let response = await client.perform(TransferRequest(url: server.baseURL + "/bomb", maxBodyBytes: 100_000))
                    #expect(response.error?.code == .tooLarge)
                    #expect(response.decodedBytes <= 100_000)
                    #expect(response.rawBytes < 100_000)  // it was the decoded cap that tripped
                    #expect(seconds(since: start) < 2)
                }
            }
        }

        @Test func endlessHeadersStopAtTheHeaderCap() async throws {
            let line = Array("X-Filler: \(String(repeating: "f", count: 1000))\r\n".utf8)
            let raw = Array("HTTP/1.1 200 OK\r\n".utf8) + Array(repeating: line, count: 400).joined()  // ~400 KB, never finished
            try await withServer({ _ in ServerResponse(body: .raw(raw)) }) { server in
                let config = CurlClientConfiguration(maxTransfers: 4, maxHeaderBytes: 64 * 1024)
                try await withClient(config) { client in
                    let response = await client.perform(TransferRequest(url: server.baseURL + "/"))
                    #expect(response.error?.code == .tooLarge)
                    #expect(response.error?.message.contains("headers") == true)
                }
            }
        }
    }
}
