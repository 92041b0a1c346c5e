import CurlTransport
import DemoSite
import Synchronization
import Testing

extension CurlClientTests {
    /// `TransferRequest.onSend`: when the request really leaves (the crawl's rate limits count from
    /// there), which is after the connection, and its TLS handshake, are set up.
    @Suite struct Send {
        /// The instants `onSend` was called at, in order.
        final class SendLog: Sendable {
            private let instants = Mutex<[ContinuousClock.Instant]>([])
            var all: [ContinuousClock.Instant] { instants.withLock { $0 } }

            func request(_ url: String) -> TransferRequest {
                var request = TransferRequest(url: url, timeout: .seconds(5), connectTimeout: .seconds(2))
                request.onSend = { [self] in
                    let now = ContinuousClock.now
                    instants.withLock { $0.append(now) }
                }
                return request
            }
        }

        @Test func calledOncePerRequestBeforeTheServerHasIt() async throws {
            try await withServer({ _ in .text("ok") }) { server in
                try await withClient { client in
                    let sends = SendLog()
                    var performed: [ContinuousClock.Instant] = []
                    for index in 0..<3 {
                        performed.append(.now)
                        let response = await client.perform(sends.request(server.baseURL + "/p\(index)"))
                        #expect(response.status == 200)
                    }
                    let log = server.stats.log
                    try #require(sends.all.count == 3)
                    try #require(log.count == 3)
                    for index in 0..<3 {
                        #expect(sends.all[index] >= performed[index])
                        #expect(sends.all[index] <= log[index].start, "request \(index)")
                    }
                }
            }
        }

        @Test func notCalledWhenNoConnectionIsMade() async throws {
            let port = try await closedPort()
            try await withServer({ _ in .text("ok") }) { server in
                try await withClient { client in
                    let sends = SendLog()
                    let refused = await client.perform(sends.request("http://127.0.0.1:\(port)/"))
                    #expect(refused.error?.code == .connectionRefused)
                    var blocked = sends.request(server.baseURL + "/")
                    blocked.allowsNonPublicAddresses = false
                    let blockedResponse = await client.perform(blocked)
                    #expect(blockedResponse.error?.code == .blockedAddress)
                    #expect(sends.all.isEmpty)
                    #expect(server.stats.log.isEmpty)
                }
            }
        }

        /// https to a plain HTTP server: the TCP connection opens, the handshake fails, and no request
        /// was sent, so `onSend` is not called (a hook called before the handshake would have been).
        @Test func notCalledWhenTheTLSHandshakeFails() async throws {
            try await withServer({ _ in .text("ok") }) { server in
                try await withClient { client in
                    let sends = SendLog()
                    let response = await client.perform(sends.request("https://127.0.0.1:\(server.port)/"))
                    #expect(response.error != nil)
                    #expect(response.status == 0)
                    #expect(sends.all.isEmpty)
                    // The same handle, recycled for a plain request, reports it once.
                    let plain = await client.perform(sends.request(server.baseURL + "/"))
                    #expect(plain.status == 200)
                    #expect(sends.all.count == 1)
                }
            }
        }

        /// A handle that carried a hook, recycled for requests without one (one transfer at a time, so
        /// the same handle), calls nothing.
        @Test func aRecycledHandleForgetsTheHook() async throws {
            try await withServer({ _ in .text("ok") }) { server in
                try await withClient(CurlClientConfiguration(maxTransfers: 1)) { client in
                    let sends = SendLog()
                    #expect(await client.perform(sends.request(server.baseURL + "/a")).status == 200)
                    for index in 0..<3 {
                        #expect(await client.perform(TransferRequest(url: server.baseURL + "/b\(index)")).status == 200)
                    }
                    #expect(sends.all.count == 1)
                    #expect(server.stats.log.count == 4)
                }
            }
        }
    }
}
