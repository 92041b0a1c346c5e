import DemoSite
import Foundation
import Testing

@Suite("LocalHTTPServer", .timeLimit(.minutes(1)))
struct LocalHTTPServerTests {
    @Test("start, GET returns the body, shutdown refuses new connections")
    func startGetShutdown() async throws {
        let server = try await LocalHTTPServer.start { req in
            .text("hello \(req.path) \(req.query ?? "-") \(req.header("user-agent") ?? "?")")
        }
        #expect(server.port > 0)
        #expect(server.baseURL == "http://127.0.0.1:\(server.port)")
        let port = server.port
        let r = try await offPool { try RawHTTPClient.get(port: port, "/x/y?a=1") }
        #expect(r.status == 200)
        #expect(r.text == "hello /x/y a=1 demo-test")
        #expect(r.header("Content-Type") == "text/plain")
        #expect(r.header("Content-Length") == "\(r.body.count)")
        let entry = try #require(server.stats.log.first)
        #expect(entry.uri == "/x/y?a=1")
        #expect(entry.path == "/x/y")
        #expect(entry.host == "127.0.0.1")
        #expect(entry.port == port)
        #expect(entry.status == 200)
        await server.shutdown()
        // Usually the connection is refused. But tests run in parallel, and another test's server may
        // be handed the freed port at once; then what must hold is that this server answers nothing.
        let answeredAfterShutdown = try await offPool { () -> Bool in
            guard let client = try? RawHTTPClient(port: port, timeout: 2) else { return false }
            try? client.sendGet("/after-shutdown")
            _ = try? client.readResponse()
            return true
        }
        if answeredAfterShutdown { print("port \(port) was reused by another server after shutdown") }
        #expect(!server.stats.log.contains { $0.uri == "/after-shutdown" })
    }

    @Test("keep-alive: two requests on one connection")
    func keepAlive() async throws {
        let server = try await LocalHTTPServer.start { req in .html("<p>\(req.path)</p>") }
        let port = server.port
        let (a, b) = try await offPool {
            let c = try RawHTTPClient(port: port)
            try c.sendGet("/one")
            let a = try c.readResponse()
            try c.sendGet("/two")
            let b = try c.readResponse()
            return (a.text, b.text)
        }
        #expect(a == "<p>/one</p>")
        #expect(b == "<p>/two</p>")
        #expect(server.acceptedConnections == 1)
        #expect(server.stats.totalRequests == 2)
        await server.shutdown()
    }

    @Test("Connection: close is honoured")
    func connectionClose() async throws {
        let server = try await LocalHTTPServer.start { _ in .text("bye") }
        let port = server.port
        let (r, rest) = try await offPool {
            let c = try RawHTTPClient(port: port)
            try c.sendGet("/", close: true)
            let r = try c.readResponse()
            return (r, try c.readToEOF())
        }
        #expect(r.header("Connection") == "close")
        #expect(rest.isEmpty)
        #expect(await eventually { server.openConnections == 0 })
        await server.shutdown()
    }

