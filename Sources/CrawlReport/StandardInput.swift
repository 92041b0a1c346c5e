/// `-` as a file argument means standard input (`--seeds -`, `crawl report -`), and messages name it
/// `(standard input)`, as grep does.
public enum StandardInput {
    public static let path = "-"

    /// How `path` is named in messages and reports.
    public static func displayName(_ path: String) -> String {
        path == Self.path ? "(standard input)" : path
    }
}
