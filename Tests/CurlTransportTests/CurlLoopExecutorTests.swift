import CurlTransport
import DemoSite
import Foundation
import Testing

extension CurlClientTests {
    /// Tasks that prefer the client's executor run on the curl thread, and the thread's priority.
    @Suite struct LoopExecutor {
        @Test(.timeLimit(.minutes(1)))
        func tasksPreferringTheExecutorRunOnTheCurlThread() async throws {
            try await withServer({ request in .text(request.path) }) { server in
                try await withClient { client in
                    let results = await withTaskGroup(of: (String, Int, String).self) { group in
                        for i in 0..<40 {
                            group.addTask(executorPreference: client.executor) {
                                let response = await client.perform(TransferRequest(url: server.baseURL + "/\(i)"))
                                // The code after the await runs where the completion resumed it.
                                return (String(decoding: response.body, as: UTF8.self), response.status, currentThreadName())
                            }
                        }
                        return await group.reduce(into: [(String, Int, String)]()) { $0.append($1) }
                    }
                    #expect(results.count == 40)
                    #expect(Set(results.map(\.0)) == Set((0..<40).map { "/\($0)" }))
                    #expect(results.allSatisfy { $0.1 == 200 })
                    #expect(results.allSatisfy { $0.2 == "crawl-curl" }, "\(Set(results.map(\.2)))")
                    // A task without the preference resumes on the cooperative pool, not the curl thread.
                    let plain = await client.perform(TransferRequest(url: server.baseURL + "/plain"))
                    #expect(plain.status == 200)
                    #expect(currentThreadName() != "crawl-curl")
                }
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func aTaskStillRunsAfterTheLoopHasShutDown() async throws {
            let client = try CurlClient(configuration: CurlClientConfiguration(maxTransfers: 4))
            client.shutdown()
            // The loop thread is gone: the job goes to the global pool instead of never running.
            let response = await withTaskExecutorPreference(client.executor) {
                await client.perform(TransferRequest(url: "http://127.0.0.1:9/"))
            }
            #expect(response.error?.code == .cancelled)
        }

        @Test func theCurlThreadRaisesItsPriorityOnlyWhereAllowed() async throws {
            let base = try #require(Self.mainThreadNice())
            try await withClient(CurlClientConfiguration(maxTransfers: 4, loopThreadBoost: 3)) { client in
                let boosted = client.waitForLoopThreadBoost()
                // Read on the curl thread itself (other tests' clients run curl threads of their own).
                let curlNice = try #require(await withTaskExecutorPreference(client.executor) {
                    currentThreadName() == "crawl-curl" ? Self.niceOfCurrentThread() : nil
                })
                // Raised by exactly the boost, or (no privilege) left at the process's value.
                #expect(curlNice == (boosted ? max(-20, base - 3) : base), "base \(base), curl thread \(curlNice), boosted \(boosted)")
                print("curl thread boosted: \(boosted) (nice \(base) -> \(curlNice))")
            }
            try await withClient(CurlClientConfiguration(maxTransfers: 4)) { client in
                #expect(!client.waitForLoopThreadBoost())
            }
        }

        @Test func aThreadMayAlwaysLowerItsOwnPriority() throws {
            let base = try #require(Self.mainThreadNice())
            let result = LockedBox<(Bool, Int?)>()
            let thread = Thread {
                let lowered = ThreadPriority.renice(by: 2)
                result.set((lowered, Self.niceOfCurrentThread()))
            }
            thread.start()
            let deadline = Date().addingTimeInterval(10)
            while result.get() == nil, Date() < deadline { usleep(1000) }
            let (lowered, nice) = try #require(result.get())
            #expect(lowered)
            #expect(nice == min(19, base + 2))
            // Only that thread: the process's other threads keep theirs.
            #expect(Self.mainThreadNice() == base)
        }

        /// The nice value of the process's main thread.
        static func mainThreadNice() -> Int? {
            guard let stat = try? String(contentsOfFile: "/proc/\(getpid())/task/\(getpid())/stat", encoding: .utf8) else { return nil }
            return niceField(of: stat)
        }

        static func niceOfCurrentThread() -> Int? {
            guard let stat = try? String(contentsOfFile: "/proc/thread-self/stat", encoding: .utf8) else { return nil }
            return niceField(of: stat)
        }

        /// Field 19 of /proc/.../stat; the fields after the parenthesised command name start at 3.
        static func niceField(of stat: String) -> Int? {
            guard let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 16 ? Int(fields[16]) : nil
        }
    }
}

/// The calling thread's name.
func currentThreadName() -> String {
    ((try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "").trimmingCharacters(in: .newlines)
}

/// A value handed from one thread to another.
final class LockedBox<Value: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value: Value?

    func set(_ newValue: Value) { lock.withLock { value = newValue } }
    func get() -> Value? { lock.withLock { value } }
}
