import DemoSite
import Foundation

/// Starts the well-formed NIO test server (DemoSite's `LocalHTTPServer`) with a route table; other
/// paths answer 404. Used wherever a scenario does not need to break HTTP framing.
func startServer(_ routes: @escaping @Sendable (ServerRequest) -> ServerResponse?) async throws -> LocalHTTPServer {
    try await LocalHTTPServer.start(host: "127.0.0.1", port: 0, stats: RequestStats()) { request in
        routes(request) ?? .notFound()
    }
}

/// A port on 127.0.0.1 with nothing listening: bound, then closed (the kernel does not hand an
/// ephemeral port out again at once, though under load it may: see `RefusingPort`). For a port a
/// server is about to listen on.
func closedPort() -> Int {
    (try? RefusingPort().port) ?? 1
}

/// A port on 127.0.0.1 that refuses connections for as long as this value lives: a socket bound to it
/// and not listening, so the kernel answers a connection with RST, and no other server (of a test
/// running in parallel) can take the port meanwhile. `closedPort()` can be handed out again under load:
/// once, C9's "refused" port answered HTTP from another test's server.
final class RefusingPort: Sendable {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        guard let boundPort = Loopback.bind(fd) else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        descriptor = fd
        port = boundPort
    }

    deinit {
        close(descriptor)
    }
}

extension RequestStats {
    /// Requests whose `Host` header is `host` (name and port as sent).
    func hits(host: String) -> Int { log.filter { $0.host == host }.count }
}
