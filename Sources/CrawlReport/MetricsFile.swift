/// Writes a metrics file for node_exporter's textfile collector.
public enum MetricsFile {
    /// Writes `text` to `path` atomically: a temporary file in the same directory, then `rename(2)`,
    /// so the collector never reads a half-written file. The file is created with mode 0644.
    public static func write(_ text: String, to path: String) throws(AtomicWriteError) {
        try AtomicFile.write(Array(text.utf8), to: path)
    }
}
