import CSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `crawl_start_writeback` (CSupport), which the output writer calls for each MiB it wrote.
@Suite struct WritebackTests {
    @Test func startsWritebackOfAWrittenRangeAndRefusesABadDescriptor() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("writeback-\(UUID())").path
        defer { unlink(path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        defer { close(fd) }
        let bytes = [UInt8](repeating: 0x61, count: 1 << 20)
        #expect(bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count)
        #if os(Linux)
        #expect(crawl_start_writeback(fd, 0, Int64(bytes.count)) == 0)
        #expect(fsync(fd) == 0)
        #expect(crawl_start_writeback(-1, 0, 4096) == EBADF)
        #else
        #expect(crawl_start_writeback(fd, 0, Int64(bytes.count)) == ENOTSUP)
        #endif
    }
}
