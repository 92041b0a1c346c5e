/// Documents for the fast path's differential tests: generated mixes of the constructs whose
/// libxml2 treatment the fast path models or must decline, and benchmark-style pages.
enum FastPathDocuments {
    // MARK: Random mixes

    static let elementNames = [
        "a", "A", "area", "link", "LINK", "iframe", "frame", "base", "BASE", "meta", "Meta", "title", "svg", "script",
        "style", "div", "p", "span", "img", "br", "body", "html", "head", "b", "i", "table", "td", "tr", "li", "ul",
        "textarea", "xmp", "noscript", "x-custom", "h1", "font", "center", "form", "option", "select", "embed",
        "object", "param", "input", "col", "hr", "em", "dd", "dt", "thead", "tbody", "frameset", "noframes", "pre",
        "plaintext", "listing", "main", "nav", "a.b", "_x", "a1",
    ]

    static let attributeNames = [
        "href", "HREF", "Href", "src", "rel", "REL", "name", "content", "http-equiv", "HTTP-EQUIV", "charset",
        "class", "id", "data-x", "title", "alt", "type", "_u", ":c", ".d", "x-y", "onclick", "style",
    ]

    static let values = [
        "/x", "/a?b=1&amp;c=2", "/a?b=1&c=2", "/p&AMP;q", "/p&lt", "/p&lt;q", "/&foo;", "/&#233;", "/&#xE9;", "/&#X41;",
        "/&#0;", "/&#xD800;", "/&#1114112;", "/&", "/&#", "/&#x;", "/&eacute", "/&am", "&nbsp;/n", "/&amp", "/&#65",
        " /spaces ", "\t/tab\t", "\n/lf\n", "\r/cr\r", "/cr\r\nlf", "\u{0C}/ff", "/é東", "/a>b", "/a'b", "/a\"b",
        "/a/", "", " ", "nofollow", "NoFollow noopener", "canonical", "next", "prev alternate", "stylesheet",
        "robots", "ROBOTS", " robots ", "noindex,nofollow", "none", "index, follow", "refresh", "Refresh",
        "content-type", "Content-Type", "text/html; charset=iso-8859-1", "text/html;charset=\"utf-8\"",
        "0; url=/refreshed", "5;URL='/r2'", "0", "utf-8", "windows-1252", "\u{FFFD}", "/&amp;&amp;", "&#x1F600;",
        "&Eacute;&eacute;", "&thetasym;", "&#12;", "&#x9;", "&#13;", "/a&#10;b", "/&;", "/&#59;", "/&1x;", "/&é;",
        "/&amp&lt;", "/&#x110000;", "/&#99999999999;", "/\u{01}ctl", "/long" + String(repeating: "x", count: 150),
    ]

