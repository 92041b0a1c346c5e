extension DemoSiteGenerator {
    /// The links of page `page` of host `host`, in document order. Deterministic in (seed, host, page).
    ///
    /// Always: the next page (so every page is reachable), on host 0's page 0 every host's page 0,
    /// random links (same host, other hosts, missing pages), periodic extras (files, a redirect, a
    /// robots-disallowed page), duplicate forms of same-host links, and last a link home (`/`).
    func links(host: Int, page: Int) -> [DemoLink] {
        var rng = SplitMix64(seed: config.seed, host: host, page: page)
        var out: [DemoLink] = []
        out.reserveCapacity(config.linksPerPage + 10)

        func add(_ t: DemoTarget) {
            out.append(DemoLink(href: t.host == host ? t.path : bases[t.host] + t.path, target: t))
        }

        if page + 1 < pages { add(.page(host: host, n: page + 1)) }
        if host == 0, page == 0 {
            for h in 1..<max(1, hosts) { add(.page(host: h, n: 0)) }
        }
        for _ in 0..<max(0, config.linksPerPage) {
            let r = rng.unit()
            if hosts > 1, r < config.crossHostLinkFraction {
                let other = (host + 1 + rng.below(hosts - 1)) % hosts
                add(.page(host: other, n: rng.below(pages)))
            } else if r < config.crossHostLinkFraction + config.notFoundLinkFraction {
                add(.missing(host: host, k: rng.below(1000)))
            } else {
                add(.page(host: host, n: rng.below(pages)))
            }
        }
        if config.nonHTMLEvery > 0, page % config.nonHTMLEvery == 0 {
            add(.pdf(host: host, n: page))
            add(.png(host: host, n: page))
        }
        if config.redirectEvery > 0, page % config.redirectEvery == 0 {
            add(.old(host: host, m: (page / config.redirectEvery * 7 + 1) % pages))
        }
        if config.privateLinkEvery > 0, page % config.privateLinkEvery == 3 % config.privateLinkEvery {
            add(.privatePage(host: host, n: page))
        }
        if config.duplicateLinkVariants {
            addVariants(host: host, page: page, rng: &rng, into: &out)
        }
        add(.page(host: host, n: 0))
        return out
    }

    /// Links to already-linked same-host pages (n >= 1) written differently; each resolves to the
    /// target's canonical URL. A `?` variant is deliberately absent: `/page/3?` is a different URL.
    private func addVariants(host: Int, page: Int, rng: inout SplitMix64, into out: inout [DemoLink]) {
        let candidates = out.compactMap { link -> Int? in
            if case .page(let h, let n) = link.target, h == host, n >= 1 { return n }
            return nil
        }
        guard !candidates.isEmpty else { return }
        let hostHasLetters = config.hostName.utf8.contains { ($0 | 0x20) >= UInt8(ascii: "a") && ($0 | 0x20) <= UInt8(ascii: "z") }
        // Relative forms depend on the base: `/` for page 0, `/page/N` otherwise.
        let fromRoot = page == 0
        for _ in 0..<3 {
            let n = candidates[rng.below(candidates.count)]
            let target = DemoTarget.page(host: host, n: n)
            let href: String
            switch rng.below(hostHasLetters ? 6 : 5) {
            case 0: href = "/page/\(n)#section-\(rng.below(10))"
            case 1: href = fromRoot ? "./page/\(n)" : "./\(n)"
            case 2: href = "../page/\(n)"
            case 3: href = "/page/x/../\(n)"
            case 4: href = "HTTP://\(config.hostName):\(ports[host])/page/\(n)"
            default: href = "http://\(config.hostName.uppercased()):\(ports[host])/page/\(n)"
            }
            out.append(DemoLink(href: href, target: target))
        }
    }

    /// Links of any resource (only pages and private pages have links).
    func links(of target: DemoTarget) -> [DemoLink] {
        switch target {
        case .page(let h, let n): return links(host: h, page: n)
        case .privatePage(let h, _): return [DemoLink(href: "/", target: .page(host: h, n: 0))]
        default: return []
        }
    }
}
