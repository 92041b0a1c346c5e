import Foundation

/// Runs `body` on a thread of its own and returns its result. For blocking reads (standard input, a
/// pipe or FIFO, a large file) that must not hold one of the cooperative pool's few threads for as
/// long as they wait.
public func onOwnThread<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async -> Result<T, E> {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: Result(catching: body)) }.start()
    }
}
