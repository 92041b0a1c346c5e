import CrawlURL

/// Which discovered URLs a crawl follows (`--scope`).
public enum ScopeMode: String, Sendable, CaseIterable {
    /// Only the seeds' host names (any port or scheme on those names).
    case host
    /// The seeds' registrable domains and their subdomains.
    case domain
    /// Anything reachable.
    case all
}

/// The scope of one crawl, fixed from its seeds.
public struct CrawlScope: Sendable {
    public let mode: ScopeMode
    private let hosts: Set<String>
    private let domains: Set<String>

    public init(mode: ScopeMode, seeds: [WebURL]) {
        self.mode = mode
        let names = seeds.compactMap(\.host)
        hosts = Set(names)
        domains = Set(names.map(RegistrableDomain.of))
    }

    public func contains(_ url: WebURL) -> Bool {
        guard let host = url.host else { return false }
        switch mode {
        case .all:
            return true
        case .host:
            return hosts.contains(host)
        case .domain:
            return domains.contains(RegistrableDomain.of(host))
        }
    }
}

/// The registrable domain ("eTLD+1") of a host name, approximated without the Public Suffix List:
/// the last two labels, or three when the last two look like a public second-level suffix such as
/// `co.uk` or `com.au` (a two-letter country code under a common generic label). IP addresses and
/// single-label names are their own domain. This errs towards a *smaller* scope for unusual suffixes
/// (e.g. `blogspot.com` sites are grouped together), never towards crawling an unrelated site.
public enum RegistrableDomain {
    private static let secondLevelLabels: Set<Substring> = [
        "ac", "co", "com", "edu", "gov", "govt", "ltd", "me", "mil", "net", "nhs", "nic", "org", "plc", "sch",
    ]

    public static func of(_ host: String) -> String {
        if host.hasPrefix("[") { return host }  // IPv6 literal
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count <= 2 { return host }
        if labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) { return host }  // IPv4
        let tld = labels[labels.count - 1]
        let second = labels[labels.count - 2]
        let keep = (tld.count == 2 && secondLevelLabels.contains(second)) ? 3 : 2
        return labels.suffix(keep).joined(separator: ".")
    }
}
