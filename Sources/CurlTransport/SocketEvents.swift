import CCurl
import CSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What libcurl's event interface asks of the loop: the sockets to watch (CURLMOPT_SOCKETFUNCTION)
/// and when to call it back for its timers (CURLMOPT_TIMERFUNCTION), over a `crawl_poller` (epoll).
///
/// Owned by `CurlMultiLoop` and used only on its thread. Other threads reach the poller only through
/// the inbox, which wakes it (`crawl_poller_wake`) while it exists: the inbox forgets the pointer,
/// under its lock, before the loop lets go of this object, which destroys the poller.
final class SocketEvents {
    let poller: OpaquePointer
    /// When curl wants `curl_multi_socket_action(CURL_SOCKET_TIMEOUT)`, on the monotonic clock in
    /// milliseconds; nil when it has no timer.
    private(set) var timerDeadline: Int64?

    init() throws(TransferError) {
        guard let poller = crawl_poller_create() else {
            throw TransferError(code: .other, message: "could not create the socket poller (errno \(errno))")
        }
        self.poller = poller
    }

    deinit {
        crawl_poller_destroy(poller)
    }

    /// Installs the callbacks on `multi`. `self` must outlive them: `detach` removes them.
    func attach(to multi: UnsafeMutableRawPointer) {
        // Unretained: the loop owns `self` and calls `detach` before it lets go of it.
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = ccurl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, context)
        _ = ccurl_multi_setopt_socket_function(multi, curlSocketCallback)
        _ = ccurl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, context)
        _ = ccurl_multi_setopt_timer_function(multi, curlTimerCallback)
    }

    func detach(from multi: UnsafeMutableRawPointer) {
        _ = ccurl_multi_setopt_socket_function(multi, nil)
        _ = ccurl_multi_setopt_timer_function(multi, nil)
    }

    /// CURLMOPT_SOCKETFUNCTION: `what` is CURL_POLL_IN / OUT / INOUT / REMOVE.
    fileprivate func watch(_ socket: curl_socket_t, what: Int32) {
        var events: Int32 = 0
        if what == CURL_POLL_IN || what == CURL_POLL_INOUT { events |= Int32(CRAWL_POLLER_IN) }
        if what == CURL_POLL_OUT || what == CURL_POLL_INOUT { events |= Int32(CRAWL_POLLER_OUT) }
        // A failure (out of memory in the kernel) leaves the socket unwatched: its transfer then ends
        // by its own timeout, which curl's timer still drives. Curl 7.88 has no way to be told.
        _ = crawl_poller_watch(poller, socket, events)
    }

    /// CURLMOPT_TIMERFUNCTION: -1 deletes the timer; 0 means "as soon as possible".
    fileprivate func setTimer(_ timeoutMs: Int) {
        timerDeadline = timeoutMs < 0 ? nil : Self.nowMs() + Int64(timeoutMs)
    }

    /// Whether curl's timer has expired; clears it (curl sets a new one from inside the call it asks for).
    func takeExpiredTimer() -> Bool {
        guard let deadline = timerDeadline, deadline <= Self.nowMs() else { return false }
        timerDeadline = nil
        return true
    }

    /// How long a wait may block: until curl's timer, at most `limit` milliseconds.
    func waitTimeout(limit: Int32) -> Int32 {
        guard let deadline = timerDeadline else { return limit }
        return Int32(clamping: min(Int64(limit), max(0, deadline - Self.nowMs())))
    }

    static func nowMs() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }
}

@available(*, unavailable)
extension SocketEvents: Sendable {}

// MARK: - C callbacks: capture nothing, context from the userdata pointer

/// `userp` is the unretained `SocketEvents` (alive: see `attach`). Curl 7.88 ignores the result.
private func curlSocketCallback(
    _ easy: UnsafeMutableRawPointer?, _ socket: curl_socket_t, _ what: Int32,
    _ userp: UnsafeMutableRawPointer?, _ socketp: UnsafeMutableRawPointer?
) -> Int32 {
    guard let userp else { return 0 }
    Unmanaged<SocketEvents>.fromOpaque(userp).takeUnretainedValue().watch(socket, what: what)
    return 0
}

/// `userp` is the unretained `SocketEvents` (alive: see `attach`).
private func curlTimerCallback(_ multi: UnsafeMutableRawPointer?, _ timeoutMs: Int, _ userp: UnsafeMutableRawPointer?) -> Int32 {
    guard let userp else { return 0 }
    Unmanaged<SocketEvents>.fromOpaque(userp).takeUnretainedValue().setTimer(timeoutMs)
    return 0
}
