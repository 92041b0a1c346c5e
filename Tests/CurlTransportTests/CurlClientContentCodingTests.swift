import CurlTransport
import DemoSite
import Testing
import TestEncoders

/// Bodies with a Content-Encoding, decoded by crawl's own `ContentDecoder` (libcurl's decoding is off).
extension CurlClientTests {
    @Suite struct ContentCodings {
        static let page = Encoder.page(bytes: 150_000, seed: 3)

        @Test func realEncodersBodiesDecode() async throws {
            let bodies: [String: (coding: String, body: [UInt8])] = [
                "/gzip": ("gzip", Encoder.encode(Self.page, TEST_CODING_GZIP)),
                "/deflate": ("deflate", Encoder.encode(Self.page, TEST_CODING_ZLIB)),
                "/raw-deflate": ("deflate", Encoder.encode(Self.page, TEST_CODING_RAW_DEFLATE)),
                "/br": ("br", Encoder.encode(Self.page, TEST_CODING_BROTLI)),
                "/zstd": ("zstd", Encoder.encode(Self.page, TEST_CODING_ZSTD)),
                "/stacked": ("gzip, identity, br", Encoder.encode(Encoder.encode(Self.page, TEST_CODING_GZIP), TEST_CODING_BROTLI)),
            ]
            try await withServer({ request in
                guard let (coding, body) = bodies[request.path] else { return ServerResponse(status: 404) }
                return ServerResponse(headers: [(name: "Content-Encoding", value: coding)], body: .bytes(body))
            }) { server in
                try await withClient { client in
                    for (path, (_, body)) in bodies.sorted(by: { $0.key < $1.key }) {
                        let response = await client.perform(TransferRequest(url: server.baseURL + path))
                        #expect(response.error == nil, "\(path): \(String(describing: response.error))")
                        #expect(response.body.count == Self.page.count && response.body == Self.page, "\(path)")
                        #expect(response.rawBytes == Int64(body.count), "\(path)")
                        #expect(response.decodedBytes == Int64(Self.page.count), "\(path)")
                    }
                }
                // Exactly the codings the decoder knows are offered.
                #expect(server.stats.log.first?.header("Accept-Encoding") == "gzip, deflate, br, zstd")
            }
        }

        /// libcurl 7.88 delivered each of these as a complete, shorter body.
        @Test func aStreamCutShortIsAPartialBody() async throws {
            let gzip = Encoder.encode(Self.page, TEST_CODING_GZIP)
            let zstd = Encoder.encode(Self.page, TEST_CODING_ZSTD)
            let br = Encoder.encode(Self.page, TEST_CODING_BROTLI)
            // Cut bodies with their framing intact (a Content-Length that matches), and one whose
            // connection closes without any length.
            let cutGzip = Array(gzip.prefix(gzip.count / 2))
            let closeHead = Array("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nConnection: close\r\n\r\n".utf8)
            try await withServer({ request in
                switch request.path {
                case "/gzip": return ServerResponse(headers: [(name: "Content-Encoding", value: "gzip")], body: .bytes(cutGzip))
                case "/gzip-trailer": return ServerResponse(headers: [(name: "Content-Encoding", value: "gzip")], body: .bytes(Array(gzip.dropLast(4))))
                case "/zstd": return ServerResponse(headers: [(name: "Content-Encoding", value: "zstd")], body: .bytes(Array(zstd.dropLast(1))))
                case "/br": return ServerResponse(headers: [(name: "Content-Encoding", value: "br")], body: .bytes(Array(br.prefix(br.count - 10))))
                case "/close": return ServerResponse(body: .raw(closeHead + cutGzip))
                default: return ServerResponse(status: 404)
                }
            }) { server in
                try await withClient { client in
                    for path in ["/gzip", "/gzip-trailer", "/zstd", "/br", "/close"] {
                        let response = await client.perform(TransferRequest(url: server.baseURL + path))
                        #expect(response.error?.code == .partialBody, "\(path): \(String(describing: response.error))")
                        #expect(response.error?.message.contains("ends early: the body is truncated") == true, "\(path)")
                        #expect(response.body.isEmpty, "\(path): a failed body over the diagnostic limit is dropped")
                    }
                }
            }
        }

