import Foundation
import Testing
@testable import CrawlReport

/// `AtomicFile` replaces regular files only: links are followed, and devices and pipes are written
/// in place. (`crawl report --html /dev/stdout` had renamed its file over the /dev/stdout link.)
@Suite("Atomic file writes")
struct AtomicFileTests {
    @Test func aLinkToAFileIsKeptAndTheFileItNamesReplaced() throws {
        let dir = try TempDir()
        let real = try dir.write("real.prom", "old\n")
        let link = dir.path + "/link.prom"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        try AtomicFile.checkWritable(link)
        try AtomicFile.write(Array("new\n".utf8), to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == real)
        #expect(try String(contentsOfFile: real, encoding: .utf8) == "new\n")
        // Nothing left beside either: the temporary file was made beside the real one and renamed.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["link.prom", "real.prom"])
    }

    /// A link whose file does not exist yet (`crawl.prom -> /var/lib/.../crawl.prom`, before the
    /// first run): the file is created, atomically, and the link kept. `checkWritable` refused it.
    @Test func aDanglingLinkGetsItsFile() throws {
        let dir = try TempDir()
        try FileManager.default.createDirectory(atPath: dir.path + "/sub", withIntermediateDirectories: true)
        let link = dir.path + "/link.prom"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "sub/second.prom")
        // A chain: link.prom -> sub/second.prom -> real.prom (relative to sub/), which is missing.
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/sub/second.prom", withDestinationPath: "real.prom")
        #expect(AtomicFile.destination(of: link) == .file(dir.path + "/sub/real.prom"))
        try AtomicFile.checkWritable(link)
        try AtomicFile.write(Array("new\n".utf8), to: link)
        #expect(try String(contentsOfFile: dir.path + "/sub/real.prom", encoding: .utf8) == "new\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "sub/second.prom")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/sub").sorted() == ["real.prom", "second.prom"])
        // A loop is no file: written in place, which fails with the system's reason.
        let loop = dir.path + "/loop"
        try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: "loop")
        #expect(throws: AtomicWriteError.self) { try AtomicFile.checkWritable(loop) }
    }

    /// What `/dev/stdout` is: a link to `/proc/self/fd/1`. Here a link to our own pipe's descriptor.
    @Test func aLinkToAPipeIsWrittenThroughAndKept() throws {
        let dir = try TempDir()
        let pipe = Pipe()
        let link = dir.path + "/stdout"
        try FileManager.default.createSymbolicLink(
            atPath: link, withDestinationPath: "/proc/self/fd/\(pipe.fileHandleForWriting.fileDescriptor)")
        #expect(AtomicFile.destination(of: link) == .inPlace)
        try AtomicFile.checkWritable(link)
        try AtomicFile.write(Array("<html>report</html>\n".utf8), to: link)
        try pipe.fileHandleForWriting.close()
        let received = pipe.fileHandleForReading.readDataToEndOfFile()
        #expect(String(decoding: received, as: UTF8.self) == "<html>report</html>\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: link)
        #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink)
    }

    @Test func aDeviceIsWrittenInPlace() throws {
        #expect(AtomicFile.destination(of: "/dev/null") == .inPlace)
        try AtomicFile.write(Array("x\n".utf8), to: "/dev/null")
        let attributes = try FileManager.default.attributesOfItem(atPath: "/dev/null")
        #expect(attributes[.type] as? FileAttributeType == .typeCharacterSpecial)
        // A device that fails every write reports it.
        if FileManager.default.fileExists(atPath: "/dev/full") {
            #expect(throws: AtomicWriteError.self) { try AtomicFile.write(Array("x\n".utf8), to: "/dev/full") }
        }
    }

    @Test func aFifoWithoutAReaderIsAnErrorNotAWait() throws {
        let dir = try TempDir()
        let fifo = dir.path + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(AtomicFile.destination(of: fifo) == .inPlace)
        #expect(throws: AtomicWriteError.self) { try AtomicFile.write(Array("x\n".utf8), to: fifo) }
    }

    @Test func directoriesAndNewFiles() throws {
        let dir = try TempDir()
        #expect(AtomicFile.destination(of: dir.path) == .directory)
        #expect(throws: AtomicWriteError.self) { try AtomicFile.checkWritable(dir.path) }
        #expect(throws: AtomicWriteError.self) { try AtomicFile.write([], to: dir.path) }
        let new = dir.path + "/new.html"
        #expect(AtomicFile.destination(of: new) == .file(new))
        try AtomicFile.write(Array("a".utf8), to: new)
        #expect(try String(contentsOfFile: new, encoding: .utf8) == "a")
    }
}
