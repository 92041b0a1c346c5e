extension DemoSiteGenerator {
    /// Breadth-first walk from host 0's page 0 over the generated links. Redirect edges cost no depth
    /// (0-1 BFS), so a redirect target keeps the depth of the URL that redirected to it unless it is
    /// reached shallower another way.
    func manifest() -> DemoManifest {
        let seed = DemoTarget.page(host: 0, n: 0)
        var depth: [DemoTarget: Int] = [seed: 0]
        var done = Set<DemoTarget>()
        // A deque as array + head index: redirect targets go to the front, links to the back.
        var front: [DemoTarget] = []
        var back: [DemoTarget] = [seed]
        var backHead = 0
        while true {
            let t: DemoTarget
            if let f = front.popLast() {
                t = f
            } else if backHead < back.count {
                t = back[backHead]
                backHead += 1
            } else {
                break
            }
            guard done.insert(t).inserted, let d = depth[t] else { continue }
            let e = expectation(t)
            if let r = e.redirectsTo, d < depth[r] ?? .max {
                depth[r] = d
                front.append(r)
            }
            guard e.status == 200 else { continue }
            for link in links(of: t) where d + 1 < depth[link.target] ?? .max {
                depth[link.target] = d + 1
                back.append(link.target)
            }
        }
        var pages: [String: DemoManifest.ExpectedPage] = [:]
        var disallowed = Set<String>()
        pages.reserveCapacity(depth.count)
        for (t, d) in depth {
            let e = expectation(t)
            let url = canonicalURL(t)
            var title: String?
            if e.status == 200, case .page(let h, let n) = t { title = self.title(host: h, page: n) }
            if e.status == 200, case .privatePage(let h, let n) = t { title = Self.privateTitle(host: h, page: n) }
            pages[url] = DemoManifest.ExpectedPage(
                status: e.status, contentType: e.contentType, depth: d,
                isHTML: e.contentType?.hasPrefix("text/html") ?? false,
                redirectsTo: e.redirectsTo.map(canonicalURL), title: title)
            if case .privatePage = t { disallowed.insert(url) }
        }
        return DemoManifest(pages: pages, robotsDisallowed: disallowed)
    }
}
