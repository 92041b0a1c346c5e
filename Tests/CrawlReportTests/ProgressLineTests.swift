import Testing
import CrawlReport

@Suite struct ProgressLineTests {
    static let p = ProgressSnapshot(records: 12_345, urlsPerSecond: 1234.5, queued: 4100, inFlight: 32, failures: 17,
                                    bytes: 47_815_065, elapsedSeconds: 42.9)

    @Test func fullLineWithHumanUnits() {
        #expect(ProgressLine.render(Self.p, width: 200) == "0:42  12.3k URLs  1.2k/s  queued 4.1k  in flight 32  failed 17  45.6 MiB")
    }

    @Test func dropsFieldsThenTruncatesToFit() {
        for width in [0, 1, 5, 10, 20, 30, 40, 50, 60, 70, 80] {
            let line = ProgressLine.render(Self.p, width: width)
            #expect(line.count <= width, "width \(width): \(line)")
            #expect(!line.contains("\n") && !line.contains("\r"))
        }
        #expect(ProgressLine.render(Self.p, width: 40) == "0:42  12.3k URLs  1.2k/s  queued 4.1k")
        #expect(ProgressLine.render(Self.p, width: 10) == "12.3k URLs")
        #expect(ProgressLine.render(Self.p, width: 5) == "12.3…")
    }

    @Test func units() {
        #expect(ProgressLine.count(999) == "999")
        #expect(ProgressLine.count(1000) == "1.0k")
        #expect(ProgressLine.count(999_600) == "1.0M")
        #expect(ProgressLine.count(123_456) == "123k")
        #expect(ProgressLine.rate(0.46) == "0.5")
        #expect(ProgressLine.rate(850.2) == "850")
        #expect(ProgressLine.rate(.nan) == "-")
        #expect(ProgressLine.bytes(512) == "512 B")
        #expect(ProgressLine.bytes(1536) == "1.5 KiB")
        #expect(ProgressLine.bytes(3 << 30) == "3.0 GiB")
        #expect(ProgressLine.duration(3725) == "1:02:05")
        #expect(ProgressLine.duration(-1) == "0:00")
    }
}
