import CurlTransport
import DemoSite

/// Starts a server on 127.0.0.1 (port 0), runs `body`, and always shuts the server down.
func withServer<T>(
    _ handler: @escaping ServerHandler,
    _ body: (LocalHTTPServer) async throws -> T
) async throws -> T {
    let server = try await LocalHTTPServer.start(host: "127.0.0.1", port: 0, stats: RequestStats(), handler: handler)
    do {
        let result = try await body(server)
        await server.shutdown()
        return result
    } catch {
        await server.shutdown()
        throw error
    }
}

/// Creates a client, runs `body`, and always shuts the client down.
func withClient<T>(
    _ configuration: CurlClientConfiguration = CurlClientConfiguration(maxTransfers: 16),
    _ body: (CurlClient) async throws -> T
) async throws -> T {
    let client = try CurlClient(configuration: configuration)
    defer { client.shutdown() }
    return try await body(client)
}

/// Seconds elapsed since `start`.
func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// A port on 127.0.0.1 where nobody listens: a server's port right after it shut down.
func closedPort() async throws -> Int {
    let server = try await LocalHTTPServer.start(host: "127.0.0.1", port: 0, stats: RequestStats()) { _ in .notFound() }
    let port = server.port
    await server.shutdown()
    return port
}
