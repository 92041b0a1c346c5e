import Synchronization

/// Counters and a request log shared by one or more servers (a multi-host site observed as a whole).
///
/// Every member takes one lock; the servers update it once when a request arrives and once when its
/// response is done, which is cheap next to the I/O. Reading the log copies it.
public final class RequestStats: Sendable {
    /// Identifies a request between `begin` and `finish` (survives `reset()` without corrupting the new log).
    struct Token: Sendable {
        let generation: Int
        let index: Int
    }

    private struct PortKey: Hashable {
        let port: Int
        let key: String
    }

    private struct State {
        var generation = 0
        var total = 0
        var inFlight = 0
        var maxInFlight = 0
        var awaiting = 0
        var maxAwaiting = 0
        var byKey: [String: Int] = [:]
        var byPortKey: [PortKey: Int] = [:]
        var log: [RequestLogEntry] = []
        var droppedLogEntries = 0
    }

    private let state = Mutex(State())
    /// The log keeps at most this many entries (counters keep counting past it).
    public let maxLogEntries: Int

    /// Creates empty stats whose log keeps at most `maxLogEntries` entries, so a long `crawl demo`
    /// does not grow memory without bound. Tests stay far below the default.
    public init(maxLogEntries: Int) {
        self.maxLogEntries = max(0, maxLogEntries)
    }

    /// Creates empty stats with the default log capacity.
    public convenience init() {
        self.init(maxLogEntries: 1_000_000)
    }

    /// Number of requests received since creation or the last `reset()`.
    public var totalRequests: Int { state.withLock { $0.total } }

    /// Requests received whose response has not been fully written and whose connection is still open.
    public var inFlight: Int { state.withLock { $0.inFlight } }

    /// High-water mark of `inFlight` since creation or the last `reset()`.
    public var maxInFlight: Int { state.withLock { $0.maxInFlight } }

    /// Requests received whose response has not started yet (no byte of it sent). Unlike `inFlight`,
    /// every such request is certainly still in flight at the client, so `maxAwaitingResponse` is an
    /// exact lower bound of the client's concurrency: `inFlight` also counts a response whose last
    /// bytes the client already has while the server thread has not yet seen its write complete, so
    /// with several event-loop threads it can exceed the client's true concurrency by a little.
    public var awaitingResponse: Int { state.withLock { $0.awaiting } }

    /// High-water mark of `awaitingResponse` since creation or the last `reset()`.
    public var maxAwaitingResponse: Int { state.withLock { $0.maxAwaiting } }

    /// Log entries that did not fit in `maxLogEntries`.
    public var droppedLogEntries: Int { state.withLock { $0.droppedLogEntries } }

    /// Requests whose path (when `pathOrURI` has no `?`) or whole URI (when it has one) matches,
    /// on all servers, or only on `port` when given.
    public func hits(_ pathOrURI: String, port: Int? = nil) -> Int {
        state.withLock { s in
            if let port {
                return s.byPortKey[PortKey(port: port, key: pathOrURI)] ?? 0
            }
            return s.byKey[pathOrURI] ?? 0
        }
    }

    /// One entry per request, in arrival order (in-flight ones have `end == nil`).
    public var log: [RequestLogEntry] { state.withLock { $0.log } }

    /// Clears counters and the log. `inFlight` is a live gauge and is kept (`maxInFlight` restarts
    /// from it); requests in flight during a reset are finished without touching the new log.
    public func reset() {
        state.withLock { s in
            s.generation += 1
            s.total = 0
            s.maxInFlight = s.inFlight
            s.maxAwaiting = s.awaiting
            s.byKey = [:]
            s.byPortKey = [:]
            s.log = []
            s.droppedLogEntries = 0
        }
    }

    /// Records an arriving request; the caller must call `finish` exactly once with the token.
    func begin(_ request: ServerRequest) -> Token {
        let entry = RequestLogEntry(
            port: request.serverPort, method: request.method, uri: request.uri, path: request.path,
            host: request.header("Host"), headers: request.headers, start: .now, end: nil, status: nil,
            completed: false)
        return state.withLock { s in
            s.total += 1
            s.inFlight += 1
            if s.inFlight > s.maxInFlight { s.maxInFlight = s.inFlight }
            s.awaiting += 1
            if s.awaiting > s.maxAwaiting { s.maxAwaiting = s.awaiting }
            s.byKey[request.path, default: 0] += 1
            s.byPortKey[PortKey(port: request.serverPort, key: request.path), default: 0] += 1
            if request.query != nil {
                s.byKey[request.uri, default: 0] += 1
                s.byPortKey[PortKey(port: request.serverPort, key: request.uri), default: 0] += 1
            }
            guard s.log.count < maxLogEntries else {
                s.droppedLogEntries += 1
                return Token(generation: s.generation, index: -1)
            }
            s.log.append(entry)
            return Token(generation: s.generation, index: s.log.count - 1)
        }
    }

    /// Records the handler's status for an in-flight request.
    func setStatus(_ token: Token, _ status: Int) {
        state.withLock { s in
            guard token.generation == s.generation, token.index >= 0, token.index < s.log.count else { return }
            s.log[token.index].status = status
        }
    }

    /// Records that the first bytes of the response are being sent.
    func responseStarted(_ token: Token) {
        state.withLock { $0.awaiting -= 1 }
    }

    /// Records that the response was fully written (`completed`) or abandoned.
    func finish(_ token: Token, completed: Bool, responseStarted: Bool) {
        let now = ContinuousClock.now
        state.withLock { s in
            s.inFlight -= 1
            if !responseStarted { s.awaiting -= 1 }
            guard token.generation == s.generation, token.index >= 0, token.index < s.log.count else { return }
            s.log[token.index].end = now
            s.log[token.index].completed = completed
        }
    }
}
