import Foundation

/// Whether two paths from the command line name one regular file: `--output` given the seeds file
/// (a slip of tab completion) truncated the seed list once the seeds were read; an `--output`
/// shared with `--metrics-file` would be unlinked by the metrics file's first atomic rename while
/// the crawl went on writing to it. Devices (`/dev/null` twice) and standard input/output ("-") may be
/// shared.
enum SameFile {
    static func check(_ first: String, _ second: String) -> Bool {
        guard first != "-", second != "-" else { return false }
        var a = stat()
        var b = stat()
        if stat(first, &a) == 0, stat(second, &b) == 0 {
            return a.st_mode & S_IFMT == S_IFREG && a.st_dev == b.st_dev && a.st_ino == b.st_ino
        }
        // One of them does not exist yet: the same name is the same file to be.
        return URL(fileURLWithPath: first).standardizedFileURL.path == URL(fileURLWithPath: second).standardizedFileURL.path
    }
}
