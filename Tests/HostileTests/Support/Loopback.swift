#if canImport(Glibc)
import Glibc
#endif

/// IPv4 sockets on 127.0.0.1 for the raw-socket test servers (`HostileServer`, `RefusingPort`,
/// `ConnectProxy`).
enum Loopback {
    /// Binds `fd` to 127.0.0.1 on a free port. Returns the port, or nil (errno says why).
    static func bind(_ fd: Int32) -> Int? {
        var address = address(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return bound == 0 && named == 0 ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }

    /// Connects `fd` to 127.0.0.1:`port` (a non-blocking socket returns at once, EINPROGRESS).
    @discardableResult
    static func connect(_ fd: Int32, port: Int) -> Bool {
        var address = address(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    private static func address(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
