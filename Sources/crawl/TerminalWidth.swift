import CSupport
import Foundation

/// How wide to draw for a terminal.
enum TerminalWidth {
    /// `$COLUMNS` when set (as `ls` and Python read it), else the width of the terminal `descriptor`
    /// is on, asked each time so a resized window is followed, else `fallback`. Shells set `COLUMNS`
    /// without exporting it, so the terminal's own answer is the usual one: before it was asked, the
    /// progress line was drawn 100 columns wide whatever the window, and in a narrower one it wrapped,
    /// and each `\r` update left the wrapped lines behind.
    static func of(_ descriptor: Int32, fallback: Int) -> Int {
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap({ Int($0) }), columns > 0 {
            return columns
        }
        let columns = Int(crawl_terminal_columns(descriptor))
        return columns > 0 ? columns : fallback
    }
}
