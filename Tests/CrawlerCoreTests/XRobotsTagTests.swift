import Testing
@testable import CrawlerCore

@Suite("X-Robots-Tag: which fields forbid following a page's links")
struct XRobotsTagTests {
    @Test(arguments: [
        (["nofollow"], true),
        (["NoFollow"], true),
        (["none"], true),
        (["noindex"], false),
        (["noarchive, nofollow"], true),
        (["noindex nofollow"], true),
        (["nofollowing, follow"], false),
        (["noindex", "nofollow"], true),
        ([], false),
        ([""], false),
        // Rules for a user agent: ours (the product token, any case), or another's.
        (["crawl: nofollow"], true),
        (["Crawl : none"], true),
        (["googlebot: nofollow"], false),
        (["googlebot: nofollow", "crawl: noindex"], false),
        (["googlebot: noindex, nofollow"], false),
        (["googlebot: noindex, crawl: nofollow"], true),
        (["crawl: noindex, googlebot: nofollow"], false),
        (["nofollow, googlebot: noindex"], true),
        // Rules that take a value are not user agents.
        (["unavailable_after: 25 Jun 2010 15:00:00 PST, nofollow"], true),
        (["max-snippet: 20, nofollow"], true),
        (["unavailable_after: 25 Jun 2010 15:00:00 PST"], false),
    ])
    func fields(_ fields: [String], forbid: Bool) {
        #expect(XRobotsTag.forbidsFollowing(fields, agent: "crawl") == forbid, "\(fields)")
    }

    @Test func withoutAnAgentOnlyRulesForEveryAgentCount() {
        #expect(XRobotsTag.forbidsFollowing(["nofollow"], agent: nil))
        #expect(!XRobotsTag.forbidsFollowing(["crawl: nofollow"], agent: nil))
    }

    @Test func theAgentIsTheUserAgentsProductToken() {
        #expect(PolitenessSettings(robotsUserAgent: "crawl/0.1 (+https://example.com/bot)").robotsAgent == "crawl")
        var settings = PolitenessSettings()
        settings.robotsUserAgent = "MyBot/2"
        #expect(settings.robotsAgent == "MyBot")
        settings.robotsUserAgent = "Not A Token"
        #expect(settings.robotsAgent == nil)
    }
}
