import CrawlRuntime
import CrawlerCore
import DemoSite
import Foundation
import Synchronization
import Testing

/// `--io-priority`: the parse threads run that many nice steps below the process, as batch threads
/// (SCHED_BATCH); the curl thread keeps the process's priority and policy (the crawl never raises a
/// thread).
@Suite("End to end: thread priorities")
struct ThreadPriorityTests {
    @Test(.timeLimit(.minutes(1)))
    func theParseThreadsLowerTheirPriorityAndTheCurlThreadKeepsTheProcesss() async throws {
        let base = try #require(Self.nice(ofTask: "\(getpid())"))
        // 7 steps: no other test's crawl uses it (the default is 5), so the threads found are this crawl's.
        let steps = 7
        let server = try await startServer { request in
            if request.path == "/" { return .html((0..<40).map { "<a href=/p/\($0)>p</a>" }.joined()) }
            return .html("<title>\(request.path)</title>")
        }
        let seen = Mutex<(lowered: Int, batch: Int, curlNotAtBase: Set<Int>, curlPolicies: Set<Int>)>((0, 0, [], []))
        let watching = Task.detached {
            // Samples the process's threads while the crawl runs.
            for _ in 0..<2_000 where !Task.isCancelled {
                let nices = Self.threadNices()
                seen.withLock { seen in
                    let lowered = nices.filter { $0.nice == min(19, base + steps) }
                    seen.lowered = max(seen.lowered, lowered.count)
                    seen.batch = max(seen.batch, lowered.filter { $0.policy == Self.schedBatch }.count)
                    seen.curlPolicies.formUnion(nices.filter { $0.name == "crawl-curl" }.compactMap(\.policy))
                    // No curl thread moves: the crawl never raises a thread above the process.
                    seen.curlNotAtBase.formUnion(nices.filter { $0.name == "crawl-curl" && $0.nice != base }.map(\.nice))
                }
                try? await Task.sleep(for: .milliseconds(1))
            }
        }
        let (sink, _) = try await runCrawl(seeds: [server.baseURL + "/"], parseWorkers: 2, configure: {
            $0.politeness = PolitenessSettings(hostRate: 50, hostBurst: 1, obeyRobots: false)  // a crawl that lasts ~1 s
        }, fetch: { $0.ioPriority = steps })
        watching.cancel()
        _ = await watching.value
        await server.shutdown()
        #expect(sink.all.count == 41)
        let (lowered, batch, curlNotAtBase, curlPolicies) = seen.withLock { $0 }
        #expect(lowered >= 2, "\(lowered) threads at nice \(base + steps)")  // both parse threads
        #expect(batch >= 2, "\(batch) of them under SCHED_BATCH")
        #expect(curlNotAtBase.isEmpty, "curl threads at nice \(curlNotAtBase), the process at \(base)")
        #expect(curlPolicies == [0], "curl thread policies \(curlPolicies): SCHED_OTHER only")
    }

    @Test func aThreadMayAlwaysLowerItsOwnPriority() throws {
        let base = try #require(Self.nice(ofTask: "\(getpid())"))
        let result = Mutex<(Bool, Int?)?>(nil)
        let thread = Thread {
            let lowered = ThreadPriority.renice(by: 2)
            let nice = Self.nice(ofTask: "thread-self")
            result.withLock { $0 = (lowered, nice) }
        }
        thread.start()
        let deadline = Date().addingTimeInterval(10)
        while result.withLock({ $0 }) == nil, Date() < deadline { usleep(1000) }
        let (lowered, nice) = try #require(result.withLock { $0 })
        #expect(lowered)
        #expect(nice == min(19, base + 2))
        // Batch policy: also always allowed, and the nice value stays.
        let batched = Mutex<(Bool, Int?, Int?)?>(nil)
        let batchThread = Thread {
            ThreadPriority.renice(by: 3)
            let made = ThreadPriority.runAsBatch()
            let stat = try? String(contentsOfFile: "/proc/thread-self/stat", encoding: .utf8)
            batched.withLock { $0 = (made, stat.flatMap(Self.policyField), stat.flatMap(Self.niceField)) }
        }
        batchThread.start()
        while batched.withLock({ $0 }) == nil, Date() < deadline { usleep(1000) }
        let (made, policy, batchNice) = try #require(batched.withLock { $0 })
        #expect(made)
        #expect(policy == Self.schedBatch)
        #expect(batchNice == min(19, base + 3))
        // Only that thread: the main thread keeps its value.
        #expect(Self.nice(ofTask: "\(getpid())") == base)
    }

    /// The nice value of one of this process's threads: a thread id, or "thread-self".
    static func nice(ofTask task: String) -> Int? {
        let path = task == "thread-self" ? "/proc/thread-self/stat" : "/proc/\(getpid())/task/\(task)/stat"
        guard let stat = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return niceField(of: stat)
    }

    /// Linux's SCHED_BATCH, as /proc reports a thread's policy.
    static let schedBatch = 3

    /// Every thread's name, nice value and scheduling policy.
    static func threadNices() -> [(name: String, nice: Int, policy: Int?)] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(getpid())/task")) ?? []
        return tasks.compactMap { task in
            let path = "/proc/\(getpid())/task/\(task)/stat"
            guard let stat = try? String(contentsOfFile: path, encoding: .utf8), let nice = niceField(of: stat) else { return nil }
            let name = (try? String(contentsOfFile: "/proc/\(getpid())/task/\(task)/comm", encoding: .utf8)) ?? "?"
            return (name.trimmingCharacters(in: .newlines), nice, policyField(of: stat))
        }
    }

    /// Field 41 of /proc/.../stat (the scheduling policy).
    static func policyField(of stat: String) -> Int? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 38 ? Int(fields[38]) : nil
    }

    /// Field 19 of /proc/.../stat; the fields after the parenthesised command name start at 3.
    static func niceField(of stat: String) -> Int? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 16 ? Int(fields[16]) : nil
    }
}
