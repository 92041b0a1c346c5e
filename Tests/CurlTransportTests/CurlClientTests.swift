import CurlTransport
import DemoSite
import Testing

/// Real libcurl against a real in-process server on 127.0.0.1. Serialized: several tests measure
/// time, and the machine has two cores.
@Suite(.serialized, .timeLimit(.minutes(1)))
enum CurlClientTests {}

extension CurlClientTests {
    @Suite struct Responses {
        @Test func okWithBodyAndHeaders() async throws {
            let page = "<html><body>hello</body></html>"
            try await withServer({ _ in
                var response = ServerResponse.html(page)
                response.headers.append((name: "X-Test", value: "  yes  "))
                return response
            }) { server in
                try await withClient { client in
                    let response = await client.perform(TransferRequest(url: server.baseURL + "/page"))
                    #expect(response.error == nil)
                    #expect(response.status == 200)
                    #expect(response.body == Array(page.utf8))
                    #expect(response.header("x-test") == "yes")
                    #expect(response.header("CONTENT-TYPE") == "text/html; charset=utf-8")
                    #expect(response.header("missing") == nil)
                    #expect(response.rawBytes == Int64(page.utf8.count))
                    #expect(response.decodedBytes == Int64(page.utf8.count))
                    #expect(response.httpVersion == 11)
                    #expect(response.primaryIP == "127.0.0.1")
                    #expect(response.effectiveURL == server.baseURL + "/page")
                    #expect(response.timings.totalMs > 0)
                    #expect(response.timings.ttfbMs <= response.timings.totalMs)
                    #expect(response.timings.tlsMs == 0)
                }
                let logged = try #require(server.stats.log.first)
                #expect(logged.header("User-Agent") == "crawl/0.1")
                #expect(logged.header("Accept-Encoding")?.contains("gzip") == true)
            }
        }

        @Test func extraRequestHeadersAreSent() async throws {
            try await withServer({ request in
                .text(request.header("If-None-Match") ?? "none")
            }) { server in
                try await withClient { client in
                    let request = TransferRequest(url: server.baseURL + "/", headers: ["If-None-Match: \"abc\""])
                    let response = await client.perform(request)
                    #expect(response.body == Array("\"abc\"".utf8))
                    // The next transfer on the recycled handle must not inherit the header.
                    let plain = await client.perform(TransferRequest(url: server.baseURL + "/"))
                    #expect(plain.body == Array("none".utf8))
                }
            }
        }

        @Test func notFoundIsAResponseNotAnError() async throws {
            try await withServer({ _ in .notFound() }) { server in
                try await withClient { client in
                    let response = await client.perform(TransferRequest(url: server.baseURL + "/nope"))
                    #expect(response.error == nil)
                    #expect(response.status == 404)
                    #expect(!response.body.isEmpty)
                }
            }
        }

        @Test func redirectIsNotFollowed() async throws {
            try await withServer({ request in
                request.path == "/from" ? .redirect(to: "/to") : .html("target")
            }) { server in
                try await withClient { client in
                    let response = await client.perform(TransferRequest(url: server.baseURL + "/from"))
                    #expect(response.error == nil)
                    #expect(response.status == 302)
                    #expect(response.header("Location") == "/to")
                    #expect(response.effectiveURL == server.baseURL + "/from")
                }
                #expect(server.stats.hits("/to") == 0)
            }
        }

        @Test func gzipBodyIsDecoded() async throws {
            let text = Array(String(repeating: "gzip me, please. ", count: 50).utf8)
            let compressed = Gzip.stored(text)
            try await withServer({ _ in
                ServerResponse(headers: [(name: "Content-Encoding", value: "gzip")], body: .bytes(compressed))
            }) { server in
                try await withClient { client in
                    let response = await client.perform(TransferRequest(url: server.baseURL + "/gz"))
                    #expect(response.error == nil)
                    #expect(response.body == text)
                    #expect(response.rawBytes == Int64(compressed.count))
                    #expect(response.decodedBytes == Int64(text.count))
                }
            }
        }

        @Test func onlyTheLastHeaderBlockIsKept() async throws {
            let raw = "HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\nHTTP/1.1 200 OK\r\nX-Final: 2\r\nContent-Length: 2\r\n\r\nhi"
            try await withServer({ _ in ServerResponse(body: .raw(Array(raw.utf8))) }) { server in
                try await withClient { client in
                    let response = await client.perform(TransferRequest(url: server.baseURL + "/"))
                    #expect(response.error == nil)
                    #expect(response.status == 200)
                    #expect(response.header("X-Interim") == nil)
                    #expect(response.header("X-Final") == "2")
                    #expect(response.body == Array("hi".utf8))
                }
            }
        }

        @Test func resolveEntriesPinNamesToAddresses() async throws {
            try await withServer({ request in .text(request.header("Host") ?? "") }) { server in
                let config = CurlClientConfiguration(maxTransfers: 4, resolve: ["crawl.test:\(server.port):127.0.0.1"])
                try await withClient(config) { client in
                    let response = await client.perform(TransferRequest(url: "http://crawl.test:\(server.port)/"))
                    #expect(response.error == nil)
                    #expect(response.body == Array("crawl.test:\(server.port)".utf8))
                }
            }
        }
    }
}
