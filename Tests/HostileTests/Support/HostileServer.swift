import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One step of a hostile answer. The server runs a request's actions in order, then closes the
/// connection (every answer is one request per connection, so counters are exact).
enum HostileAction: Sendable {
    /// Writes the bytes at once (blocking until the client took them or went away).
    case send([UInt8])
    /// Writes `bytes`, `step` bytes per `every` interval (slowloris-style).
    case trickle([UInt8], step: Int, every: Duration)
    /// Waits, sending nothing (ends early if the client goes away or the server stops).
    case sleep(Duration)
    /// Keeps the connection open and silent until the client leaves or the server stops.
    case hang
    /// Closes the connection normally (FIN).
    case close
    /// Aborts with a TCP RST: SO_LINGER 0, then close.
    case reset
    /// Writes `chunk` over and over until the client goes away (as chunked frames when `chunked`).
    case endless([UInt8], chunked: Bool)
}

/// A request head as the hostile server read it.
struct HostileRequest: Sendable {
    var method: String
    /// The request target as sent (path plus query).
    var target: String
    var path: String
    var host: String?
    var headers: [(name: String, value: String)]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A misbehaving HTTP/1.1 server on raw POSIX sockets, bound to 127.0.0.1 on a free port, for the
/// scenarios a well-formed server cannot play: lying framing, trickled bytes, resets, garbage, silence.
///
/// Threads: one accept thread, and one dedicated `Thread` per connection (at most `maxConnections`;
/// later connections are closed at once). Blocking socket calls only ever run on these threads, never
/// on Swift's cooperative pool. Every wait polls a stop pipe too, so `stop()` ends them all promptly.
///
/// `neverAccepts`: the socket listens with a backlog of 0 that the server fills itself with a few
/// non-blocking connects, and nothing is accepted, so a client's connect never completes (Linux drops
/// SYNs while a listener's accept queue is full).
final class HostileServer: Sendable {
    typealias Script = @Sendable (HostileRequest) -> [HostileAction]

    struct Counters: Sendable {
        var accepted = 0
        var refused = 0
        var hitsByPath: [String: Int] = [:]
        var hitsByHost: [String: Int] = [:]
        var bytesByPath: [String: Int] = [:]
        /// Every request, in arrival order, with when its head was complete and when its connection ended.
        var requests: [(path: String, host: String?, headers: [(name: String, value: String)],
                        at: ContinuousClock.Instant, end: ContinuousClock.Instant?)] = []
    }

    private struct Threads {
        var alive = 0
        /// Open connection descriptors, so `stop()` can shut them down. A descriptor is closed only
        /// under this lock, so `stop()` never touches a number the kernel already reused.
        var open: Set<Int32> = []
        var stopped = false
    }

    let port: Int
    var baseURL: String { "http://127.0.0.1:\(port)" }

    private let listener: Int32
    /// poll()ed by every wait; a byte written here wakes all of them.
    private let stopPipe: (read: Int32, write: Int32)
    private let fillers: [Int32]
    private let script: Script
    private let maxConnections: Int
    /// When set, run on every connection right after accept, without reading a request (for peers
    /// that do not speak HTTP first, e.g. a fake TLS server answering a ClientHello).
    private let greeting: [HostileAction]?
    private let counters = Mutex(Counters())
    private let threads = Mutex(Threads())
    /// Signalled when a thread ends, for `stop()`'s bounded join.
    private let joined = NSCondition()

    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    init(maxConnections: Int = 16, neverAccepts: Bool = false, greeting: [HostileAction]? = nil,
         script: @escaping Script) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw StartError(description: "socket: \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard let boundPort = Loopback.bind(fd), listen(fd, neverAccepts ? 0 : 64) == 0 else {
            close(fd)
            throw StartError(description: "bind/listen: \(errno)")
        }
        port = boundPort
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else {
            close(fd)
            throw StartError(description: "pipe: \(errno)")
        }
        stopPipe = (pipeFDs[0], pipeFDs[1])
        listener = fd
        self.script = script
        self.maxConnections = maxConnections
        self.greeting = greeting
        fillers = neverAccepts ? Self.fillBacklog(port: port) : []
        if !neverAccepts {
            threads.withLock { $0.alive += 1 }
            let thread = Thread { [self] in acceptLoop() }
            thread.name = "hostile-accept"
            thread.start()
        }
    }

