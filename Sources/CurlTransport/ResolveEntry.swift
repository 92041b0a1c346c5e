/// A CURLOPT_RESOLVE entry, `[+]HOST:PORT:ADDRESS[,ADDRESS...]`, checked before libcurl sees it.
/// libcurl 7.88 skips an entry it cannot read (a warning only in verbose mode) and the name is then
/// looked up in DNS: a typo in `--resolve` would send the crawl to wherever the name points.
public enum ResolveEntry {
    /// Why libcurl could not use `entry`, or nil when it can.
    public static func problem(with entry: String) -> String? {
        // No spaces or control bytes anywhere (a NUL would end the C string libcurl reads early).
        guard entry.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            return "it has spaces or control characters"
        }
        var text = Substring(entry)
        if text.first == "+" { text = text.dropFirst() }  // libcurl's "may time out of the cache" mark
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return "it needs HOST:PORT:ADDRESS" }
        let (host, port, addresses) = (parts[0], parts[1], parts[2])
        // libcurl matches HOST against the URL's host name as text; "*" matches any (7.86+).
        guard !host.isEmpty else { return "the host name is empty" }
        guard !port.isEmpty, port.utf8.count <= 5, port.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              let number = Int(port), (1...65_535).contains(number) else {
            return "the port must be a number from 1 to 65535"
        }
        for address in addresses.split(separator: ",", omittingEmptySubsequences: false) {
            guard !address.isEmpty else { return "an address is missing" }
            var literal = address
            if literal.first == "[", literal.last == "]" { literal = literal.dropFirst().dropLast() }
            guard AddressScope.of(literal: String(literal)) != nil else {
                return "'\(address)' is not an IPv4 or IPv6 address"
            }
        }
        return nil
    }
}