    static let fragments = [
        "<!DOCTYPE html>", "<!doctype HTML>", "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \"http://www.w3.org/TR/html4/strict.dtd\">",
        "<!DOCTYPE html SYSTEM \"about:legacy-compat\">", "<!DOCTYPE>", "<!DOCTYPE html foo>", "<!DOCTYPE html PUBLIC \"a>b\">",
        "<!DOCTYPEhtml>", "<!DOCTYPE html PUBLIC 'x' 'y'>", "<!DOCTYPE html PUBLIC \"a\tb\">", "<!DOCTYPE html SYSTEM>",
        "<!-- c -->", "<!---->", "<!-->", "<!--->", "<!-- a -- b -->", "<!-- x --!> y -->", "<!-- <a href=/incomment> -->",
        "<!--\u{0C}-->", "<!-- é -->", "<!--x--->", "<!-- -- -->", "<![CDATA[x]]>", "<!x>", "<?xml version=\"1.0\"?>", "<?php x ?>",
        "<? x>", "text", " & ", "a < b", "a <3", "x<", "&amp;", "&lt;", "&#233;", "&eacute;", "&foo;", "&", "\u{0C}", "\u{01}",
        "\r\n", "\t", " ", "é東", "\u{FFFD}", "\u{FFFE}", "</ a>", "</>", "</a foo>", "</a", "</1>", "</_x>", "</.x>", "</p>",
        "</div>", "</title>", "</svg>", "</body>", "</html>", "</head>", "</script>", "</b>", "</table>", "</td>",
        "<script>var s = \"<a href=/no>\";</script>", "<script>a</scr</script>", "<script>x</SCRIPT >", "<script>x</scripts>y</script>",
        "<script/>", "<script>if (a<b) {}</script >", "<style>a{}</style>", "<style>p</STYLE foo>", "<script>x</script\n>",
        "<script>x\u{01}y</script>", "<script src=/s.js></script>", "<script>unterminated",
        "<title>Hi &amp; there</title>", "<title>  a\n b </title>", "<title/>", "<TITLE>x</TITLE >", "<title>a<b>c</b></title>",
        "<title>x</div>", "<title>&#233;&eacute;&foo;&amp</title>", "<title>t&#12;x</title>", "<title>\u{0C}f</title>",
        "<title>unterminated", "<title>a</title foo>", "<title>\r\nx\r\n</title>", "<title>a &lt;b&gt; c</title>",
        "<title>é\u{FFFE}</title>", "<title>a & b</title>", "<title>&#x1F600;</title>", "<svg><title>icon</title></svg>",
        "<svg/>", "<a href=/unterminated", "<a href=\"/unterminated>", "<" + String(repeating: "d", count: 120) + ">",
        "<a " + String(repeating: "h", count: 120) + "=1 href=/longattr>", "<a/href=/slash>", "<a href=/sc/>", "<a href=\"/q\"/>",
        "<a href = \"/spaced\" >", "<a href>", "<a href href=/dup>", "<a HREF=/up href=/low>", "<a 1=\"x y\" href=/bogus>",
        "<a \"q\" href=/bq>", "<a href\"x\">", "<a href='/sq'>", "<a\nhref=/nl>", "<a\u{0C}href=/ff>", "<a href=/ff\u{0C}x>",
        "<a href=/v\u{01}>", "<a\u{01}href=/c>", "<p.x>", "<a.b href=/ab>", "<A HREF=/UPPER>", "<meta charset=\"utf-8\">",
        "<meta charset=windows-1252>", "<meta http-equiv=Content-Type content=\"text/html; charset=iso-8859-2\">",
        "<meta name=robots content=\"noindex, nofollow\">", "<meta name=\"ROBOTS\" content=none>",
        "<meta http-equiv=refresh content=\"0; url=/meta-refresh\">", "<meta content=\"0;url=/r\" http-equiv=\"refresh\">",
        "<meta charset>", "<meta charset=\"\" charset=utf-8>", "<base href=/base1/>", "<base href=\"/b2/\">", "<base>",
        "<base target=_top>", "<link rel=canonical href=/canon>", "<link rel=stylesheet href=/s.css>",
        "<link href=/n rel=\"next nofollow\">", "<link rel=alternate>", "<iframe src=/if></iframe>", "<frame src=/fr>",
        "<area href=/ar rel=nofollow>", "<a href=/nf rel=nofollow>x</a>", "<a href=/e1>e</a>", "<img src=/i.png>",
        "<body>", "<body onload=x>", "<html>", "<head>", "<br/>", "<hr>", "<div>", "<p>", "<span>", "<table><tr><td>",
        "<textarea><a href=/ta></textarea>", "<xmp><a href=/xmp></xmp>", "<noscript><a href=/ns></noscript>",
        "<plaintext><a href=/pt>", "<option><a href=/opt>",
    ]

    /// A document of random fragments (from `pool`) and random tags.
    static func random(_ rng: inout SplitMix64, pool: [String] = fragments) -> [UInt8] {
        var html = ""
        let parts = 3 + rng.below(30)
        for _ in 0..<parts {
            if rng.chance(45) {
                html += rng.pick(pool)
            } else if rng.chance(85) {
                html += randomTag(&rng)
            } else {
                html += "</" + rng.pick(elementNames) + ">"
            }
            if rng.chance(30) { html += rng.pick(["text ", "\n", " ", "caf&eacute; ", "x &amp; y", "&#233;", "é"]) }
        }
        return Array(html.utf8)
    }

    static func randomTag(_ rng: inout SplitMix64) -> String {
        var tag = "<" + rng.pick(elementNames)
        for _ in 0..<rng.below(5) {
            tag += rng.pick([" ", " ", "  ", "\n", "\t", "\r\n"])
            if rng.chance(5) { tag += rng.pick(["\"bogus\"", "1x=2", "'", "=v", "/", "\u{0C}"]) + " " }
            tag += rng.pick(attributeNames)
            switch rng.below(6) {
            case 0: break
            case 1: tag += "=" + unquoted(rng.pick(values))
            case 2: tag += "=\"" + rng.pick(values).replacing("\"", with: "&quot;") + "\""
            case 3: tag += "='" + rng.pick(values).replacing("'", with: "&#39;") + "'"
            case 4: tag += " = \"" + rng.pick(values).replacing("\"", with: "") + "\""
            default: tag += "=" + rng.pick(values)
            }
        }
        tag += rng.pick([">", ">", ">", ">", "/>", " />", " >"])
        if rng.chance(20) { tag += rng.pick(["x</a>", "</" + rng.pick(elementNames) + ">", "t"]) }
        return tag
    }