    /// Opens a few non-blocking connections of our own so the listener's accept queue is full.
    private static func fillBacklog(port: Int) -> [Int32] {
        var fds: [Int32] = []
        for _ in 0..<4 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { continue }
            Loopback.connect(fd, port: port)
            fds.append(fd)
        }
        usleep(50_000)  // let the handshakes that can complete complete
        return fds
    }

    // MARK: - Counters

    var snapshot: Counters { counters.withLock { $0 } }
    func hits(_ path: String) -> Int { counters.withLock { $0.hitsByPath[path] ?? 0 } }
    func hits(host: String) -> Int { counters.withLock { $0.hitsByHost[host] ?? 0 } }
    func bytesWritten(_ path: String) -> Int { counters.withLock { $0.bytesByPath[path] ?? 0 } }
    var acceptedConnections: Int { counters.withLock { $0.accepted } }
    var totalHits: Int { counters.withLock { $0.requests.count } }

    // MARK: - Stopping

    /// Closes the listener and every connection, and waits (at most about 3 s) for every thread to end.
    func stop() async {
        let first = threads.withLock { state -> Bool in
            defer { state.stopped = true }
            if state.stopped { return false }
            for fd in state.open { shutdown(fd, Int32(SHUT_RDWR)) }
            return true
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(stopPipe.write, &byte, 1)
        // The join blocks, so it runs on a thread of its own, never on the cooperative pool.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waiter = Thread { [self] in
                let deadline = Date(timeIntervalSinceNow: 3)
                joined.lock()
                while threads.withLock({ $0.alive }) > 0, joined.wait(until: deadline) {}
                joined.unlock()
                continuation.resume()
            }
            waiter.start()
        }
        for fd in fillers { close(fd) }
        if threads.withLock({ $0.alive }) == 0 {
            close(stopPipe.read)
            close(stopPipe.write)
        }  // else: a thread is still stuck; leaking two descriptors beats closing them under it
    }

    private func threadEnded() {
        threads.withLock { $0.alive -= 1 }
        joined.lock()
        joined.broadcast()
        joined.unlock()
    }

    private var isStopped: Bool { threads.withLock { $0.stopped } }

    // MARK: - Accepting

    private func acceptLoop() {
        defer {
            close(listener)
            threadEnded()
        }
        while true {
            var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stopPipe.read, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, 200)
            if isStopped || fds[1].revents != 0 { return }
            guard ready > 0, fds[0].revents & Int16(POLLIN) != 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            let admitted = threads.withLock { state -> Bool in
                guard !state.stopped, state.open.count < maxConnections else { return false }
                state.open.insert(client)
                state.alive += 1
                return true
            }
            guard admitted else {
                close(client)
                counters.withLock { $0.refused += 1 }
                continue
            }
            counters.withLock { $0.accepted += 1 }
            let thread = Thread { [self] in
                serve(client)
                threads.withLock { state in
                    state.open.remove(client)
                    close(client)
                }
                threadEnded()
            }
            thread.name = "hostile-conn"
            thread.start()
        }
    }

    // MARK: - One connection

    private func serve(_ fd: Int32) {
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if let greeting {
            for action in greeting {
                guard run(action, on: fd, path: "") else { return }
            }
            return
        }
        guard let request = readHead(fd) else { return }
        let index = counters.withLock { c -> Int in
            c.hitsByPath[request.path, default: 0] += 1
            c.hitsByHost[request.host ?? "", default: 0] += 1
            c.requests.append((request.path, request.host, request.headers, .now, nil))
            return c.requests.count - 1
        }
        defer { counters.withLock { $0.requests[index].end = .now } }
        for action in script(request) {
            guard run(action, on: fd, path: request.path) else { return }
        }
    }

    /// Runs one action; false when the connection is over (closed, reset, client gone, stopping).
    private func run(_ action: HostileAction, on fd: Int32, path: String) -> Bool {
        switch action {
        case .send(let bytes):
            return send(bytes, on: fd, path: path)
        case .trickle(let bytes, let step, let every):
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + max(1, step))
                guard send(Array(bytes[offset..<end]), on: fd, path: path) else { return false }
                offset = end
                if offset < bytes.count, !wait(every, on: fd) { return false }
            }
            return true
        case .sleep(let duration):
            return wait(duration, on: fd)
        case .hang:
            while wait(.seconds(1), on: fd) {}
            return false
        case .close:
            return false
        case .reset:
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            return false  // the caller's close(2) now sends RST
        case .endless(let chunk, let chunked):
            var frame: [UInt8] = chunk
            if chunked {
                frame = Array((String(chunk.count, radix: 16) + "\r\n").utf8) + chunk + Array("\r\n".utf8)
            }
            while send(frame, on: fd, path: path) {}
            return false
        }
    }

    /// Writes all bytes (SO_SNDTIMEO lets it look at the stop flag every second). False when the
    /// client went away or the server is stopping.
    private func send(_ bytes: [UInt8], on fd: Int32, path: String) -> Bool {
        var offset = 0
        while offset < bytes.count {
            if isStopped { return false }
            let written = bytes.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK { continue }
                return false
            }
            offset += written
            counters.withLock { $0.bytesByPath[path, default: 0] += written }
        }
        return true
    }

    /// Sleeps up to `duration`; false when the client closed its side or the server is stopping.
    private func wait(_ duration: Duration, on fd: Int32) -> Bool {
        let deadline = ContinuousClock.now + duration
        while true {
            let left = deadline - ContinuousClock.now
            if left <= .zero { return true }
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stopPipe.read, events: Int16(POLLIN), revents: 0)]
            let ms = Int32(min(1000, max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)))
            let ready = poll(&fds, 2, ms)
            if fds[1].revents != 0 || isStopped { return false }
            if ready > 0, fds[0].revents != 0 {
                // Readable: either more request bytes (ignored) or the client's FIN / an error.
                var scratch = [UInt8](repeating: 0, count: 4096)
                let n = recv(fd, &scratch, scratch.count, Int32(MSG_DONTWAIT))
                if n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) { return false }
            }
        }
    }

    /// Reads a request head (at most 64 KiB, waiting at most 2 s); nil when none arrives.
    private func readHead(_ fd: Int32) -> HostileRequest? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + .seconds(2)
        while buffer.count < 65_536, ContinuousClock.now < deadline {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stopPipe.read, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, 2, 100)
            if fds[1].revents != 0 || isStopped { return nil }
            guard fds[0].revents != 0 else { continue }
            let n = recv(fd, &chunk, chunk.count, Int32(MSG_DONTWAIT))
            if n == 0 { return nil }
            if n < 0 { if errno == EAGAIN || errno == EINTR { continue } else { return nil } }
            buffer.append(contentsOf: chunk[0..<n])
            if let end = Self.headEnd(buffer) { return Self.parseHead(Array(buffer[0..<end])) }
        }
        return nil
    }

    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 0x0D && bytes[i + 1] == 0x0A && bytes[i + 2] == 0x0D && bytes[i + 3] == 0x0A {
            return i
        }
        return nil
    }

    private static func parseHead(_ head: [UInt8]) -> HostileRequest? {
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines.first?.split(separator: " ") ?? []
        guard parts.count >= 2 else { return nil }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let target = String(parts[1])
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
        let host = headers.first { $0.name.lowercased() == "host" }?.value
        return HostileRequest(method: String(parts[0]), target: target, path: path, host: host, headers: headers)
    }
}

extension HostileServer {
    /// A response head with `Connection: close` (each answer is one request per connection).
    static func head(_ status: Int, _ reason: String = "OK", _ headers: [(String, String)] = []) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(reason)\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "Connection: close\r\n\r\n"
        return Array(text.utf8)
    }

    /// A complete, well-formed response.
    static func response(_ status: Int, _ reason: String = "OK", _ headers: [(String, String)] = [], body: [UInt8] = []) -> [HostileAction] {
        [.send(head(status, reason, headers + [("Content-Length", "\(body.count)")]) + body), .close]
    }

    static func html(_ text: String, status: Int = 200) -> [HostileAction] {
        response(status, status == 200 ? "OK" : "Status", [("Content-Type", "text/html; charset=utf-8")], body: Array(text.utf8))
    }

    static let notFound: [HostileAction] = response(404, "Not Found", [("Content-Type", "text/plain")], body: Array("not found".utf8))
}
