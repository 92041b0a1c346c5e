import Foundation

/// Messages for the person running `crawl`: always on stderr, so stdout can carry JSONL (`--output -`).
enum Console {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("crawl: \(message)\n".utf8))
    }

    static func info(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }
}
