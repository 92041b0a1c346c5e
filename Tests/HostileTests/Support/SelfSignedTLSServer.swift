import Foundation

/// `openssl s_server` with a throwaway self-signed certificate (EC P-256, made at test time in a
/// temporary directory), listening on 127.0.0.1. Started only when /usr/bin/openssl exists.
///
/// Processes are spawned with posix_spawn and reaped with waitpid by pid, on a thread of their own
/// (never on the cooperative pool): Foundation's `Process.waitUntilExit` spins a run loop there, and
/// `s_server` outlives SIGTERM, so it is ended with SIGKILL.
struct SelfSignedTLSServer: Sendable {
    let port: Int
    private let pid: pid_t
    private let directory: String

    static let openssl = "/usr/bin/openssl"

    /// nil when openssl is not installed or the server did not come up within 5 s.
    /// The certificate (PEM), which is its own CA: valid until `stop`.
    var certificate: String { directory + "/cert.pem" }

    /// `subjectAltName`, e.g. "IP:127.0.0.1": names the certificate is valid for (without one, only
    /// the common name `localhost`).
    static func start(subjectAltName: String? = nil) async -> SelfSignedTLSServer? {
        guard FileManager.default.isExecutableFile(atPath: openssl) else { return nil }
        return await onThread { startBlocking(subjectAltName: subjectAltName) }
    }

    private static func startBlocking(subjectAltName: String?) -> SelfSignedTLSServer? {
        let directory = NSTemporaryDirectory() + "hostile-tls-\(UUID().uuidString)"
        guard (try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)) != nil else { return nil }
        let key = directory + "/key.pem", cert = directory + "/cert.pem"
        guard let make = spawn([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost"]
                                + (subjectAltName.map { ["-addext", "subjectAltName=\($0)"] } ?? [])),
              reap(make) == 0 else {
            try? FileManager.default.removeItem(atPath: directory)
            return nil
        }
        let port = closedPort()
        guard let pid = spawn([openssl, "s_server", "-accept", "127.0.0.1:\(port)", "-cert", cert, "-key", key, "-www", "-quiet"]) else {
            try? FileManager.default.removeItem(atPath: directory)
            return nil
        }
        let server = SelfSignedTLSServer(port: port, pid: pid, directory: directory)
        let deadline = Date(timeIntervalSinceNow: 5)
        while Date() < deadline {
            if canConnect(port: port) { return server }
            usleep(20_000)
        }
        server.stopBlocking()
        return nil
    }

    /// Kills the server process this test started (by its pid), reaps it, removes the key material.
    func stop() async {
        await Self.onThread { stopBlocking() }
    }

    private func stopBlocking() {
        kill(pid, SIGKILL)
        _ = Self.reap(pid)
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    /// Spawns `arguments[0]` with stdin, stdout and stderr on /dev/null.
    private static func spawn(_ arguments: [String]) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd in Int32(0)...2 {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        return result == 0 ? pid : nil
    }

    /// Waits for the child; returns its exit status (or -1).
    private static func reap(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : -1
    }

    private static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
