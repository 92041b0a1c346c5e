import CurlTransport
import DemoSite
import Synchronization
import Testing

extension CurlClientTests {
    @Suite struct Concurrency {
        @Test func connectionsAreReused() async throws {
            try await withServer({ _ in .text("ok") }) { server in
                try await withClient { client in
                    let start = ContinuousClock.now
                    for i in 0..<200 {
                        let response = await client.perform(TransferRequest(url: server.baseURL + "/\(i)"))
                        #expect(response.status == 200)
                    }
                    #expect(seconds(since: start) < 10)
                }
                #expect(server.stats.totalRequests == 200)
                #expect(server.acceptedConnections <= 2, "accepted \(server.acceptedConnections)")
            }
        }

        @Test func maxTransfersIsRespected() async throws {
            try await withServer({ _ in
                try? await Task.sleep(for: .milliseconds(50))
                return .text("slow")
            }) { server in
                try await withClient(CurlClientConfiguration(maxTransfers: 8)) { client in
                    let statuses = await withTaskGroup(of: Int.self) { group in
                        for i in 0..<50 {
                            group.addTask { await client.perform(TransferRequest(url: server.baseURL + "/\(i)")).status }
                        }
                        return await group.reduce(into: [Int]()) { $0.append($1) }
                    }
                    #expect(statuses.count == 50)
                    #expect(statuses.allSatisfy { $0 == 200 })
                    #expect(client.maxTransfersInFlight == 8)
                    #expect(client.transfersInFlight == 0)
                }
                #expect(server.stats.maxInFlight <= 8)
                #expect(server.stats.maxInFlight >= 2)
            }
        }

        @Test func cancellingATaskAbortsItsTransfer() async throws {
            try await withServer({ _ in ServerResponse(headerDelay: .seconds(10)) }) { server in
                try await withClient { client in
                    let task = Task { await client.perform(TransferRequest(url: server.baseURL + "/slow")) }
                    while client.transfersInFlight == 0 { try await Task.sleep(for: .milliseconds(5)) }
                    try await Task.sleep(for: .milliseconds(50))
                    let start = ContinuousClock.now
                    task.cancel()
                    let response = await task.value
                    let elapsed = seconds(since: start)
                    #expect(response.error?.code == .cancelled)
                    #expect(elapsed < 0.5, "cancellation took \(elapsed) s")
                    #expect(client.transfersInFlight == 0)
                    print("cancellation returned after \(Int(elapsed * 1000)) ms")
                }
            }
        }

        @Test func anInstalledCancelAbortsTheTransferFromOutside() async throws {
            try await withServer({ _ in ServerResponse(headerDelay: .seconds(10)) }) { server in
                try await withClient { client in
                    let abort = Mutex<(@Sendable () -> Void)?>(nil)
                    // The awaiting task is never cancelled: the abort comes through the installed closure.
                    let task = Task {
                        await client.perform(TransferRequest(url: server.baseURL + "/slow"), installCancel: { cancel in
                            abort.withLock { $0 = cancel }
                        })
                    }
                    while client.transfersInFlight == 0 { try await Task.sleep(for: .milliseconds(5)) }
                    try await Task.sleep(for: .milliseconds(50))
                    let start = ContinuousClock.now
                    let cancel = abort.withLock { $0 }
                    #expect(cancel != nil)
                    cancel?()
                    let response = await task.value
                    #expect(response.error?.code == .cancelled)
                    #expect(seconds(since: start) < 0.5, "cancellation took \(seconds(since: start)) s")
                    #expect(client.transfersInFlight == 0)
                    cancel?()  // a second call after the end is harmless
                }
            }
        }

        @Test func anInstalledCancelBeforeSubmissionNeverStartsATransfer() async throws {
            try await withServer({ _ in .text("ok") }) { server in
                try await withClient { client in
                    let response = await client.perform(TransferRequest(url: server.baseURL + "/"), installCancel: { cancel in
                        cancel()  // cancelled before the transfer reaches the loop
                    })
                    #expect(response.error?.code == .cancelled)
                    #expect(client.maxTransfersInFlight == 0)
                }
                #expect(server.stats.totalRequests == 0)
            }
        }

