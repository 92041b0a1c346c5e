#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where an IP address leads, for the crawler's address policy: a crawler that follows links from
/// the public web must not be turned into a probe of the machine it runs on or of its network
/// (cloud metadata at 169.254.169.254, admin interfaces on 127.0.0.1, routers on 192.168.x).
///
/// The ranges are those of the IANA special-purpose registries (RFC 6890 and successors) that are
/// not globally reachable. IPv6 forms that embed an IPv4 address (mapped `::ffff:a.b.c.d`,
/// compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by that address, so
/// `[::ffff:127.0.0.1]` is loopback like `127.0.0.1`.
public enum AddressScope: String, Sendable, CaseIterable {
    case global
    case loopback
    /// RFC 1918, shared address space (100.64/10), IPv6 unique-local and site-local.
    case privateUse = "private"
    case linkLocal = "link-local"
    case unspecified
    case multicast
    /// Documentation, benchmarking, protocol-assignment and future-use ranges, broadcast.
    case reserved

    /// Whether a crawler may connect to it without `--allow-private-addresses`.
    public var isPublic: Bool { self == .global }

    /// The scope of a raw address: 4 bytes (IPv4) or 16 bytes (IPv6), network order. Any other
    /// length is `.reserved`.
    public static func of(_ bytes: [UInt8]) -> AddressScope {
        switch bytes.count {
        case 4: return ipv4(bytes[0], bytes[1], bytes[2], bytes[3])
        case 16: return ipv6(bytes)
        default: return .reserved
        }
    }

    /// The scope of a numeric address in text (`127.0.0.1`, `::1`); nil when it is not one.
    public static func of(literal: String) -> AddressScope? {
        var v4 = in_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { of(Array($0)) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, literal, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { of(Array($0)) }
        }
        return nil
    }

    static func ipv4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> AddressScope {
        switch a {
        case 0: return .unspecified                                  // 0/8 "this network"
        case 10: return .privateUse
        case 100 where b & 0xC0 == 64: return .privateUse            // 100.64/10 shared (CGNAT)
        case 127: return .loopback
        case 169 where b == 254: return .linkLocal
        case 172 where b & 0xF0 == 16: return .privateUse            // 172.16/12
        case 192 where b == 168: return .privateUse
        case 192 where b == 0 && (c == 0 || c == 2): return .reserved  // protocol assignments, TEST-NET-1
        case 198 where b & 0xFE == 18: return .reserved              // 198.18/15 benchmarking
        case 198 where b == 51 && c == 100: return .reserved         // TEST-NET-2
        case 203 where b == 0 && c == 113: return .reserved          // TEST-NET-3
        case 224...239: return .multicast
        case 240...255: return .reserved                             // future use, broadcast
        default: return .global
        }
    }

    static func ipv6(_ x: [UInt8]) -> AddressScope {
        let zeroPrefix10 = x[0..<10].allSatisfy { $0 == 0 }
        if zeroPrefix10, x[10] == 0xFF, x[11] == 0xFF {
            return ipv4(x[12], x[13], x[14], x[15])                  // ::ffff:a.b.c.d mapped
        }
        if zeroPrefix10, x[10] == 0, x[11] == 0 {
            if x[12..<15].allSatisfy({ $0 == 0 }) {
                if x[15] == 0 { return .unspecified }                // ::
                if x[15] == 1 { return .loopback }                   // ::1
            }
            return ipv4(x[12], x[13], x[14], x[15])                  // ::a.b.c.d compatible
        }
        if x[0] == 0x00, x[1] == 0x64, x[2] == 0xFF, x[3] == 0x9B {
            if x[4..<12].allSatisfy({ $0 == 0 }) { return ipv4(x[12], x[13], x[14], x[15]) }  // NAT64
            if x[4] == 0, x[5] == 1 { return .privateUse }           // 64:ff9b:1::/48 local NAT64
        }
        if x[0] == 0x20, x[1] == 0x02 { return ipv4(x[2], x[3], x[4], x[5]) }  // 6to4
        if x[0] == 0x20, x[1] == 0x01, x[2] == 0x0D, x[3] == 0xB8 { return .reserved }  // documentation
        if x[0] == 0x01, x[1] == 0x00, x[2..<8].allSatisfy({ $0 == 0 }) { return .reserved }  // discard-only
        if x[0] & 0xFE == 0xFC { return .privateUse }                // fc00::/7 unique local
        if x[0] == 0xFE, x[1] & 0xC0 == 0x80 { return .linkLocal }   // fe80::/10
        if x[0] == 0xFE, x[1] & 0xC0 == 0xC0 { return .privateUse }  // fec0::/10 site-local (deprecated)
        if x[0] == 0xFF { return .multicast }
        return .global
    }
}
