import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An in-process HTTP/1.1 server on a local address, for `crawl demo` and for tests.
///
/// Runs on `MultiThreadedEventLoopGroup.singleton`; each request is handed to an async `ServerHandler`.
/// Keep-alive is supported (pipelined requests are answered in order). Every request is recorded in
/// `stats`, which several servers may share.
public final class LocalHTTPServer: Sendable {
    /// The bound port (the real one when started with port 0).
    public let port: Int
    /// The address the server listens on.
    public let host: String
    /// Counters and request log (possibly shared with other servers).
    public let stats: RequestStats

    private let serverChannel: Channel
    /// Accepted connections still open, so `shutdown()` can close them.
    private let connections: ConnectionRegistry

    /// `http://HOST:PORT` (no trailing slash).
    public var baseURL: String { "http://\(host):\(port)" }

    private init(port: Int, host: String, stats: RequestStats, serverChannel: Channel, connections: ConnectionRegistry) {
        self.port = port
        self.host = host
        self.stats = stats
        self.serverChannel = serverChannel
        self.connections = connections
    }

    /// Binds `host:port` (port 0 picks a free one) and starts serving with `handler`.
    public static func start(
        host: String = "127.0.0.1", port: Int = 0, stats: RequestStats = RequestStats(),
        handler: @escaping ServerHandler
    ) async throws -> LocalHTTPServer {
        let connections = ConnectionRegistry()
        // The handler learns its port from the bound server channel; children are only accepted after bind.
        let boundPort = Mutex(0)
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                guard connections.add(channel) else {
                    return channel.close()
                }
                let port = boundPort.withLock { $0 }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)),
                        HTTPConnectionHandler(handler: handler, stats: stats, port: port),
                    ])
                }
            }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        let actualPort = channel.localAddress?.port ?? port
        boundPort.withLock { $0 = actualPort }
        return LocalHTTPServer(port: actualPort, host: host, stats: stats, serverChannel: channel, connections: connections)
    }

    /// Stops accepting, closes every open connection (in-flight responses are cut), and waits for both.
    /// Calling it twice is harmless.
    public func shutdown() async {
        try? await serverChannel.close()
        let open = connections.closeAll()
        for c in open {
            try? await c.close()
        }
        for c in open {
            try? await c.closeFuture.get()
        }
    }

    /// Number of client connections currently open (useful to check keep-alive reuse).
    public var openConnections: Int { connections.count }

    /// Number of connections accepted since start.
    public var acceptedConnections: Int { connections.accepted }
}

/// Open child channels, lock-protected; refuses new ones once closed so a connection accepted
/// during shutdown is not left behind.
final class ConnectionRegistry: Sendable {
    private struct State {
        var open: [ObjectIdentifier: Channel] = [:]
        var accepted = 0
        var closed = false
    }

    private let state = Mutex(State())

    func add(_ channel: Channel) -> Bool {
        let ok = state.withLock { s in
            guard !s.closed else { return false }
            s.open[ObjectIdentifier(channel)] = channel
            s.accepted += 1
            return true
        }
        if ok {
            channel.closeFuture.whenComplete { _ in
                self.state.withLock { _ = $0.open.removeValue(forKey: ObjectIdentifier(channel)) }
            }
        }
        return ok
    }

    func closeAll() -> [Channel] {
        state.withLock { s in
            s.closed = true
            return Array(s.open.values)
        }
    }

    var count: Int { state.withLock { $0.open.count } }
    var accepted: Int { state.withLock { $0.accepted } }
}