        @Test func alreadyCancelledTaskNeverStartsATransfer() async throws {
            try await withServer({ _ in .text("ok") }) { server in
                try await withClient { client in
                    let task = Task {
                        withUnsafeCurrentTask { $0?.cancel() }
                        return await client.perform(TransferRequest(url: server.baseURL + "/"))
                    }
                    let response = await task.value
                    #expect(response.error?.code == .cancelled)
                    #expect(client.maxTransfersInFlight == 0)
                }
                #expect(server.stats.totalRequests == 0)
            }
        }

        @Test func shutdownCancelsEverythingInFlightAndQueued() async throws {
            try await withServer({ _ in ServerResponse(headerDelay: .seconds(10)) }) { server in
                let client = try CurlClient(configuration: CurlClientConfiguration(maxTransfers: 2))
                let tasks = (0..<5).map { i in
                    Task { await client.perform(TransferRequest(url: server.baseURL + "/\(i)")) }
                }
                while client.transfersInFlight < 2 { try await Task.sleep(for: .milliseconds(5)) }
                try await Task.sleep(for: .milliseconds(50))  // let the other three reach the FIFO
                let start = ContinuousClock.now
                client.shutdown()
                for task in tasks {
                    let response = await task.value
                    #expect(response.error?.code == .cancelled)
                }
                #expect(seconds(since: start) < 1)
                client.shutdown()  // idempotent
                let late = await client.perform(TransferRequest(url: server.baseURL + "/late"))
                #expect(late.error?.code == .cancelled)
            }
        }

        @Test func cancellationRacesResolveEveryCaller() async throws {
            try await withServer({ request in
                try? await Task.sleep(for: .milliseconds(Int(request.path.utf8.count % 7) * 3))
                return .text("ok")
            }) { server in
                try await withClient(CurlClientConfiguration(maxTransfers: 8)) { client in
                    let tasks = (0..<300).map { i in
                        Task { await client.perform(TransferRequest(url: server.baseURL + "/" + String(repeating: "a", count: i % 11))) }
                    }
                    // Cancel every other task at staggered moments: before submission, while queued
                    // in the FIFO, while in flight, and after completion.
                    for (i, task) in tasks.enumerated() where i % 2 == 0 {
                        if i % 10 == 0 { await Task.yield() }
                        task.cancel()
                    }
                    var ok = 0
                    var cancelled = 0
                    for task in tasks {
                        let response = await task.value
                        if response.error == nil, response.status == 200 { ok += 1 }
                        if response.error?.code == .cancelled { cancelled += 1 }
                    }
                    #expect(ok + cancelled == 300)
                    #expect(ok >= 150)  // the odd ones were never cancelled
                    #expect(client.transfersInFlight == 0)
                    // The client is still healthy afterwards.
                    let after = await client.perform(TransferRequest(url: server.baseURL + "/after"))
                    #expect(after.status == 200)
                }
            }
        }

        @Test func throughputOfSmallGets() async throws {
            let body = Array(String(repeating: "x", count: 512).utf8)
            try await withServer({ _ in ServerResponse(body: .bytes(body)) }) { server in
                try await withClient(CurlClientConfiguration(maxTransfers: 32)) { client in
                    let count = 2000
                    let start = ContinuousClock.now
                    let ok = await withTaskGroup(of: Bool.self) { group in
                        for i in 0..<count {
                            group.addTask { await client.perform(TransferRequest(url: server.baseURL + "/\(i)")).status == 200 }
                        }
                        return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                    }
                    let elapsed = seconds(since: start)
                    #expect(ok == count)
                    print("CurlClient: \(count) GETs in \(Int(elapsed * 1000)) ms = \(Int(Double(count) / elapsed)) requests/s (maxTransfers 32, \(server.acceptedConnections) connections)")
                }
            }
        }
    }
}
