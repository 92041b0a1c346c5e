import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `crawl` binary as a child process and reports its peak resident set (its VmHWM).
/// Memory scenarios measure this way because the test process's own resident set
/// also holds whatever the other suites running in parallel allocate: an in-process measurement
/// passed alone and failed in a full run (175 MB "growth" from neighbours).
enum ChildCrawl {
    struct Result {
        var exitStatus: Int32
        var peakRSSBytes: Int
        var records: [[String: Any]]
    }

    /// The binary sits next to the test bundle in the build folder (as in CLITests' BinaryRunner).
    static var binaryPath: String {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            bundleDirectory.appendingPathComponent("crawl"),
            bundleDirectory.deletingLastPathComponent().appendingPathComponent("crawl"),
            bundleDirectory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("crawl"),
        ]
        return (candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]).path
    }

    struct SpawnError: Error, CustomStringConvertible {
        var code: Int32
        var description: String { "posix_spawn failed: \(String(cString: strerror(code)))" }
    }

    /// Crawls `seeds` with the scenario config's limits (2,000,000-byte bodies, 10 s total, 2 s
    /// connect), no robots.txt and no rate limit; kills the child (by its pid) after `timeout`.
    static func run(seeds: [String], timeout: Duration = .seconds(40)) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let seedsPath = directory.appendingPathComponent("seeds.txt").path
        let outputPath = directory.appendingPathComponent("out.jsonl").path
        try (seeds.joined(separator: "\n") + "\n").write(toFile: seedsPath, atomically: true, encoding: .utf8)
        let arguments = [
            binaryPath, "--seeds", seedsPath, "--output", outputPath, "--quiet", "--no-robots", "--host-rate", "0",
            "--retries", "0", "--max-body-bytes", String(ScenarioConfig.maxBodyBytes), "--timeout", "10",
            "--connect-timeout", "2",
        ]
        let pid = try spawn(arguments)
        let exited = Atomic<Bool>(false)
        // Our own child, by its pid, and only while it has not been reaped (so the pid is still ours).
        let killer = Task {
            try? await Task.sleep(for: timeout)
            if !exited.load(ordering: .acquiring) { kill(pid, SIGKILL) }
        }
        let (status, maxRSSKiB) = await withCheckedContinuation { (continuation: CheckedContinuation<(Int32, Int), Never>) in
            // Polls and sleeps: on a thread of its own, never on the cooperative pool. The peak is the
            // child's VmHWM (its own high-water mark, since exec), read every 2 ms until it exits:
            // `ru_maxrss` from wait4 is no use here, as it also counts the parent's resident set that
            // the child shared between posix_spawn's clone and its exec.
            Thread {
                var status: Int32 = 0
                var peak = 0
                while true {
                    peak = max(peak, highWaterMarkKiB(pid))
                    let reaped = waitpid(pid, &status, WNOHANG)
                    if reaped == pid || reaped < 0 { break }
                    usleep(2_000)
                }
                continuation.resume(returning: (status, peak))
            }.start()
        }
        exited.store(true, ordering: .releasing)
        killer.cancel()
        let data = (try? Data(contentsOf: URL(fileURLWithPath: outputPath))) ?? Data()
        let records = data.split(separator: 0x0A).compactMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
        // Exited normally: the status is in bits 8-15; killed by a signal: 128 + the signal.
        let exitStatus = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Result(exitStatus: exitStatus, peakRSSBytes: maxRSSKiB * 1024, records: records)
    }

    /// `VmHWM` of /proc/PID/status in KiB (0 once the process is gone or a zombie).
    private static func highWaterMarkKiB(_ pid: pid_t) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") ?? 0
        }
        return 0
    }

    private static func spawn(_ arguments: [String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        guard code == 0 else { throw SpawnError(code: code) }
        return pid
    }

    /// Peak resident set of the binary crawling one legitimate page just under the body cap (1.9 MB of
    /// HTML, no links): what a run may cost for a body it keeps. A hostile endless or bomb body is cut
    /// at the same cap, so it should cost no more than this plus a bound.
    static func baselinePeak() async throws -> Int {
        let page = "<title>large</title>" + String(repeating: "<p>filler text of a large page</p>\n", count: ScenarioConfig.maxBodyBytes / 38)
        let server = try await startServer { _ in .html(page) }
        let result = try await run(seeds: [server.baseURL + "/"])
        await server.shutdown()
        return result.peakRSSBytes
    }
}
