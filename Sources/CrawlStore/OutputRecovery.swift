import CrawlerCore
import Foundation

/// After a run died (kill -9, power loss, OOM), reconciles its output file with the state: records
/// written after the last committed done mark are read back so their URLs are not fetched again, and a
/// partial last line (a write cut short) is cut off, leaving the file valid JSON Lines.
enum OutputRecovery {
    struct Recovered {
        var records: [Record] = []
        /// Bytes of an incomplete last line that were removed.
        var truncatedBytes = 0
        var fileBytes: Int64 = 0
    }

    /// What a record says of its URL, enough to mark it done.
    struct Record {
        var dedupKey: String
        var outcome: Outcome
        var status: Int?
        var finalURL: String?
        var contentHash: UInt64?
    }

    /// Reads `path` from `committedBytes` on. A missing file (deleted by the user) recovers nothing.
    static func reconcile(path: String, committedBytes: Int64) throws -> Recovered {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return Recovered() }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return Recovered() }
        var recovered = Recovered()
        recovered.fileBytes = Int64(info.st_size)
        guard info.st_size > committedBytes, committedBytes >= 0 else { return recovered }

        var offset = committedBytes
        var line: [UInt8] = []
        var lastLineEnd = committedBytes
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            if count == 0 { break }
            for index in 0..<count {
                let byte = chunk[index]
                if byte == 0x0A {
                    if let record = parse(line) { recovered.records.append(record) }
                    line.removeAll(keepingCapacity: true)
                    lastLineEnd = offset + Int64(index) + 1
                } else {
                    line.append(byte)
                }
            }
            offset += Int64(count)
        }
        if lastLineEnd < offset {
            guard ftruncate(fd, off_t(lastLineEnd)) == 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            recovered.truncatedBytes = Int(offset - lastLineEnd)
            recovered.fileBytes = lastLineEnd
        }
        return recovered
    }

    private static func parse(_ line: [UInt8]) -> Record? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
              let key = object["dedup_key"] as? String,
              let outcomeName = object["outcome"] as? String, let outcome = Outcome(rawValue: outcomeName) else {
            return nil
        }
        let hash = (object["content_hash"] as? String).flatMap { UInt64($0, radix: 16) }
        return Record(
            dedupKey: key, outcome: outcome, status: object["status"] as? Int,
            finalURL: object["final_url"] as? String, contentHash: hash)
    }
}
