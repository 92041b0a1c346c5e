/// A content coding (RFC 9110 §8.4.1) that crawl decodes.
public enum ContentCoding: String, Sendable, CaseIterable {
    case gzip, deflate, br, zstd

    /// The request's Accept-Encoding: exactly the codings decoded here.
    public static let acceptEncoding = "gzip, deflate, br, zstd"

    /// At most this many codings on one body: each layer holds a decoder and its window, and libcurl
    /// 7.88, which decoded bodies before, refused more than 5 too (CVE-2022-32206).
    public static let maxLayers = 5

    /// The codings of a Content-Encoding value (the response's fields joined with commas), in the
    /// order they were applied. `identity` and empty items are skipped; `x-gzip` is gzip (RFC 9110
    /// §8.4.1.3). An unknown coding or more than `maxLayers` is an error: the body cannot be read.
    public static func codings(in value: String) -> Result<[ContentCoding], ContentDecodingError> {
        var codings: [ContentCoding] = []
        for item in value.split(separator: ",") {
            let name = item.trimmingSpaces.lowercased()
            if name.isEmpty || name == "identity" { continue }
            guard let coding = name == "x-gzip" ? .gzip : ContentCoding(rawValue: name) else {
                return .failure(ContentDecodingError(message: "unsupported Content-Encoding \(String(name.prefix(40)).debugDescription)"))
            }
            codings.append(coding)
        }
        if codings.count > maxLayers {
            return .failure(ContentDecodingError(message: "more than \(maxLayers) content encodings (\(codings.count))"))
        }
        return .success(codings)
    }
}

/// A body that cannot be decoded: a corrupt or truncated stream, or a coding crawl does not know.
public struct ContentDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

extension Substring {
    /// Without the spaces and tabs around it (HTTP's optional whitespace).
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