    private static func unquoted(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0 != " " && $0 != "\t" && $0 != "\n" && $0 != "\r" && $0 != ">" })
    }

    // MARK: Clean pages

    private static let words = ("crawler frontier robots scheduler parser fetch budget token bucket host page link anchor "
        + "queue latency throughput memory buffer socket stream header body status redirect cache index archive "
        + "café naïve résumé façade über straße 東京 données").split(separator: " ").map(String.init)

    /// A page shaped like `Benchmarks/gen_site.py`'s: doctype, meta charset, title, paragraphs with
    /// entities, lists of about 20 links.
    static func benchmarkPage(_ rng: inout SplitMix64, index: Int) -> [UInt8] {
        var html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        html += "<title>Host 0 page \(index)</title>\n<meta name=\"description\" content=\"benchmark page \(index)\">\n"
        html += "</head>\n<body>\n<header><h1>Host 0 page \(index)</h1></header>\n<main>\n"
        let target = 5_000 + rng.below(25_000)
        while html.utf8.count < target {
            html += "<p>"
            for _ in 0..<(40 + rng.below(60)) { html += rng.pick(words) + " " }
            html += ". Tom &amp; Jerry &lt;3 &#233;t&eacute;.</p>\n"
            if rng.chance(40) {
                html += "<ul>\n"
                for _ in 0..<(1 + rng.below(4)) {
                    let path = String(format5(rng.below(20_000)))
                    let href = rng.pick(["\(path).html", "/p/\(path).html", "http://127.0.0.1:18081/p/\(path).html",
                                         "/private/\(path).html", "/files/doc\(rng.below(40)).pdf"])
                    html += "<li><a href=\"\(href)\">page \(href)</a></li>\n"
                }
                html += "</ul>\n"
            }
        }
        html += "</main>\n<footer><p>generated for the crawl benchmark</p></footer>\n</body></html>\n"
        return Array(html.utf8)
    }

    private static func format5(_ value: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    /// A page in the style of a real site: head with metas, stylesheets, scripts and styles,
    /// navigation, comments, images, forms, inline SVG after the title.
    static let realWorldPage: String = {
        var html = """
        <!DOCTYPE html>
        <html lang="en" class="no-js">
        <head>
          <meta charset="utf-8">
          <meta http-equiv="X-UA-Compatible" content="IE=edge">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>Widgets &amp; Gadgets &mdash; Example Store</title>
          <meta name="robots" content="index, follow">
          <meta property="og:title" content="Widgets &amp; Gadgets">
          <link rel="stylesheet" href="/static/css/main.css?v=3">
          <link rel="icon" type="image/png" href="/favicon.png">
          <link rel="canonical" href="https://www.example.com/widgets/">
          <link rel="alternate" hreflang="de" href="https://www.example.com/de/widgets/">
          <script async src="https://www.googletagmanager.com/gtag/js?id=G-XYZ"></script>
          <script>
            window.dataLayer = window.dataLayer || [];
            function gtag(){dataLayer.push(arguments);}
            if (a < b && c > d) { document.write("<a href='/not-a-link'>x</a>"); }
          </script>
          <style type="text/css">
            body > .nav a[href^="http"] { color: #333; }
            /* <a href="/not-in-style"> */
          </style>
          <!-- Global site tag -->
        </head>
        <body class="page page-widgets">
          <!--[if lt IE 9]><p class="browserupgrade">Upgrade</p><![endif]-->
          <header id="top">
            <svg class="logo" viewBox="0 0 10 10" aria-hidden="true"><title>Logo</title><path d="M0 0h10v10H0z"/></svg>
            <nav class="nav" aria-label="Main">
              <ul>
                <li><a href="/" class="active">Home</a></li>
                <li><a href="/widgets/?sort=price&amp;page=2">Widgets</a></li>
                <li><a href="/gadgets/" title="Gadgets &amp; more">Gadgets</a></li>
                <li><a href="https://blog.example.com/" rel="noopener">Blog</a></li>
                <li><a href="https://twitter.com/example" rel="nofollow noopener" target="_blank">Twitter</a></li>
              </ul>
            </nav>
          </header>
          <main>
            <h1>Widgets</h1>
            <form action="/search" method="get"><input type="search" name="q" placeholder="Search&hellip;"><button>Go</button></form>

        """
        for item in 0..<30 {
            html += """
                <article class="card" data-id="\(item)">
                  <a href="/widgets/\(item)-blue-widget"><img src="/img/w\(item).jpg" alt="Widget \(item)" width="300" height="200" loading="lazy"></a>
                  <h2><a href="/widgets/\(item)-blue-widget">Blue widget n&deg;\(item)</a></h2>
                  <p>Price: &euro;\(item).99 &ndash; <em>in stock</em><br>
                  Rated 4.5/5 &middot; <a href="/widgets/\(item)-blue-widget#reviews">12 reviews</a></p>
                </article>

            """
        }
        html += """
            <p>Text with a stray ampersand & a less-than sign written &lt; properly.</p>
            <iframe src="https://www.youtube.com/embed/xyz" width="560" height="315" allowfullscreen></iframe>
          </main>
          <footer>
            <p>&copy; 2026 Example &bull; <a href="/privacy">Privacy</a> &bull; <a href="/terms">Terms</a></p>
          </footer>
          <script src="/static/js/app.js" defer></script>
          <script type="application/ld+json">{"@context": "https://schema.org", "name": "Widgets </ b>"}</script>
        </body>
        </html>

        """
        return html
    }()
}
