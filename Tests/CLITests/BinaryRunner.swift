import Foundation

/// Runs the built `crawl` binary (it sits next to the test bundle in the build folder).
struct BinaryRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var exitedAt = ContinuousClock.now
    }

    static var binaryURL: URL {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            bundleDirectory.appendingPathComponent("crawl"),
            bundleDirectory.deletingLastPathComponent().appendingPathComponent("crawl"),
            bundleDirectory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("crawl"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// Runs the binary (or `executable`, e.g. a shell that sets a limit and then runs the binary)
    /// with `arguments` in `directory`, killing it after `timeout`. `input`, when given, is written to
    /// its standard input through a pipe (otherwise that is /dev/null).
    static func run(
        _ arguments: [String], in directory: URL? = nil, timeout: Duration = .seconds(60), executable: URL? = nil,
        input: Data? = nil
    ) async throws -> Result {
        try await launch(arguments, in: directory, executable: executable, input: input).wait(timeout: timeout)
    }

    /// A running `crawl` process (our own child).
    final class Running: Sendable {
        let process: Process
        private let stdout: Task<Data, Never>
        private let stderr: Task<Data, Never>

        fileprivate init(process: Process, stdout: Task<Data, Never>, stderr: Task<Data, Never>) {
            self.process = process
            self.stdout = stdout
            self.stderr = stderr
        }

        /// Sends a signal to the child, by its pid.
        func signal(_ number: Int32) {
            kill(process.processIdentifier, number)
        }

        /// Waits for the child to exit, terminating it after `timeout`; `exitedAt` is when it was seen gone.
        func wait(timeout: Duration = .seconds(60)) async throws -> Result {
            let deadline = ContinuousClock.now + timeout
            while process.isRunning {
                if ContinuousClock.now > deadline {
                    process.terminate()  // our own child, by its pid
                    break
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            process.waitUntilExit()
            let exitedAt = ContinuousClock.now
            return Result(status: process.terminationStatus,
                          stdout: String(decoding: await stdout.value, as: UTF8.self),
                          stderr: String(decoding: await stderr.value, as: UTF8.self),
                          exitedAt: exitedAt)
        }
    }

    static func launch(_ arguments: [String], in directory: URL? = nil, executable: URL? = nil, input: Data? = nil) throws -> Running {
        let process = Process()
        process.executableURL = executable ?? binaryURL
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let inputPipe = input.map { _ in Pipe() }
        process.standardInput = inputPipe ?? FileHandle.nullDevice
        try process.run()
        if let input, let inputPipe {
            // Written on a thread of its own (a pipe holds 64 KiB; the child may not read at once),
            // then closed, so the child sees the end of its input. A child that exits without reading
            // makes the write fail (EPIPE; the test process ignores SIGPIPE), which ends the thread.
            signal(SIGPIPE, SIG_IGN)
            let writer = inputPipe.fileHandleForWriting
            Thread {
                try? writer.write(contentsOf: input)
                try? writer.close()
            }.start()
        }
        // Read both pipes concurrently so a chatty child cannot block on a full pipe. The blocking
        // reads run on their own threads: on the cooperative pool (2 threads here) they would starve
        // the in-process test servers the child is talking to.
        let stdout = Task { await readToEnd(out.fileHandleForReading) }
        let stderr = Task { await readToEnd(err.fileHandleForReading) }
        return Running(process: process, stdout: stdout, stderr: stderr)
    }

    static func readToEnd(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: handle.readDataToEndOfFile()) }.start()
        }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("crawl-cli-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
