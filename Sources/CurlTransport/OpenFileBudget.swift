import CSupport

/// How the files this process may open (`ulimit -n`) are shared between the transfers' connections
/// and everything else. Past the limit, opening a socket fails with EMFILE, which libcurl reports as
/// "Couldn't connect to server": a crawl with more transfers than descriptors recorded hundreds of
/// healthy URLs as `connection_refused` and cancelled their hosts (`--concurrency 500` under
/// `ulimit -n 64`, seen).
public enum OpenFileBudget {
    /// Descriptors kept for all but the connections: the standard streams, the output, the state
    /// database and its journal files, the poller and its wake-up, temporary files of atomic writes,
    /// and the libraries' own.
    public static let reserve = 64
    /// What one transfer may hold at once: its connection, and the socket pair of libcurl's threaded
    /// resolver while its host name resolves.
    public static let perTransfer = 3

    /// The most files this process may open, after raising the soft limit to the hard one (no
    /// privilege needed); nil when it cannot be read.
    public static func raiseLimit() -> Int? {
        let limit = crawl_open_file_limit(1)
        return limit < 0 ? nil : Int(limit)
    }

    /// The limit in force, unchanged; nil when it cannot be read.
    static func currentLimit() -> Int? {
        let limit = crawl_open_file_limit(0)
        return limit < 0 ? nil : Int(limit)
    }

    /// The most transfers whose descriptors fit in `limit`.
    public static func maxTransfers(limit: Int) -> Int {
        max(0, (limit - reserve) / perTransfer)
    }

    /// CURLMOPT_MAXCONNECTS: four connections per transfer kept for reuse (see `CurlMultiLoop`), but
    /// never more than the limit leaves once the resolvers' pairs and the reserve are counted, and
    /// never fewer than one per transfer.
    static func maxConnections(transfers: Int, limit: Int?) -> Int {
        let wanted = max(16, transfers * 4)
        guard let limit else { return wanted }
        let room = limit - reserve - 2 * transfers
        return max(transfers, min(wanted, room))
    }
}
