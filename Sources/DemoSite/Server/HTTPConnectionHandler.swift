#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOHTTP1

/// Serves one connection: decodes requests (via NIO's `HTTPRequestDecoder` in front of it), runs the
/// async handler, and writes the response bytes itself. Writing bytes rather than `HTTPServerResponsePart`s
/// lets `.raw` bodies go out verbatim and lets a test's `Content-Length` lie pass untouched.
///
/// Everything here runs on the channel's event loop; the async handler runs in a `Task` that prefers
/// the same loop (`EventLoopTaskExecutor`) and hops back with `NIOLoopBound`. Requests pipelined by a
/// client are queued and answered in order.
final class HTTPConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    /// A body being streamed chunk by chunk.
    private struct StreamState {
        let framed: ByteBuffer
        var remaining: Int?
        let interval: TimeAmount?
        let isEmpty: Bool
        let chunked: Bool
        var waitingForWritable = false
    }

    /// The request currently being answered.
    private struct Current {
        let seq: Int
        let token: RequestStats.Token
        let keepAlive: Bool
        let isHead: Bool
        var stream: StreamState?
        var timer: Scheduled<Void>?
        /// Whether the response head has been handed to the socket (see `RequestStats.awaitingResponse`).
        var responseStarted = false
    }

    private let handler: ServerHandler
    private let stats: RequestStats
    private let port: Int

    private var head: HTTPRequestHead?
    private var bodyLength = 0
    private var queue: [(request: ServerRequest, keepAlive: Bool)] = []
    private var current: Current?
    private var sequence = 0
    private var active = true
    /// Where the handler's tasks run: this connection's event loop (made at the first request).
    private var handlerExecutor: EventLoopTaskExecutor?

    init(handler: @escaping ServerHandler, stats: RequestStats, port: Int) {
        self.handler = handler
        self.stats = stats
        self.port = port
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            bodyLength = 0
        case .body(let b):
            bodyLength += b.readableBytes
        case .end:
            guard let h = head else { return }
            head = nil
            let request = ServerRequest(
                method: h.method.rawValue, uri: h.uri, headers: h.headers.map { (name: $0.name, value: $0.value) },
                serverPort: port, bodyLength: bodyLength)
            queue.append((request, h.isKeepAlive))
            if current == nil { startNext(context: context) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        active = false
        if let cur = current {
            cur.timer?.cancel()
            stats.finish(cur.token, completed: false, responseStarted: cur.responseStarted)
            current = nil
        }
        queue.removeAll()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, current?.stream?.waitingForWritable == true {
            current?.stream?.waitingForWritable = false
            pump(context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A malformed request: answer 400 when nothing else is being written, then close. Socket
        // errors (resets) end up here too; closing is right for both.
        if error is HTTPParserError, current == nil, active {
            var buf = context.channel.allocator.buffer(capacity: 96)
            buf.writeString("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            context.writeAndFlush(wrapOutboundOut(buf)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }

    // MARK: Running the handler

    private func startNext(context: ChannelHandlerContext) {
        guard active, current == nil, !queue.isEmpty else { return }
        let (request, keepAlive) = queue.removeFirst()
        sequence += 1
        let seq = sequence
        let token = stats.begin(request)
        current = Current(seq: seq, token: token, keepAlive: keepAlive, isHead: request.method == "HEAD")
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        let handler = self.handler
        // On the loop's own thread, not the cooperative pool (see `EventLoopTaskExecutor`): a handler
        // only suspends or does a page's worth of work, as the rest of this handler does on the loop.
        let executor = handlerExecutor ?? EventLoopTaskExecutor(loop)
        handlerExecutor = executor
        Task(executorPreference: executor) {
            let response = await handler(request)
            loop.execute {
                let (me, ctx) = bound.value
                me.handlerReturned(response, seq: seq, context: ctx)
            }
        }
    }

    private func handlerReturned(_ response: ServerResponse, seq: Int, context: ChannelHandlerContext) {
        // The connection may have dropped while the handler ran.
        guard active, let cur = current, cur.seq == seq else { return }
        switch response.body {
        case .raw, .reset: break
        default: stats.setStatus(cur.token, response.status)
        }
        if let delay = response.headerDelay, delay > .zero {
            current?.timer = context.eventLoop.assumeIsolated().scheduleTask(in: delay.timeAmount) {
                guard self.active, self.current?.seq == seq else { return }
                self.current?.timer = nil
                self.send(response, context: context)
            }
        } else {
            send(response, context: context)
        }
    }

    // MARK: Writing

    private func send(_ response: ServerResponse, context: ChannelHandlerContext) {
        guard let cur = current else { return }
        let seq = cur.seq
        if !cur.responseStarted {
            current?.responseStarted = true
            stats.responseStarted(cur.token)
        }
        switch response.body {
        case .reset:
            // SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            let linger0 = linger(l_onoff: 1, l_linger: 0)
            let closeNow = { self.responseDone(seq: seq, success: false, forceClose: true, context: context) }
            if let provider = context.channel as? SocketOptionProvider {
                provider.setSoLinger(linger0).assumeIsolated().whenComplete { _ in closeNow() }
            } else {
                closeNow()
            }

        case .raw(let bytes):
            var buf = context.channel.allocator.buffer(capacity: bytes.count)
            buf.writeBytes(bytes)
            context.writeAndFlush(wrapOutboundOut(buf)).assumeIsolated().whenComplete { result in
                self.responseDone(seq: seq, success: (try? result.get()) != nil, forceClose: true, context: context)
            }

        case .bytes(let bytes):
            let hasBody = !cur.isHead && Self.statusAllowsBody(response.status)
            var buf = context.channel.allocator.buffer(capacity: 256 + (hasBody ? bytes.count : 0))
            let userLength = response.header("Content-Length") != nil
            writeHead(response, into: &buf, keepAlive: cur.keepAlive, framing: userLength ? nil : "Content-Length: \(bytes.count)")
            if hasBody { buf.writeBytes(bytes) }
            context.writeAndFlush(wrapOutboundOut(buf)).assumeIsolated().whenComplete { result in
                self.responseDone(seq: seq, success: (try? result.get()) != nil, forceClose: false, context: context)
            }

        case .stream(let chunk, let count, let interval):
            let userLength = response.header("Content-Length") != nil
            var buf = context.channel.allocator.buffer(capacity: 256)
            writeHead(response, into: &buf, keepAlive: cur.keepAlive, framing: userLength ? nil : "Transfer-Encoding: chunked")
            context.write(wrapOutboundOut(buf), promise: nil)
            if cur.isHead || !Self.statusAllowsBody(response.status) {
                context.writeAndFlush(wrapOutboundOut(ByteBuffer())).assumeIsolated().whenComplete { result in
                    self.responseDone(seq: seq, success: (try? result.get()) != nil, forceClose: false, context: context)
                }
                return
            }
            var framed = context.channel.allocator.buffer(capacity: chunk.count + 16)
            if userLength {
                framed.writeBytes(chunk)
            } else {
                framed.writeString(String(chunk.count, radix: 16))
                framed.writeStaticString("\r\n")
                framed.writeBytes(chunk)
                framed.writeStaticString("\r\n")
            }
            var remaining = count.map { max(0, $0) }
            // An empty chunk with no interval and a finite count would spin; it is simply no body.
            if chunk.isEmpty, interval == nil, remaining != nil { remaining = 0 }
            current?.stream = StreamState(
                framed: framed, remaining: remaining,
                interval: interval.flatMap { $0 > .zero ? $0.timeAmount : nil },
                isEmpty: chunk.isEmpty, chunked: !userLength)
            pump(context: context)
        }
    }

    /// Writes chunks while the channel is writable; resumes on writability or after the interval.
    /// The state is stored back before every flush because a flush can re-enter this handler
    /// (writability changes, write completions) synchronously.
    private func pump(context: ChannelHandlerContext) {
        guard active, let seq = current?.seq, var st = current?.stream else { return }
        while true {
            if st.remaining == 0 {
                var end = context.channel.allocator.buffer(capacity: 5)
                if st.chunked { end.writeStaticString("0\r\n\r\n") }
                current?.stream = nil
                context.writeAndFlush(wrapOutboundOut(end)).assumeIsolated().whenComplete { result in
                    self.responseDone(seq: seq, success: (try? result.get()) != nil, forceClose: false, context: context)
                }
                return
            }
            guard context.channel.isWritable else {
                st.waitingForWritable = true
                current?.stream = st
                context.flush()
                return
            }
            if !st.isEmpty { context.write(wrapOutboundOut(st.framed), promise: nil) }
            if let r = st.remaining { st.remaining = r - 1 }
            if st.remaining == 0 { continue }
            if let interval = st.interval {
                current?.stream = st
                current?.timer = context.eventLoop.assumeIsolated().scheduleTask(in: interval) {
                    guard self.current?.seq == seq else { return }
                    self.current?.timer = nil
                    self.pump(context: context)
                }
                context.flush()
                return
            }
            if st.isEmpty {
                // Endless empty body without interval: a body that never arrives; wait for the client to leave.
                current?.stream = st
                context.flush()
                return
            }
        }
    }

    private func responseDone(seq: Int, success: Bool, forceClose: Bool, context: ChannelHandlerContext) {
        guard let cur = current, cur.seq == seq else { return }
        current = nil
        stats.finish(cur.token, completed: success, responseStarted: cur.responseStarted)
        if !success || forceClose || !cur.keepAlive {
            active = false
            context.close(promise: nil)
            return
        }
        startNext(context: context)
    }

    private func writeHead(_ response: ServerResponse, into buf: inout ByteBuffer, keepAlive: Bool, framing: String?) {
        buf.writeStaticString("HTTP/1.1 ")
        buf.writeString(String(response.status))
        buf.writeStaticString(" ")
        buf.writeString(HTTPResponseStatus(statusCode: response.status).reasonPhrase)
        buf.writeStaticString("\r\n")
        for h in response.headers {
            // The server owns connection management and (unless the user set a length) framing.
            if asciiCaseInsensitiveEquals(h.name, "Connection") { continue }
            if framing != nil, asciiCaseInsensitiveEquals(h.name, "Transfer-Encoding") { continue }
            buf.writeString(h.name)
            buf.writeStaticString(": ")
            buf.writeString(h.value)
            buf.writeStaticString("\r\n")
        }
        if let framing {
            buf.writeString(framing)
            buf.writeStaticString("\r\n")
        }
        buf.writeStaticString(keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n")
    }

    private static func statusAllowsBody(_ status: Int) -> Bool {
        !(status < 200 || status == 204 || status == 304)
    }
}

extension Duration {
    /// The NIO equivalent, saturating instead of trapping on absurd values.
    var timeAmount: TimeAmount {
        let (s, atto) = components
        let (ns, overflow) = s.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .nanoseconds(s > 0 ? .max : 0) }
        return .nanoseconds(ns &+ atto / 1_000_000_000)
    }
}
