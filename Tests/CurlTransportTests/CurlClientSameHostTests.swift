import CurlTransport
import DemoSite
import Testing

extension CurlClientTests {
    /// Concurrent transfers to one plain-http host each open their own connection at once. (With
    /// CURLOPT_PIPEWAIT, libcurl 7.88 held the second behind the first connection's response, in case
    /// it could multiplex, and reported it as a resolve timeout.)
    @Suite struct SameHost {
        @Test(.timeLimit(.minutes(1)))
        func concurrentSlowRequestsToOneHostAllReachItAndTimeOutAsTimeouts() async throws {
            try await withServer({ _ in
                ServerResponse(status: 200, headers: [("Content-Type", "text/html")], body: .bytes([]), headerDelay: .seconds(20))
            }) { server in
                try await withClient(CurlClientConfiguration(maxTransfers: 4)) { client in
                    async let a = client.perform(TransferRequest(url: server.baseURL + "/a", timeout: .seconds(1)))
                    async let b = client.perform(TransferRequest(url: server.baseURL + "/b", timeout: .seconds(1)))
                    async let c = client.perform(TransferRequest(url: server.baseURL + "/c", timeout: .seconds(1)))
                    let responses = await [a, b, c]
                    #expect(responses.allSatisfy { $0.error?.code == .timeout }, "\(responses.map { $0.error?.description ?? "nil" })")
                    #expect(server.stats.totalRequests == 3)
                    #expect(server.stats.maxAwaitingResponse == 3)
                }
            }
        }
    }
}