    @Test("maxInFlight counts concurrent requests, inFlight returns to zero")
    func maxInFlight() async throws {
        // Each handler waits until all five requests have been in flight together (bounded), so the
        // count is exact however slowly the client threads start. The gate reads the monotonic
        // high-water mark: `inFlight` drops again as soon as the first handler answers.
        let stats = RequestStats()
        let server = try await LocalHTTPServer.start(stats: stats) { _ in
            let deadline = ContinuousClock.now + .seconds(10)
            while stats.maxInFlight < 5, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(5))
            }
            return .text("ok")
        }
        let port = server.port
        let statuses = try await parallelOffPool(5) { i in try RawHTTPClient.get(port: port, "/c\(i)").status }
        #expect(statuses == [200, 200, 200, 200, 200])
        #expect(server.stats.maxInFlight == 5)
        #expect(await eventually { server.stats.inFlight == 0 })
        #expect(server.stats.log.allSatisfy { $0.completed && $0.end != nil })
        await server.shutdown()
    }

    @Test("headerDelay delays the head without blocking other requests")
    func headerDelay() async throws {
        let server = try await LocalHTTPServer.start { req in
            var r = ServerResponse.text("done")
            if req.path == "/slow" { r.headerDelay = .milliseconds(400) }
            return r
        }
        let port = server.port
        // Both clients on threads of their own, the second started 50 ms after the first: a test task
        // waiting for a busy cooperative pool would start it late (and the server no longer needs
        // that pool, so the slow answer would then come first).
        let ends = try await parallelOffPool(2) { index -> (start: ContinuousClock.Instant, end: ContinuousClock.Instant, text: String) in
            if index == 1 { usleep(50_000) }
            let start = ContinuousClock.now
            let r = try RawHTTPClient.get(port: port, index == 0 ? "/slow" : "/fast")
            return (start, ContinuousClock.now, r.text)
        }
        #expect(ends.allSatisfy { $0.text == "done" })
        let slow = ends[0].end, fastEnd = ends[1].end
        #expect(slow - ends[0].start >= .milliseconds(400))
        // The delayed response blocks nothing: a later request finishes first.
        #expect(fastEnd < slow)
        await server.shutdown()
    }

    @Test("stream with count is a chunked body of chunk x count bytes")
    func finiteStream() async throws {
        let chunk = [UInt8](repeating: UInt8(ascii: "z"), count: 1000)
        let server = try await LocalHTTPServer.start { _ in
            ServerResponse(status: 200, body: .stream(chunk: chunk, count: 300, interval: nil))
        }
        let port = server.port
        let (r, second) = try await offPool {
            let c = try RawHTTPClient(port: port)
            try c.sendGet("/big")
            let r = try c.readResponse()
            try c.sendGet("/again")  // keep-alive still works after a chunked body
            return (r, try c.readResponse())
        }
        #expect(r.header("Transfer-Encoding") == "chunked")
        #expect(r.body.count == 300_000)
        #expect(r.body.allSatisfy { $0 == UInt8(ascii: "z") })
        #expect(second.body.count == 300_000)
        await server.shutdown()
    }

    @Test("stream with a Content-Length header is sent unchunked; intervals pace it")
    func identityStreamWithInterval() async throws {
        let server = try await LocalHTTPServer.start { _ in
            ServerResponse(
                status: 200, headers: [(name: "Content-Length", value: "50")],
                body: .stream(chunk: Array("0123456789".utf8), count: 5, interval: .milliseconds(60)))
        }
        let port = server.port
        let t0 = ContinuousClock.now
        let r = try await offPool { try RawHTTPClient.get(port: port, "/") }
        #expect(ContinuousClock.now - t0 >= .milliseconds(240))
        #expect(r.header("Transfer-Encoding") == nil)
        #expect(r.text == String(repeating: "0123456789", count: 5))
        await server.shutdown()
    }

    @Test("an endless stream stops when the client disconnects")
    func endlessStreamStops() async throws {
        let server = try await LocalHTTPServer.start { _ in
            ServerResponse(status: 200, body: .stream(chunk: [UInt8](repeating: 65, count: 16_384), count: nil, interval: nil))
        }
        let port = server.port
        let got = try await offPool {
            let c = try RawHTTPClient(port: port)
            try c.sendGet("/endless")
            return try c.readBytes(2_000_000).count  // then the client goes away (deinit closes)
        }
        #expect(got == 2_000_000)
        // Generous: under a full parallel test run on two cores the server's event loop may wait
        // seconds for a turn (seen: over 5 s); a server that never notices the close still fails.
        #expect(await eventually(timeout: .seconds(30)) { server.stats.inFlight == 0 })
        #expect(await eventually(timeout: .seconds(30)) { server.openConnections == 0 })
        let entry = try #require(server.stats.log.first)
        #expect(entry.completed == false)
        #expect(entry.end != nil)
        await server.shutdown()
    }

    @Test("a slow-reading client gets the whole large stream (backpressure path)")
    func slowReader() async throws {
        let server = try await LocalHTTPServer.start { _ in
            ServerResponse(status: 200, body: .stream(chunk: [UInt8](repeating: 66, count: 65_536), count: 64, interval: nil))
        }
        let port = server.port
        let n = try await offPool {
            let c = try RawHTTPClient(port: port)
            try c.sendGet("/")
            Thread.sleep(forTimeInterval: 0.3)  // let the server hit the high-water mark and wait
            return try c.readResponse().body.count
        }
        #expect(n == 64 * 65_536)
        await server.shutdown()
    }

    @Test("raw bytes are written verbatim and the connection closed")
    func rawResponse() async throws {
        let garbage = Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort".utf8)
        let server = try await LocalHTTPServer.start { _ in ServerResponse(body: .raw(garbage)) }
        let port = server.port
        let got = try await offPool {
            let c = try RawHTTPClient(port: port)
            try c.sendGet("/")
            return try c.readToEOF()
        }
        #expect(got == garbage)
        await server.shutdown()
    }

    @Test("hits() counts per path, per URI and per port across servers sharing stats")
    func hitsCounting() async throws {
        let stats = RequestStats()
        let handler: ServerHandler = { _ in .text("x") }
        let s1 = try await LocalHTTPServer.start(stats: stats, handler: handler)
        let s2 = try await LocalHTTPServer.start(stats: stats, handler: handler)
        let (p1, p2) = (s1.port, s2.port)
        try await offPool {
            _ = try RawHTTPClient.get(port: p1, "/a")
            _ = try RawHTTPClient.get(port: p1, "/a?x=1")
            _ = try RawHTTPClient.get(port: p2, "/a")
            _ = try RawHTTPClient.get(port: p2, "/b")
        }
        #expect(stats.totalRequests == 4)
        #expect(stats.hits("/a") == 3)
        #expect(stats.hits("/a?x=1") == 1)
        #expect(stats.hits("/a", port: p1) == 2)
        #expect(stats.hits("/a", port: p2) == 1)
        #expect(stats.hits("/b", port: p1) == 0)
        #expect(stats.hits("/nope") == 0)
        #expect(Set(stats.log.map(\.port)) == [p1, p2])
        stats.reset()
        #expect(stats.totalRequests == 0)
        #expect(stats.hits("/a") == 0)
        #expect(stats.log.isEmpty)
        await s1.shutdown()
        await s2.shutdown()
    }

    @Test("shutdown closes idle kept-alive connections and cuts a stalled response")
    func shutdownClosesConnections() async throws {
        let server = try await LocalHTTPServer.start { req in
            req.path == "/stall" ? ServerResponse(body: .stream(chunk: [], count: nil, interval: nil)) : .text("ok")
        }
        let port = server.port
        let idle = try RawHTTPClient(port: port)
        let stalled = try RawHTTPClient(port: port)
        try await offPool {
            try idle.sendGet("/")
            _ = try idle.readResponse()
            try stalled.sendGet("/stall")
        }
        #expect(await eventually { server.stats.inFlight == 1 })
        await server.shutdown()
        #expect(server.openConnections == 0)
        #expect(server.stats.inFlight == 0)
        let rest = try await offPool { try idle.readToEOF() }
        #expect(rest.isEmpty)
    }

    @Test("a malformed request gets 400 and the server keeps serving")
    func malformed() async throws {
        let server = try await LocalHTTPServer.start { _ in .text("fine") }
        let port = server.port
        let (bad, good) = try await offPool {
            let c = try RawHTTPClient(port: port)
            try c.sendAll(Array("NOT HTTP AT ALL\r\n\r\n".utf8))
            let bad = try c.readToEOF()
            return (String(decoding: bad, as: UTF8.self), try RawHTTPClient.get(port: port, "/").text)
        }
        #expect(bad.hasPrefix("HTTP/1.1 400"))
        #expect(good == "fine")
        await server.shutdown()
    }
}

@Suite("LocalHTTPServer resets", .timeLimit(.minutes(1)))
struct LocalHTTPServerResetTests {
    @Test("a .reset body aborts the connection with RST")
    func reset() async throws {
        let server = try await LocalHTTPServer.start { _ in ServerResponse(body: .reset) }
        let port = server.port
        let outcome = try await offPool { () -> String in
            let c = try RawHTTPClient(port: port)
            try c.sendGet("/")
            do {
                let rest = try c.readToEOF()
                return "eof \(rest.count)"
            } catch {
                return "\(error)"
            }
        }
        #expect(outcome.contains("errno \(ECONNRESET)"), "\(outcome)")
        #expect(await eventually { server.stats.inFlight == 0 })
        #expect(server.stats.log.first?.completed == false)
        await server.shutdown()
    }
}
