/// The URL of a `<meta http-equiv=refresh>` content value, by the HTML Standard's "shared declarative
/// refresh steps": `N`, `N; url=target`, `N, URL = 'target'`, `N; target`. A refresh without a URL
/// (reload the same page) has none.
enum MetaRefresh {
    static func url(in content: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        var i = 0
        let n = content.count
        func skipWhitespace() { while i < n, ASCIIBytes.isWhitespace(content[i]) { i += 1 } }
        skipWhitespace()
        // The time: digits, then anything made of digits and dots.
        let timeStart = i
        while i < n, (content[i] >= 0x30 && content[i] <= 0x39) || content[i] == UInt8(ascii: ".") { i += 1 }
        guard i > timeStart else { return nil }
        skipWhitespace()
        if i < n, content[i] == UInt8(ascii: ";") || content[i] == UInt8(ascii: ",") { i += 1 }
        skipWhitespace()
        guard i < n else { return nil }
        // An optional "url =" before the target.
        let save = i
        if i + 3 <= n, ASCIIBytes.lower(content[i]) == UInt8(ascii: "u"), ASCIIBytes.lower(content[i + 1]) == UInt8(ascii: "r"),
           ASCIIBytes.lower(content[i + 2]) == UInt8(ascii: "l") {
            i += 3
            skipWhitespace()
            if i < n, content[i] == UInt8(ascii: "=") {
                i += 1
                skipWhitespace()
            } else {
                i = save
            }
        }
        var end = n
        if i < n, content[i] == UInt8(ascii: "'") || content[i] == UInt8(ascii: "\"") {
            let quote = content[i]
            i += 1
            end = i
            while end < n, content[end] != quote { end += 1 }
        }
        guard i < end else { return nil }
        return UnsafeBufferPointer(rebasing: content[i..<end])
    }
}
