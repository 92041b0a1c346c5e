// swift-tools-version:6.0
// Swift 6 language mode (the default for tools version 6.0): strict concurrency everywhere.
import PackageDescription

let package = Package(
    name: "crawl",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "crawl", targets: ["crawl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // C libraries: a system module each, reached only through one thin Swift wrapper module.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // The decoders of HTTP content codings (zlib, brotli, zstd), which libcurl links too.
        .systemLibrary(
            name: "CCompression",
            providers: [.apt(["zlib1g-dev", "libbrotli-dev", "libzstd-dev"])]
        ),
        .target(name: "ContentCoding", dependencies: ["CCompression"]),
        .target(name: "CurlTransport", dependencies: ["CCurl", "CSupport", "ContentCoding"]),
        // libc facilities Swift's Glibc module does not expose: mallopt, and epoll for the transfer
        // loop (see their headers).
        .target(name: "CSupport"),
        .target(name: "HTMLParsing", dependencies: ["CLibXML2"]),

        // C-free crawl logic.
        .target(name: "CrawlURL"),
        .target(name: "RobotsTxt", exclude: ["DECISIONS.md"]),
        .target(
            name: "CrawlerCore",
            dependencies: [
                "CrawlURL",
                "RobotsTxt",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),

        // The durable state (`--state`): SQLite behind the core's journal protocol.
        .target(name: "CrawlStore", dependencies: ["CSQLite", "CrawlerCore", "CrawlURL"]),

        // Reads JSONL outputs back: `crawl report`, Prometheus metrics, the progress line.
        .target(name: "CrawlReport", dependencies: ["CrawlerCore"]),

        // Wires the C-backed fetcher and parser into the core's protocols.
        .target(name: "CrawlRuntime", dependencies: ["CrawlerCore", "CurlTransport", "HTMLParsing", "CrawlURL", "CrawlReport", "CSupport"]),

        // In-process HTTP server on 127.0.0.1: the `crawl demo` site and the tests' server.
        .target(
            name: "DemoSite",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),

        .executableTarget(
            name: "crawl",
            dependencies: [
                "CrawlRuntime", "CrawlerCore", "CrawlStore", "DemoSite", "CrawlReport", "CSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Linked into the test binary only: limits how many tests run at once (see its harness.c).
        .target(name: "TestHarness", path: "Tests/TestHarness"),
        // Test-only: the wall-clock bounds of the timing-sensitive suites (strict alone, wider in parallel).
        .target(name: "TestTiming", path: "Tests/TestTiming"),
        .testTarget(name: "CrawlURLTests", dependencies: ["CrawlURL"], resources: [.copy("Fixtures")]),
        .testTarget(name: "HTMLParsingTests", dependencies: ["HTMLParsing"]),
        .testTarget(name: "RobotsTxtTests", dependencies: ["RobotsTxt"], resources: [.copy("Fixtures")]),
        // Test-only: real gzip, deflate, brotli and zstd encoders, to make the decoders' inputs.
        .target(name: "TestCompression", path: "Tests/TestCompression", linkerSettings: [
            .linkedLibrary("z"), .linkedLibrary("brotlienc"), .linkedLibrary("zstd"),
        ]),
        .target(name: "TestEncoders", dependencies: ["TestCompression"], path: "Tests/TestEncoders"),
        .testTarget(name: "ContentCodingTests", dependencies: ["ContentCoding", "TestEncoders"]),
        .testTarget(name: "CurlTransportTests", dependencies: ["CurlTransport", "CSupport", "DemoSite", "TestEncoders"]),
        .testTarget(name: "CrawlerCoreTests", dependencies: ["CrawlerCore", "CrawlURL", "RobotsTxt", "TestHarness", "TestTiming"]),
        .testTarget(name: "DemoSiteTests", dependencies: ["DemoSite"]),
        .testTarget(name: "CrawlReportTests", dependencies: ["CrawlReport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["CrawlRuntime", "CrawlerCore", "DemoSite", "CrawlURL", "TestTiming"]),
        .testTarget(name: "CrawlStoreTests", dependencies: ["CrawlStore", "CrawlerCore", "CrawlURL"]),
        .testTarget(name: "CLITests", dependencies: ["DemoSite", "CrawlRuntime", "crawl", "TestTiming"]),
        .testTarget(
            name: "HostileTests",
            // crawl: the memory scenarios measure the built binary as a child process.
            dependencies: ["CrawlRuntime", "CrawlerCore", "CrawlURL", "DemoSite", "CurlTransport", "RobotsTxt", "crawl", "TestTiming"],
            resources: [.copy("Fixtures")]),
    ]
)