        @Test func aTruncatingRequestCutsTheDecodedBody() async throws {
            let gzip = Encoder.encode(Self.page, TEST_CODING_GZIP)
            try await withServer({ _ in
                ServerResponse(headers: [(name: "Content-Encoding", value: "gzip")], body: .bytes(gzip))
            }) { server in
                try await withClient { client in
                    var request = TransferRequest(url: server.baseURL + "/robots.txt", maxBodyBytes: 10_000)
                    request.truncatesBody = true
                    let response = await client.perform(request)
                    #expect(response.error == nil, "\(String(describing: response.error))")
                    #expect(response.bodyTruncated)
                    #expect(response.body == Array(Self.page.prefix(10_000)))
                }
            }
        }

        @Test func unknownCodingsFailOnlyWithABody() async throws {
            try await withServer({ request in
                switch request.path {
                case "/compress": return ServerResponse(headers: [(name: "Content-Encoding", value: "compress")], body: .bytes(Array("x".utf8)))
                case "/empty": return ServerResponse(headers: [(name: "Content-Encoding", value: "compress")], body: .bytes([]))
                case "/identity": return ServerResponse(headers: [(name: "Content-Encoding", value: "Identity")], body: .bytes(Array("plain".utf8)))
                case "/two-fields":
                    // Two Content-Encoding fields are one list: gzip applied, then br.
                    let body = Encoder.encode(Encoder.encode(Array("two".utf8), TEST_CODING_GZIP), TEST_CODING_BROTLI)
                    return ServerResponse(headers: [(name: "Content-Encoding", value: "gzip"), (name: "Content-Encoding", value: "br")], body: .bytes(body))
                default: return ServerResponse(status: 404)
                }
            }) { server in
                try await withClient { client in
                    let compress = await client.perform(TransferRequest(url: server.baseURL + "/compress"))
                    #expect(compress.error?.code == .decodeError)
                    #expect(compress.error?.message == "unsupported Content-Encoding \"compress\"")
                    let empty = await client.perform(TransferRequest(url: server.baseURL + "/empty"))
                    #expect(empty.error == nil)
                    #expect(empty.status == 200)
                    let identity = await client.perform(TransferRequest(url: server.baseURL + "/identity"))
                    #expect(identity.error == nil)
                    #expect(identity.body == Array("plain".utf8))
                    let two = await client.perform(TransferRequest(url: server.baseURL + "/two-fields"))
                    #expect(two.error == nil, "\(String(describing: two.error))")
                    #expect(two.body == Array("two".utf8))
                }
            }
        }

        @Test func aZstdBombStopsAtTheDecodedCap() async throws {
            // RLE blocks: 4 bytes for each 128 KiB of zeros, 256 MiB in 8 KiB.
            var bomb: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x58]
            for index in 0..<2048 {
                let header = UInt32(index == 2047 ? 1 : 0) | (1 << 1) | (UInt32(128 << 10) << 3)
                bomb += [UInt8(header & 0xFF), UInt8((header >> 8) & 0xFF), UInt8(header >> 16), 0x00]
            }
            try await withServer({ [bomb] _ in
                ServerResponse(headers: [(name: "Content-Encoding", value: "zstd")], body: .bytes(bomb))
            }) { server in
                try await withClient { client in
                    let start = ContinuousClock.now
                    let response = await client.perform(TransferRequest(url: server.baseURL + "/bomb", maxBodyBytes: 1 << 20))
                    #expect(response.error?.code == .tooLarge)
                    #expect(response.decodedBytes <= 1 << 20)
                    #expect(seconds(since: start) < 2)
                }
            }
        }
    }
}
