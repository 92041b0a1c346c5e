import CurlTransport
import DemoSite
import Foundation
import Testing

extension CurlClientTests {
    /// Tasks that prefer the client's executor run on the curl thread.
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
    }
}

/// The calling thread's name.
func currentThreadName() -> String {
    ((try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "").trimmingCharacters(in: .newlines)
}
