#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A tiny blocking HTTP/1.1 client over a POSIX socket, so the tests do not depend on URLSession.
/// Every socket has send/receive timeouts, and blocking calls run on their own thread (`offPool`)
/// so they never occupy the few cooperative-pool threads the server's handlers need.
/// `@unchecked Sendable`: a test uses one client from one thread at a time, handing it over only
/// across `await offPool { }`, which orders the accesses; nothing else protects its buffer.
final class RawHTTPClient: @unchecked Sendable {
    struct Response {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]
        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    struct ClientError: Error, CustomStringConvertible {
        var description: String
    }

    let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0

    /// Connects to 127.0.0.1:port; reads and writes time out after `timeout` seconds. (15 s: the
    /// timeout only bounds a hang; in a full parallel run on 2 cores a server's answer once took over 5 s.)
    init(port: Int, timeout: Int = 15) throws {
        #if canImport(Glibc)
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let s = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard s >= 0 else { throw ClientError(description: "socket() failed") }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            close(s)
            throw ClientError(description: "connect() failed: errno \(errno)")
        }
        fd = s
    }

    deinit { close(fd) }

    /// Sends `GET path` (keep-alive unless `close`) with extra header lines.
    func sendGet(_ path: String, host: String = "127.0.0.1", close: Bool = false, extra: [String] = []) throws {
        var req = "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nUser-Agent: demo-test\r\n"
        for e in extra { req += e + "\r\n" }
        if close { req += "Connection: close\r\n" }
        req += "\r\n"
        try sendAll(Array(req.utf8))
    }

    func sendAll(_ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw ClientError(description: "send failed: errno \(errno)") }
            off += n
        }
    }

    /// Reads more bytes into the buffer; false at end of stream.
    private func fill() throws -> Bool {
        if start > 65_536 {
            buffer.removeFirst(start)
            start = 0
        }
        var tmp = [UInt8](repeating: 0, count: 65_536)
        let n = tmp.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0 { throw ClientError(description: "recv failed: errno \(errno)") }
        if n == 0 { return false }
        buffer.append(contentsOf: tmp[0..<n])
        return true
    }

    private func readLine() throws -> String {
        while true {
            if let i = buffer[start...].firstIndex(of: 0x0A) {
                var line = buffer[start..<i]
                if line.last == 0x0D { line = line.dropLast() }
                start = i + 1
                return String(decoding: line, as: UTF8.self)
            }
            guard try fill() else { throw ClientError(description: "EOF in line") }
        }
    }

    private func readExactly(_ n: Int) throws -> [UInt8] {
        while buffer.count - start < n {
            guard try fill() else { throw ClientError(description: "EOF in body") }
        }
        let out = Array(buffer[start..<(start + n)])
        start += n
        return out
    }

    /// Reads whatever arrives until the peer closes (for `.raw` responses).
    func readToEOF() throws -> [UInt8] {
        while try fill() {}
        let out = Array(buffer[start...])
        start = buffer.count
        return out
    }

    /// Reads `n` raw bytes (for a response the test reads by hand).
    func readBytes(_ n: Int) throws -> [UInt8] { try readExactly(n) }

    /// Reads one response: status line, headers, body framed by Content-Length, chunks, or close.
    func readResponse(isHead: Bool = false) throws -> Response {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { throw ClientError(description: "bad status line \(statusLine)") }
        var headers: [(name: String, value: String)] = []
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var r = Response(status: status, headers: headers, body: [])
        if isHead || status == 204 || status == 304 { return r }
        if r.header("Transfer-Encoding")?.lowercased() == "chunked" {
            while true {
                let sizeLine = try readLine()
                guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else { throw ClientError(description: "bad chunk size") }
                if size == 0 {
                    _ = try readLine()
                    break
                }
                r.body += try readExactly(size)
                _ = try readLine()
            }
        } else if let cl = r.header("Content-Length"), let n = Int(cl) {
            r.body = try readExactly(n)
        } else {
            r.body = try readToEOF()
        }
        return r
    }

    /// GET on a fresh connection with `Connection: close`.
    static func get(port: Int, _ path: String, host: String = "127.0.0.1") throws -> Response {
        let c = try RawHTTPClient(port: port)
        try c.sendGet(path, host: host, close: true)
        return try c.readResponse()
    }
}

/// Runs blocking work on a dedicated thread, off Swift's cooperative pool.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, Error>) in
        let t = Thread { c.resume(with: Result { try body() }) }
        t.start()
    }
}

/// Runs `count` blocking bodies on `count` threads at once, started together without needing the
/// cooperative pool (which the server's handlers use), and returns their results in order.
func parallelOffPool<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) async throws -> [T] {
    let results = ThreadResults<T>(count)
    return try await withCheckedThrowingContinuation { (c: CheckedContinuation<[T], Error>) in
        for i in 0..<count {
            Thread {
                let r = Result { try body(i) }
                results.lock.lock()
                results.values[i] = r
                results.remaining -= 1
                let done = results.remaining == 0
                results.lock.unlock()
                if done { c.resume(with: Result { try results.values.map { try $0!.get() } }) }
            }.start()
        }
    }
}

/// Results of `parallelOffPool`'s threads. `@unchecked Sendable`: every access holds `lock`.
private final class ThreadResults<T>: @unchecked Sendable {
    let lock = NSLock()
    var values: [Result<T, Error>?]
    var remaining: Int
    init(_ n: Int) {
        values = Array(repeating: nil, count: n)
        remaining = n
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
