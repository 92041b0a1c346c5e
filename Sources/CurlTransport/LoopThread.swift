import CSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts and joins the OS thread that runs a `CurlMultiLoop`.
///
/// A dedicated pthread, not the Swift cooperative pool: the loop blocks in its poller (epoll), which
/// would starve a pool of two threads on this machine.
enum LoopThread {
    typealias Handle = pthread_t

    /// Hands `loop` to a new thread (which becomes its only user) and returns the joinable handle.
    static func start(_ loop: consuming CurlMultiLoop) throws(TransferError) -> Handle {
        // +1 retain travels with the pointer to the new thread, which consumes it in `entry`.
        // If pthread_create fails, the thread never runs, so we consume the +1 ourselves below.
        let context = Unmanaged.passRetained(loop).toOpaque()
        #if canImport(Darwin)
        var handle: pthread_t?
        let rc = pthread_create(&handle, nil, { context in
            LoopThread.entry(context)
            return nil
        }, context)
        if rc == 0, let handle { return handle }
        #else
        var handle = pthread_t()
        let rc = pthread_create(&handle, nil, { context in
            if let context { LoopThread.entry(context) }
            return nil
        }, context)
        if rc == 0 { return handle }
        #endif
        Unmanaged<CurlMultiLoop>.fromOpaque(context).release()
        throw TransferError(code: .other, message: "could not start the curl thread (pthread_create: \(rc))")
    }

    /// The thread's name (in `top -H`, `perf`, `/proc/<pid>/task/*/comm`).
    static let name = "crawl-curl"

    private static func entry(_ context: UnsafeMutableRawPointer) {
        crawl_name_current_thread(name)
        // Balances the passRetained in `start`; the loop is released (and its deinit frees the
        // curl handles) on this thread when `run` returns.
        let loop = Unmanaged<CurlMultiLoop>.fromOpaque(context).takeRetainedValue()
        loop.run()
    }

    /// Waits for the thread to exit, or detaches it when called on the loop thread itself (a join
    /// there would deadlock).
    static func join(_ handle: Handle) {
        if pthread_equal(handle, pthread_self()) != 0 {
            _ = pthread_detach(handle)
        } else {
            _ = pthread_join(handle, nil)
        }
    }
}
