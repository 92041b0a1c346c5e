/// Shape of the generated demo site. Everything is derived deterministically from these values.
public struct DemoSiteConfig: Sendable {
    /// Number of hosts (one local server, i.e. one port, each).
    public var hosts: Int
    /// HTML pages per host (`/` is page 0, `/page/N` the others).
    public var pagesPerHost: Int
    /// Random links per page (besides the chain link to the next page and the extras below).
    public var linksPerPage: Int
    /// Fraction of random links that go to another host (absolute URLs).
    public var crossHostLinkFraction: Double
    /// Fraction of random links that go to `/missing/K` (404 with a small HTML body).
    public var notFoundLinkFraction: Double
    /// Every Nth page answers after `slowDelay` (0 = none; page 0 never).
    public var slowPageEvery: Int
    /// Head delay of slow pages.
    public var slowDelay: Duration
    /// Every Nth page is padded to `largePageBytes` (0 = none; page 0 never).
    public var largePageEvery: Int
    /// Size of large pages, links included.
    public var largePageBytes: Int
    /// Every Nth page links to `/files/N.pdf` and `/img/N.png` (0 = none).
    public var nonHTMLEvery: Int
    /// Every Nth page links to an `/old/M` URL that redirects to page M (0 = none).
    public var redirectEvery: Int
    /// Every Nth page (N % every == 3 % every) links to `/private/N`, which robots.txt disallows (0 = none).
    public var privateLinkEvery: Int
    /// Seed of the generator: same seed, same site.
    public var seed: UInt64
    /// Host name used in seeds, base URLs and absolute links ("localhost" lets variants change its case).
    /// The servers always listen on 127.0.0.1.
    public var hostName: String
    /// Also link to already linked pages through duplicate forms (fragment, `./`, `../`, dot segments,
    /// upper-case scheme, upper-case host) that a crawler must normalise to one URL.
    public var duplicateLinkVariants: Bool

    /// Creates a configuration; the defaults give a 4-host, ~400-page site.
    public init(
        hosts: Int = 4, pagesPerHost: Int = 100, linksPerPage: Int = 8, crossHostLinkFraction: Double = 0.15,
        notFoundLinkFraction: Double = 0.03, slowPageEvery: Int = 50, slowDelay: Duration = .milliseconds(300),
        largePageEvery: Int = 40, largePageBytes: Int = 1_500_000, nonHTMLEvery: Int = 25, redirectEvery: Int = 30,
        privateLinkEvery: Int = 10, seed: UInt64 = 1, hostName: String = "127.0.0.1",
        duplicateLinkVariants: Bool = true
    ) {
        self.hosts = hosts
        self.pagesPerHost = pagesPerHost
        self.linksPerPage = linksPerPage
        self.crossHostLinkFraction = crossHostLinkFraction
        self.notFoundLinkFraction = notFoundLinkFraction
        self.slowPageEvery = slowPageEvery
        self.slowDelay = slowDelay
        self.largePageEvery = largePageEvery
        self.largePageBytes = largePageBytes
        self.nonHTMLEvery = nonHTMLEvery
        self.redirectEvery = redirectEvery
        self.privateLinkEvery = privateLinkEvery
        self.seed = seed
        self.hostName = hostName
        self.duplicateLinkVariants = duplicateLinkVariants
    }
}
