import DemoSite
import Foundation
import Testing

/// Issue 6's acceptance checks, through the binary: crash-safe resume after `kill -9`, the overlap
/// lock, and conditional re-crawls against a site that serves ETags.
@Suite("Durable state: resume, lock, re-crawl", .serialized)
struct StateCLITests {
    static let fast = ["--host-rate", "0", "--host-concurrency", "8", "--concurrency", "8", "--retries", "0", "--quiet"]

    static func site(hosts: Int, pages: Int) async throws -> DemoSite {
        var config = DemoSiteConfig()
        config.hosts = hosts
        config.pagesPerHost = pages
        config.largePageEvery = 0
        config.slowPageEvery = 0
        return try await DemoSite.start(config)
    }

    /// `site(hosts:pages:)` and a fresh directory holding its `seeds.txt` (the caller removes it).
    static func siteWithSeeds(hosts: Int, pages: Int) async throws -> (DemoSite, URL) {
        let site = try await self.site(hosts: hosts, pages: pages)
        let directory = try BinaryRunner.temporaryDirectory()
        try StopAndBudgetCLITests.writeSeeds(site.seeds, in: directory)
        return (site, directory)
    }

    /// Every record of a JSONL file; fails the test on a partial or invalid line.
    static func records(at url: URL) throws -> [[String: Any]] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        return try StopAndBudgetCLITests.records(at: url)
    }

    /// Complete lines in a file (0 while it does not exist).
    static func lineCount(of url: URL) -> Int {
        ((try? Data(contentsOf: url)) ?? Data()).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    /// Hostile scenario D1.
    @Test("D1 kill -9 during a run, then rerun", .timeLimit(.minutes(3)))
    func killedThreeTimesThenResumedEveryPageIsRecordedAndAtMostTheInFlightOnesTwice() async throws {
        let (site, directory) = try await Self.siteWithSeeds(hosts: 4, pages: 1250)
        defer { try? FileManager.default.removeItem(at: directory) }
        let concurrency = 8
        var outputs: [URL] = []
        var killedWhileRunning = 0
        for attempt in 0..<3 {
            let output = directory.appendingPathComponent("run\(attempt).jsonl")
            outputs.append(output)
            let running = try BinaryRunner.launch(
                ["--seeds", "seeds.txt", "--state", "state", "--output", output.path] + Self.fast, in: directory)
            // A random moment once records are flowing: after 50 to 800 of them (bounded in time).
            // Counted, not timed: with runs of up to 1.5 s, the third run could finish the site on a
            // fast machine. This way each run stops well short of the ~7,600 records.
            let killAt = Int.random(in: 50...800)
            let deadline = ContinuousClock.now + .seconds(30)
            while Self.lineCount(of: output) < killAt, running.process.isRunning, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            if running.process.isRunning { killedWhileRunning += 1 }
            running.signal(SIGKILL)
            _ = try await running.wait(timeout: .seconds(20))
        }
        let final = directory.appendingPathComponent("final.jsonl")
        outputs.append(final)
        let last = try await BinaryRunner.run(
            ["--seeds", "seeds.txt", "--state", "state", "--output", final.path] + Self.fast, in: directory,
            timeout: .seconds(120))
        let requests = site.stats.totalRequests
        await site.shutdown()
        #expect(last.status == 0, "\(last.stderr)")
        #expect(killedWhileRunning == 3, "a run finished before it could be killed: the test proves less")

        // The killed runs' files were repaired by the next run: every file is valid JSON Lines.
        var seenIn: [String: Int] = [:]
        var reached: Set<String> = []  // URLs and the redirect targets they reached
        var runIDs: Set<String> = []
        for output in outputs {
            let records = try Self.records(at: output)
            let ids = Set(records.compactMap { $0["run_id"] as? String })
            #expect(ids.count <= 1, "one run id per output file")
            runIDs.formUnion(ids)
            for record in records {
                let key = try #require(record["dedup_key"] as? String)
                seenIn[key, default: 0] += 1
                reached.insert(key)
                if (record["redirects"] as? Int ?? 0) > 0, let final = record["final_url"] as? String { reached.insert(final) }
            }
        }
        #expect(runIDs.count == outputs.filter { (try? Self.records(at: $0).isEmpty) == false }.count)
        let expected = site.manifest.expectedURLs(respectingRobots: true)
        let missing = expected.subtracting(reached)
        #expect(missing.isEmpty, "\(missing.count) reachable URLs have no record in any run, e.g. \(missing.prefix(3))")
        let twice = seenIn.filter { $0.value > 1 }
        #expect(twice.count <= 3 * concurrency, "\(twice.count) URLs recorded more than once (at most \(3 * concurrency) were in flight at the kills)")
        #expect(requests > 0)
    }

    /// Hostile scenario D3: the disk fills up (here a file-size limit, `ulimit -f`) in the middle of
    /// a run. The run stops with exit 1; the output holds only whole records (the torn tail of the
    /// failed write is cut off); and the state did not move past what the file holds, so the next run
    /// records every URL the first one did not.
    @Test("D3 disk full / write error mid-run", .timeLimit(.minutes(2)))
    func d3DiskFullMidRun() async throws {
        let (site, directory) = try await Self.siteWithSeeds(hosts: 1, pages: 4000)
        defer { try? FileManager.default.removeItem(at: directory) }
        let limited = directory.appendingPathComponent("limited.jsonl")
        // 1,200 blocks of 512 bytes: 600 KiB, a fraction of the ~3 MB the crawl writes (in batches of
        // up to 256 KiB). The shell sets the limit for the crawl it then becomes (exec), and for
        // nothing else.
        let limit = 1200 * 512
        let binary = BinaryRunner.binaryURL.path
        let first = try await BinaryRunner.run(
            ["-c", "ulimit -f 1200 && exec \"$0\" \"$@\"", binary, "--seeds", "seeds.txt", "--state", "state",
             "--output", limited.path] + Self.fast,
            in: directory, executable: URL(fileURLWithPath: "/bin/sh"))
        #expect(first.status == 1, "\(first.stderr)")
        // Whichever file reaches the limit first, the output or the state's database, stops the run.
        #expect(first.stderr.contains("File too large") || first.stderr.contains("the crawl state could not be saved"),
                "\(first.stderr)")
        let size = (try FileManager.default.attributesOfItem(atPath: limited.path)[.size] as? Int) ?? -1
        #expect(size > 0 && size <= limit)
        let firstRecords = try Self.records(at: limited)  // whole lines only: fails on a torn one
        #expect(firstRecords.count > 10)

        let rest = directory.appendingPathComponent("rest.jsonl")
        let second = try await BinaryRunner.run(
            ["--seeds", "seeds.txt", "--state", "state", "--output", rest.path] + Self.fast, in: directory)
        await site.shutdown()
        #expect(second.status == 0, "\(second.stderr)")
        var reached: Set<String> = []
        for record in try firstRecords + Self.records(at: rest) {
            if let key = record["dedup_key"] as? String { reached.insert(key) }
            if (record["redirects"] as? Int ?? 0) > 0, let final = record["final_url"] as? String { reached.insert(final) }
        }
        let missing = site.manifest.expectedURLs(respectingRobots: true).subtracting(reached)
        #expect(missing.isEmpty, "\(missing.count) URLs lost across the failed write, e.g. \(missing.prefix(3))")

        // Without --state the output alone hits the limit: its torn tail is cut back to the last whole
        // record, and the run says why.
        let site2 = try await Self.site(hosts: 1, pages: 4000)
        try StopAndBudgetCLITests.writeSeeds(site2.seeds, in: directory)
        let plain = directory.appendingPathComponent("plain.jsonl")
        let third = try await BinaryRunner.run(
            ["-c", "ulimit -f 1200 && exec \"$0\" \"$@\"", binary, "--seeds", "seeds.txt", "--output", plain.path] + Self.fast,
            in: directory, executable: URL(fileURLWithPath: "/bin/sh"))
        await site2.shutdown()
        #expect(third.status == 1, "\(third.stderr)")
        #expect(third.stderr.contains("File too large"), "\(third.stderr)")
        let plainSize = (try FileManager.default.attributesOfItem(atPath: plain.path)[.size] as? Int) ?? -1
        #expect(plainSize > 0 && plainSize <= limit)
        let plainRecords = try Self.records(at: plain)
        #expect(plainRecords.count > 10)
        // The summary and stderr say how many records the file holds, not only how many the crawl
        // made (the summary's `records` counted records the file did not hold).
        let summaryData = try Data(contentsOf: URL(fileURLWithPath: plain.path + ".summary.json"))
        let summary = try #require(try JSONSerialization.jsonObject(with: summaryData) as? [String: Any])
        let made = try #require(summary["records"] as? Int)
        #expect(summary["records_written"] as? Int == plainRecords.count)
        #expect(made > plainRecords.count)
        #expect(third.stderr.contains("the output holds \(plainRecords.count) of the crawl's \(made) records"), "\(third.stderr)")
    }

    /// Hostile scenario D2.
    @Test("D2 two cron runs overlap", .timeLimit(.minutes(2)))
    func aSecondRunOnTheSameStateExits75AtOnceAndWritesNothing() async throws {
        let (site, directory) = try await Self.siteWithSeeds(hosts: 1, pages: 200)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The first run is slow (2 requests/s), so it holds the lock for the whole test.
        let first = try BinaryRunner.launch(
            ["--seeds", "seeds.txt", "--state", "state", "--output", "first.jsonl", "--host-rate", "2", "--quiet"],
            in: directory)
        let lock = directory.appendingPathComponent("state/lock")
        let deadline = ContinuousClock.now + .seconds(20)
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("first.jsonl").path),
              ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(FileManager.default.fileExists(atPath: lock.path))
        let before = try Self.listing(directory.appendingPathComponent("state"))
        let started = ContinuousClock.now
        let second = try await BinaryRunner.run(
            ["--seeds", "seeds.txt", "--state", "state", "--output", "second.jsonl", "--host-rate", "0"], in: directory,
            timeout: .seconds(20))
        let took = ContinuousClock.now - started
        first.signal(SIGKILL)
        _ = try await first.wait(timeout: .seconds(10))
        await site.shutdown()

        #expect(second.status == 75, "\(second.stderr)")
        #expect(second.stderr.contains("in use by another crawl"), "\(second.stderr)")
        #expect(took < .seconds(5), "the second run waited \(took)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("second.jsonl").path))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("second.jsonl.summary.json").path))
        // The lock file still names the first run; the second added no file to the state.
        let after = try Self.listing(directory.appendingPathComponent("state"))
        #expect(Set(after.keys) == Set(before.keys))
        #expect(after["lock"] == before["lock"])
    }

    /// D2 without `--state`: two runs given the same `--output`. Both used to truncate and write it,
    /// and exit 0 over a file with torn records. The second now exits 75 before touching it.
    @Test(.timeLimit(.minutes(2)))
    func aSecondRunWritingTheSameOutputExits75AndLeavesItAlone() async throws {
        let (site, directory) = try await Self.siteWithSeeds(hosts: 1, pages: 200)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.jsonl")
        // Slow (4 requests/s), so it is still writing when the second starts.
        let first = try BinaryRunner.launch(
            ["--seeds", "seeds.txt", "--output", output.path, "--host-rate", "4", "--quiet"], in: directory)
        let deadline = ContinuousClock.now + .seconds(20)
        while Self.lineCount(of: output) < 3, first.process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let linesBefore = Self.lineCount(of: output)
        let second = try await BinaryRunner.run(
            ["--seeds", "seeds.txt", "--output", output.path, "--host-rate", "0", "--quiet"], in: directory,
            timeout: .seconds(20))
        let linesAfter = Self.lineCount(of: output)
        first.signal(SIGTERM)
        let firstResult = try await first.wait(timeout: .seconds(20))
        let requests = site.stats.totalRequests
        await site.shutdown()

        #expect(linesBefore >= 3)
        #expect(second.status == 75, "\(second.stderr)")
        #expect(second.stderr.contains("another crawl is writing it"), "\(second.stderr)")
        #expect(linesAfter >= linesBefore, "the second run truncated the file")
        #expect(requests < 150, "the second run crawled")
        #expect(firstResult.status == 143, "\(firstResult.stderr)")
        let records = try Self.records(at: output)  // fails on a torn line
        #expect(records.count >= linesAfter)
        #expect(Set(records.compactMap { $0["run_id"] as? String }).count == 1)
    }

    static func listing(_ directory: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            // Only the lock's content is compared; the database files change as the first run goes on.
            out[name] = name == "lock" ? try Data(contentsOf: directory.appendingPathComponent(name)) : Data()
        }
        return out
    }

    @Test(.timeLimit(.minutes(2)))
    func aRecrawlOfAnUnchangedSiteIsNotModifiedAndFindsExactlyTheEditedPages() async throws {
        let (site, directory) = try await Self.siteWithSeeds(hosts: 2, pages: 300)
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = ["--seeds", "seeds.txt", "--state", "state"] + Self.fast
        let first = try await BinaryRunner.run(arguments + ["--output", "first.jsonl"], in: directory)
        #expect(first.status == 0, "\(first.stderr)")
        let firstRecords = try Self.records(at: directory.appendingPathComponent("first.jsonl"))
        let okPages = firstRecords.filter { $0["outcome"] as? String == "ok" }
        #expect(okPages.count >= 500)
        #expect(okPages.allSatisfy { ($0["content_hash"] as? String)?.count == 16 })

        // An unchanged run without --recrawl-after has nothing to do.
        let idle = try await BinaryRunner.run(arguments + ["--output", "idle.jsonl"], in: directory)
        #expect(idle.status == 0, "\(idle.stderr)")
        #expect(try Self.records(at: directory.appendingPathComponent("idle.jsonl")).isEmpty)

        // Ten pages change (pages 1...10 of host 0, all linked from the crawl).
        let edited = Set((1...10).map { site.canonicalBaseURLs[0] + "/page/\($0)" })
        for page in 1...10 { site.edit(host: 0, page: page) }
        let second = try await BinaryRunner.run(arguments + ["--output", "second.jsonl", "--recrawl-after", "0s"], in: directory)
        await site.shutdown()
        #expect(second.status == 0, "\(second.stderr)")
        let secondRecords = try Self.records(at: directory.appendingPathComponent("second.jsonl"))
        let byURL = Dictionary(secondRecords.map { ($0["url"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        let okURLs = Set(okPages.compactMap { $0["url"] as? String })
        let notModified = okURLs.filter { byURL[$0]?["outcome"] as? String == "not_modified" }
        #expect(Double(notModified.count) >= 0.95 * Double(okURLs.count), "\(notModified.count) of \(okURLs.count) not_modified")
        #expect(notModified.count == okURLs.count - edited.count)
        let changed = Set(secondRecords.filter { $0["changed"] as? Bool == true }.compactMap { $0["url"] as? String })
        #expect(changed == edited, "changed: \(changed.sorted())")
        for url in edited {
            #expect(byURL[url]?["outcome"] as? String == "ok")
            #expect(byURL[url]?["content_hash"] as? String != okPages.first { $0["url"] as? String == url }?["content_hash"] as? String)
        }
        // not_modified pages keep their links: the re-crawl reaches every page the first one did.
        #expect(Set(byURL.keys).isSuperset(of: okURLs))
        let firstBytes = firstRecords.reduce(0) { $0 + ($1["bytes"] as? Int ?? 0) }
        let secondBytes = secondRecords.reduce(0) { $0 + ($1["bytes"] as? Int ?? 0) }
        #expect(Double(secondBytes) < 0.10 * Double(firstBytes), "\(secondBytes) body bytes vs \(firstBytes)")
    }

    /// `--exclude` given to a later run applies to what an earlier run left queued in the store: those
    /// URLs are recorded as `excluded`, never requested, and done, so a third run has nothing to do.
    @Test(.timeLimit(.minutes(2)))
    func aLaterRunsExcludeAppliesToWhatAnEarlierRunQueued() async throws {
        let (site, directory) = try await Self.siteWithSeeds(hosts: 1, pages: 200)
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = ["--seeds", "seeds.txt", "--state", "state"] + Self.fast
        let first = try await BinaryRunner.run(arguments + ["--output", "first.jsonl", "--max-pages", "40"], in: directory)
        #expect(first.status == 0, "\(first.stderr)")
        site.stats.reset()
        let exclude = ["--exclude", "7$"]
        let second = try await BinaryRunner.run(arguments + exclude + ["--output", "second.jsonl"], in: directory)
        let requested = site.stats.log.map(\.uri)
        site.stats.reset()
        let third = try await BinaryRunner.run(arguments + exclude + ["--output", "third.jsonl"], in: directory)
        let requestedLast = site.stats.log.map(\.uri)
        await site.shutdown()
        #expect(second.status == 0, "\(second.stderr)")
        #expect(third.status == 0, "\(third.stderr)")
        let firstURLs = Set(try Self.records(at: directory.appendingPathComponent("first.jsonl")).compactMap { $0["url"] as? String })
        let records = try Self.records(at: directory.appendingPathComponent("second.jsonl"))
        let excluded = records.filter { ($0["url"] as? String ?? "").hasSuffix("7") }
        // Queued by the first run (its 40 pages link to many more), then left out by the second's pattern.
        #expect(excluded.count >= 3, "\(excluded.count) URLs ending in 7")
        #expect(excluded.allSatisfy { $0["outcome"] as? String == "excluded" })
        #expect(requested.allSatisfy { !$0.hasSuffix("7") }, "\(requested.filter { $0.hasSuffix("7") })")
        #expect(records.contains { $0["outcome"] as? String == "ok" })
        #expect(firstURLs.isDisjoint(with: records.compactMap { $0["url"] as? String }))
        #expect(try Self.records(at: directory.appendingPathComponent("third.jsonl")).isEmpty)
        #expect(requestedLast.allSatisfy { $0 == "/robots.txt" }, "\(requestedLast)")
    }
}
