import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A forward proxy that only tunnels: it answers `CONNECT host:port` with 200 and then relays bytes
/// both ways between the client and 127.0.0.1:port, whatever the host name, so a name that resolves
/// nowhere (`tls.invalid`) can only be reached through it. It records each CONNECT target.
///
/// Raw POSIX sockets on dedicated threads (one accept thread, one per tunnel), never on Swift's
/// cooperative pool; every wait also polls a stop pipe, so `stop()` ends them all promptly.
final class ConnectProxy: Sendable {
    let port: Int
    private let listener: Int32
    private let stopPipe: (read: Int32, write: Int32)
    private let recorded = Mutex<[String]>([])

    /// The `host:port` of each CONNECT, in arrival order.
    var targets: [String] { recorded.withLock { $0 } }
    var url: String { "http://127.0.0.1:\(port)" }

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var pipeEnds: [Int32] = [0, 0]
        guard fd >= 0, let boundPort = Loopback.bind(fd), listen(fd, 16) == 0, pipe(&pipeEnds) == 0 else {
            if fd >= 0 { close(fd) }
            throw POSIXError(.EADDRNOTAVAIL)
        }
        listener = fd
        port = boundPort
        stopPipe = (pipeEnds[0], pipeEnds[1])
        Thread { [self] in acceptLoop() }.start()
    }

    /// Runs once every thread has returned (each holds the proxy), so no one polls the pipe any more.
    deinit {
        close(stopPipe.read)
        close(stopPipe.write)
    }

    /// Wakes every thread (they see the stop pipe readable and return); closes the listener.
    func stop() {
        _ = write(stopPipe.write, "x", 1)
        shutdown(listener, Int32(SHUT_RDWR))
    }

    /// Waits until `fd` is readable (true) or the proxy stops (false).
    private func readable(_ fd: Int32, or other: Int32 = -1) -> (Bool, Bool) {
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: stopPipe.read, events: Int16(POLLIN), revents: 0)]
        if other >= 0 { fds.append(pollfd(fd: other, events: Int16(POLLIN), revents: 0)) }
        while poll(&fds, nfds_t(fds.count), 10_000) <= 0 {}
        if fds[1].revents != 0 { return (false, false) }
        return (fds[0].revents != 0, fds.count > 2 && fds[2].revents != 0)
    }

    private func acceptLoop() {
        while true {
            guard readable(listener).0 else { break }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { break }
            Thread { [self] in tunnel(client) }.start()
        }
        close(listener)
    }

    private func tunnel(_ client: Int32) {
        defer { close(client) }
        // The request head: "CONNECT host:port HTTP/1.1\r\n...\r\n\r\n" (at most 8 KiB).
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while head.count < 8_192, !head.ends(with: Array("\r\n\r\n".utf8)) {
            guard readable(client).0 else { return }
            let n = read(client, &buffer, 1)
            guard n > 0 else { return }
            head.append(buffer[0])
        }
        let words = String(decoding: head, as: UTF8.self).split(separator: " ")
        guard words.count >= 2, words[0] == "CONNECT", let colon = words[1].lastIndex(of: ":"),
              let port = UInt16(words[1][words[1].index(after: colon)...]) else {
            let refusal = "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n"
            _ = write(client, refusal, refusal.utf8.count)
            return
        }
        recorded.withLock { $0.append(String(words[1])) }
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(upstream) }
        guard Loopback.connect(upstream, port: Int(port)) else { return }
        let established = "HTTP/1.1 200 Connection established\r\n\r\n"
        guard write(client, established, established.utf8.count) == established.utf8.count else { return }
        // Relay until either side closes (a 10,000-round bound keeps a stuck test finite).
        for _ in 0..<10_000 {
            let (fromClient, fromServer) = readable(client, or: upstream)
            guard fromClient || fromServer else { return }
            let (source, sink) = fromClient ? (client, upstream) : (upstream, client)
            let n = read(source, &buffer, buffer.count)
            guard n > 0, write(sink, buffer, n) == n else { return }
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
