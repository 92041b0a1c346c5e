import CurlTransport
import DemoSite
import Testing

extension CurlClientTests {
    /// `acceptedMediaTypes`: bodies the caller will not use are not downloaded.
    @Suite struct MediaTypes {
        static let html: Set<String> = ["text/html"]

        @Test func largeUnacceptedBodyEndsAfterTheHeaders() async throws {
            let pdf = [UInt8](repeating: 0x25, count: 5_000_000)
            try await withServer({ _ in
                ServerResponse(headers: [("Content-Type", "Application/PDF; x=y")], body: .bytes(pdf))
            }) { server in
                try await withClient { client in
                    let start = ContinuousClock.now
                    let response = await client.perform(TransferRequest(url: server.baseURL + "/doc.pdf", acceptedMediaTypes: Self.html))
                    #expect(response.error?.code == .bodySkipped)
                    #expect(response.status == 200)
                    #expect(response.header("Content-Type") == "Application/PDF; x=y")
                    #expect(response.body.isEmpty)
                    #expect(response.decodedBytes == 0)
                    #expect(seconds(since: start) < 2)
                }
            }
        }

        @Test func endlessUnacceptedBodyWithoutLengthEndsAfterTheHeaders() async throws {
            let chunk = [UInt8](repeating: 0x00, count: 16_384)
            try await withServer({ _ in
                ServerResponse(headers: [("Content-Type", "video/mp4")], body: .stream(chunk: chunk, count: nil, interval: nil))
            }) { server in
                try await withClient { client in
                    let response = await client.perform(TransferRequest(url: server.baseURL + "/v", acceptedMediaTypes: Self.html))
                    #expect(response.error?.code == .bodySkipped)
                    #expect(response.rawBytes < 1_000_000)
                }
            }
        }

        @Test func smallUnacceptedBodyIsReadAndDroppedKeepingTheConnection() async throws {
            try await withServer({ request in
                request.path == "/img"
                    ? ServerResponse(headers: [("Content-Type", "image/png")], body: .bytes([UInt8](repeating: 1, count: 2_000)))
                    : .html("<p>ok</p>")
            }) { server in
                try await withClient(CurlClientConfiguration(maxTransfers: 1)) { client in
                    for _ in 0..<20 {
                        let image = await client.perform(TransferRequest(url: server.baseURL + "/img", acceptedMediaTypes: Self.html))
                        #expect(image.error == nil)
                        #expect(image.status == 200)
                        #expect(image.body.isEmpty)
                        #expect(image.decodedBytes == 2_000)
                        let page = await client.perform(TransferRequest(url: server.baseURL + "/", acceptedMediaTypes: Self.html))
                        #expect(page.error == nil)
                        #expect(String(decoding: page.body, as: UTF8.self) == "<p>ok</p>")
                    }
                }
                // Read-and-drop keeps the connection alive: 40 requests over one connection.
                #expect(server.acceptedConnections == 1)
            }
        }

        @Test func acceptedTypesAndErrorsAndMissingTypesAreRead() async throws {
            try await withServer({ request in
                switch request.path {
                case "/xhtml": return ServerResponse(headers: [("Content-Type", "application/xhtml+xml")], body: .bytes(Array("x".utf8)))
                case "/none": return ServerResponse(body: .bytes(Array("<html>".utf8)))
                default: return ServerResponse(status: 404, headers: [("Content-Type", "application/json")], body: .bytes(Array("{}".utf8)))
                }
            }) { server in
                try await withClient { client in
                    let accepted: Set<String> = ["text/html", "application/xhtml+xml"]
                    let xhtml = await client.perform(TransferRequest(url: server.baseURL + "/xhtml", acceptedMediaTypes: accepted))
                    #expect(xhtml.error == nil && xhtml.body == Array("x".utf8))
                    let untyped = await client.perform(TransferRequest(url: server.baseURL + "/none", acceptedMediaTypes: accepted))
                    #expect(untyped.error == nil && untyped.body == Array("<html>".utf8))
                    // Only 2xx bodies are filtered; an error body is small and may explain the error.
                    let missing = await client.perform(TransferRequest(url: server.baseURL + "/missing", acceptedMediaTypes: accepted))
                    #expect(missing.error == nil && missing.status == 404)
                }
            }
        }
    }
}
