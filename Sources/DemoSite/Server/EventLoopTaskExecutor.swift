import NIOCore

/// Runs tasks on a NIO event loop: the request handlers' tasks run there instead of on Swift's
/// cooperative pool.
///
/// Why: the pool has one thread per core, and whatever else shares the process can hold all of them.
/// In the test process, CPU-heavy synchronous tests (throughput prints, differential runs) occupied
/// both threads of a 2-core machine for about 15 s at the start of a parallel `swift test`, and test
/// servers answered nothing meanwhile: their clients' 15 s receive timeouts failed (measured: quick
/// tests that waited for a pool thread all reported about 14 s). The event loop is the server's own
/// thread, which such work never takes.
final class EventLoopTaskExecutor: TaskExecutor {
    private let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { [self] in
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
