import CCurl
import ContentCoding
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The Swift side of one transfer while it is attached to the multi handle.
///
/// Owned by the loop's table (`CurlMultiLoop.active`); curl holds only an unretained pointer to it
/// (WRITEDATA / HEADERDATA / XFERINFODATA / PRIVATE / OPENSOCKETDATA / PREREQDATA, all set for every
/// transfer), which stays valid because the table entry is removed only after
/// `curl_multi_remove_handle`. Every method runs on the multi thread, inside or
/// between curl callbacks.
final class CurlTransfer {
    let pending: PendingTransfer
    let easy: CurlEasyHandle
    /// CURLOPT_HTTPHEADER list; curl does not copy it, so it lives as long as the transfer.
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let maxBody: Int64
    private let maxHeaderBytes: Int

    private(set) var body: [UInt8] = []
    private(set) var decodedBytes: Int64 = 0
    private(set) var headers = HeaderFields()
    private(set) var parsedStatus = 0
    private var headerBytes = 0
    /// Set once a final (non-1xx) header block ended; later header lines are trailers.
    private(set) var headersComplete = false
    /// Decodes the body's codings; nil without any.
    private(set) var decoder: ContentDecoder?
    /// Why the codings cannot be decoded (unknown, or too many); reported at the first body byte, so an
    /// empty body under them is still a response.
    private var decodingProblem: ContentDecodingError?
    /// The final header block has a Content-Encoding other than identity: the body passes `decoder`
    /// (libcurl's own decoding is off), and raw and decoded byte counts differ.
    private var isContentEncoded: Bool { decoder != nil || decodingProblem != nil }
    /// Body bytes as received, before decoding (a content-encoded body only).
    private var rawReceived: Int64 = 0
    /// Why we aborted the transfer from a callback; takes precedence over curl's resulting code.
    private(set) var abort: TransferError?
    /// The body is read but not stored (an unaccepted media type with a small declared length).
    private(set) var discardsBody = false
    /// The body was cut at the cap on purpose (`TransferRequest.truncatesBody`).
    private(set) var truncated = false
    /// An address the policy refused, with its scope (`127.0.0.2 (loopback)`). When curl then fails to
    /// connect, that is why; when another address of the host connected, it is moot.
    private(set) var refusedAddress: String?
    /// errno of the last socket(2) that failed here (0: none). libcurl's CURLINFO_OS_ERRNO stays 0
    /// when the open-socket callback fails, so an EMFILE would read as a refused connection.
    private(set) var socketErrno: Int32 = 0
    /// `TransferRequest.onSend` was called (curl calls PREREQFUNCTION again when it retries the
    /// request on a fresh connection; the request counts as sent once).
    private var reportedSend = false

    /// The cap on raw (on-the-wire) bytes: the body cap, or more room when truncating, since the
    /// decoded cap then ends the transfer and raw bytes may run ahead of decoded ones.
    private var rawCap: Int64 {
        pending.request.truncatesBody ? maxBody * 2 + 65_536 : maxBody
    }

    private static let maxReservation: Int64 = 1 << 20

    // MARK: Memory budget (see `TransferRequest.memoryBudget`)

    /// Budget bytes held for this body.
    private(set) var weightHeld = 0
    /// Budget bytes asked for and not granted yet: the transfer is paused meanwhile.
    private var weightPending = 0
    /// The weight is the declared Content-Length: the buffer can be sized exactly once granted.
    private var weightIsDeclaredLength = false
    private let ticket: UInt64
    private let inbox: CurlMultiInbox
    private static let tickets = Atomic<UInt64>(0)

    init(pending: PendingTransfer, easy: CurlEasyHandle, maxHeaderBytes: Int, inbox: CurlMultiInbox) {
        self.pending = pending
        self.easy = easy
        self.inbox = inbox
        ticket = Self.tickets.add(1, ordering: .relaxed).newValue
        self.maxBody = Int64(pending.request.maxBodyBytes)
        self.maxHeaderBytes = maxHeaderBytes
    }

    deinit {
        curl_slist_free_all(headerList)
    }

    /// Sets the per-transfer options; the static ones were set once in `CurlEasyHandle.init`.
    /// Returns false when curl rejects one.
    func configure() -> Bool {
        let request = pending.request
        let handle = easy.raw
        easy.errorBuffer[0] = 0  // curl only writes on failure; clear the previous transfer's text
        for line in request.headers {
            guard let appended = curl_slist_append(headerList, line) else { return false }
            headerList = appended
        }
        // Unretained: the loop's `active` table keeps `self` alive until after remove_handle.
        let context = Unmanaged.passUnretained(self).toOpaque()
        var ok = true
        func check(_ code: CURLcode) { if code != CURLE_OK { ok = false } }
        check(ccurl_easy_setopt_string(handle, CURLOPT_URL, request.url))
        // https: wait for the host's connection in progress, in case it multiplexes (HTTP/2), rather
        // than opening a parallel one. http: HTTP/2 is only negotiated over TLS here, so there is
        // nothing to wait for, and waiting would hold a host's second request behind a slow first
        // response (and then report it as a resolve timeout).
        check(ccurl_easy_setopt_long(handle, CURLOPT_PIPEWAIT, request.url.utf8.starts(with: "https:".utf8) ? 1 : 0))
        check(ccurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))
        if request.cookie != nil || easy.hasCookieOption {
            check(ccurl_easy_setopt_string(handle, CURLOPT_COOKIE, request.cookie))  // curl copies it; nil clears
            easy.hasCookieOption = request.cookie != nil
        }
        check(ccurl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, request.timeout.curlMilliseconds))
        check(ccurl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeout.curlMilliseconds))
        check(ccurl_easy_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, max(0, request.lowSpeedLimit)))
        check(ccurl_easy_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, request.lowSpeedLimit > 0 ? request.lowSpeedTime.curlSeconds : 0))
        // Fails early on a too-large Content-Length; bodies without one are caught in the callbacks.
        // 0 = no limit: a truncating transfer must accept a large Content-Length and cut the body; and
        // with `acceptedMediaTypes` the end of the headers decides (an 8 MB PDF is skipped as not
        // HTML, not failed as too large), where the same Content-Length check is made.
        let curlCap = pending.request.truncatesBody || pending.request.acceptedMediaTypes != nil ? 0 : curl_off_t(maxBody)
        check(ccurl_easy_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curlCap))
        check(ccurl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
        check(ccurl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context))
        check(ccurl_easy_setopt_pointer(handle, CURLOPT_XFERINFODATA, context))
        check(ccurl_easy_setopt_pointer(handle, CURLOPT_PRIVATE, context))
        check(ccurl_easy_setopt_pointer(handle, CURLOPT_OPENSOCKETDATA, context))
        // Set for every transfer, like the other callbacks' data: the function is set once per handle,
        // and a recycled handle must never call back with an earlier transfer's pointer.
        check(ccurl_easy_setopt_pointer(handle, CURLOPT_PREREQDATA, context))
        return ok
    }

    /// After `curl_multi_remove_handle`: unhooks and frees the header list so the recycled handle
    /// holds no pointer into freed memory.
    func detach() {
        if headerList != nil {
            _ = ccurl_easy_setopt_slist(easy.raw, CURLOPT_HTTPHEADER, nil)
            curl_slist_free_all(headerList)
            headerList = nil
        }
    }

    /// CURLOPT_PREREQFUNCTION: the request is about to be sent.
    func willSend() {
        guard !reportedSend else { return }
        reportedSend = true
        pending.request.onSend?()
    }

    /// CURLOPT_OPENSOCKETFUNCTION: opens the socket for a new connection, unless the resolved address
    /// is not public and the request does not allow that (curl then tries the host's next address,
    /// or fails with CURLE_COULDNT_CONNECT).
    func openSocket(_ address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        if !pending.request.allowsNonPublicAddresses {
            var raw = [UInt8](repeating: 0, count: 16)
            let length = Int(ccurl_sockaddr_ip(address, &raw))
            let scope = AddressScope.of(Array(raw.prefix(length)))
            if !scope.isPublic {
                refusedAddress = "\(Self.text(raw.prefix(length))) (\(scope.rawValue))"
                return ccurl_socket_bad()
            }
        }
        let socket = ccurl_open_socket(address)
        if socket == ccurl_socket_bad() { socketErrno = errno }
        return socket
    }

    /// Numeric text of a 4- or 16-byte address (inet_ntop: `127.0.0.2`, `::ffff:127.0.0.2`).
    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = Array(bytes).withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        guard written != nil else { return "unknown address" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Moves the body out (no copy-on-write copy).
    func takeBody() -> [UInt8] {
        var taken: [UInt8] = []
        swap(&taken, &body)
        return taken
    }

    // MARK: - Callbacks (return what curl documents; never trap)

    /// Write callback: the body's bytes as they came (curl decodes no content coding here). A short
    /// count makes curl fail with CURLE_WRITE_ERROR.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        isContentEncoded ? receiveEncoded(bytes) : receiveDecoded(bytes)
    }

    /// A content-encoded piece of the body: checked against the raw cap, then decoded into
    /// `receiveDecoded`.
    private func receiveEncoded(_ bytes: UnsafeRawBufferPointer) -> Int {
        if let decodingProblem {
            abort = TransferError(code: .decodeError, message: decodingProblem.message)
            return 0
        }
        // The weight is taken before anything is decoded: while it is not granted curl keeps these bytes
        // and delivers them again, so the decoder must not have seen them. Once held, `admit` never
        // pauses (see there).
        if let budget = pending.request.memoryBudget, !discardsBody, weightHeld == 0 {
            if let pause = admit(0, budget: budget) { return pause }
        }
        rawReceived += Int64(bytes.count)
        if rawReceived > rawCap {
            abort = TransferError(code: .tooLarge, message: "body exceeds \(maxBody) bytes on the wire")
            return 0
        }
        guard let decoder else {
            abort = TransferError(code: .decodeError, message: "no decoder for the body's Content-Encoding")
            return 0
        }
        do {
            let more = try decoder.feed(bytes) { piece in receiveDecoded(piece) == piece.count }
            return more ? bytes.count : 0
        } catch {
            abort = TransferError(code: .decodeError, message: error.message)
            return 0
        }
    }

    /// Decoded body bytes: checked against the caps and the memory budget, and kept.
    private func receiveDecoded(_ bytes: UnsafeRawBufferPointer) -> Int {
        let count = Int64(bytes.count)
        if let budget = pending.request.memoryBudget, !discardsBody {
            if let pause = admit(count, budget: budget) { return pause }
        }
        if decodedBytes + count > maxBody {
            if pending.request.truncatesBody {
                // Keep what fits and end the transfer; `makeResponse` reports it as complete.
                let room = Int(maxBody - decodedBytes)
                if !discardsBody { body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<room])) }
                decodedBytes += Int64(room)
                truncated = true
                return 0
            }
            abort = TransferError(code: .tooLarge, message: "decoded body exceeds \(maxBody) bytes")
            return 0
        }
        if !discardsBody {
            reserveRoom(for: bytes.count)
            body.append(contentsOf: bytes)
        }
        decodedBytes += count
        return bytes.count
    }

    /// Admits body bytes against the memory budget. Returns nil to go on, or the value the write
    /// callback must return: `CURL_WRITEFUNC_PAUSE` while the weight is not granted (curl keeps the data
    /// and delivers it again after `weightGranted`), 0 to abort (`tooLarge`).
    private func admit(_ count: Int64, budget: any TransferMemoryBudget) -> Int? {
        if weightPending > 0 { return Int(CURL_WRITEFUNC_PAUSE) }
        if weightHeld == 0 {
            let declared = HeaderLine.contentLength(in: headers)
            let encoded = isContentEncoded
            let capacity = Int64(budget.capacity)
            if let declared, !encoded, declared > capacity {
                abort = TransferError(code: .tooLarge, message: "Content-Length \(declared) exceeds the memory budget of \(capacity) bytes")
                return 0
            }
            // Decoded size unknown: reserve the cap, so a waiting transfer never holds part of its weight
            // (two growing bodies could then wait on each other for ever); shrunk at the end.
            let weight = Int(max(1, (declared.flatMap { encoded ? nil : $0 }) ?? min(maxBody, capacity)))
            let inbox = self.inbox
            let pending = self.pending
            weightIsDeclaredLength = declared != nil && !encoded
            if budget.acquire(weight, ticket: ticket, granted: { inbox.resume(pending) }) {
                weightHeld = weight
                if weightIsDeclaredLength { body.reserveCapacity(weight) }
            } else {
                weightPending = weight
                return Int(CURL_WRITEFUNC_PAUSE)
            }
        }
        if decodedBytes + count > Int64(weightHeld) {
            abort = TransferError(code: .tooLarge, message: "body exceeds its memory-budget weight of \(weightHeld) bytes")
            return 0
        }
        return nil
    }

    /// Grows the body buffer by half at a time (not Array's doubling), never past the granted weight:
    /// a body's real memory, its capacity, then stays within what the budget counts for it.
    private func reserveRoom(for extra: Int) {
        let needed = body.count + extra
        guard needed > body.capacity else { return }
        let limit = weightHeld > 0 ? weightHeld : Int(maxBody)
        body.reserveCapacity(max(needed, min(max(body.capacity + body.capacity / 2, 16_384), limit)))
    }

    /// Multi thread: the pending weight was granted; unpause (curl then delivers the kept data again).
    func weightGranted() {
        guard weightPending > 0 else { return }
        weightHeld = weightPending
        weightPending = 0
        if weightIsDeclaredLength { body.reserveCapacity(weightHeld) }
        _ = curl_easy_pause(easy.raw, 0)  // CURLPAUSE_CONT
    }

    /// At completion: returns the budget bytes the caller keeps (the stored body's size on success,
    /// nothing on failure) and gives the rest back.
    func settleWeight(succeeded: Bool, keptBytes: Int) -> Int {
        guard let budget = pending.request.memoryBudget else { return 0 }
        if weightPending > 0 {
            // Still waiting: withdraw; if it was granted meanwhile, the bytes are ours to give back.
            if !budget.withdraw(ticket: ticket) { budget.release(weightPending) }
            weightPending = 0
        }
        let kept = succeeded ? min(keptBytes, weightHeld) : 0  // keptBytes: the buffer's capacity
        if weightHeld > kept { budget.release(weightHeld - kept) }
        weightHeld = 0
        return kept
    }

    /// Progress callback: `downloaded` is the raw body count. Non-zero aborts the transfer
    /// (CURLE_ABORTED_BY_CALLBACK).
    func progress(downloaded: Int64) -> Int32 {
        if downloaded > rawCap {
            abort = TransferError(code: .tooLarge, message: "body exceeds \(maxBody) bytes on the wire")
            return 1
        }
        return 0
    }

    /// Header callback: one complete header line (with CRLF), a status line, or the blank line.
    func receiveHeader(_ line: UnsafeRawBufferPointer) -> Int {
        headerBytes += line.count
        if headerBytes > maxHeaderBytes {
            abort = TransferError(code: .tooLarge, message: "response headers exceed \(maxHeaderBytes) bytes")
            return 0
        }
        var end = line.count
        while end > 0, line[end - 1] == 0x0A || line[end - 1] == 0x0D { end -= 1 }
        let text = UnsafeRawBufferPointer(rebasing: line[0..<end])

        if HeaderLine.isStatusLine(text) {
            // A new response (after 1xx): only the last header block is reported.
            parsedStatus = HeaderLine.status(text)
            headers.removeAll()
            headersComplete = false
            decoder = nil
            decodingProblem = nil
            return line.count
        }
        if headersComplete { return line.count }  // trailers after a chunked body: ignored
        if text.isEmpty {
            if parsedStatus >= 200 || parsedStatus == 0 {
                headersComplete = true
                if headers.contains(named: "content-encoding") { setUpDecoding() }
                let declaredLength = HeaderLine.contentLength(in: headers)
                if let accepted = pending.request.acceptedMediaTypes, (200..<300).contains(parsedStatus),
                   let mediaType = HeaderLine.mediaType(in: headers), !accepted.contains(mediaType) {
                    if let declaredLength, declaredLength >= 0, declaredLength <= Int64(pending.request.skippedBodyReadLimit) {
                        discardsBody = true
                    } else {
                        abort = TransferError(code: .bodySkipped, message: "body not read: Content-Type \(mediaType)")
                        return 0
                    }
                }
                if let length = declaredLength, length >= 0 {
                    if length > maxBody, !pending.request.truncatesBody {
                        abort = TransferError(code: .tooLarge, message: "Content-Length \(length) exceeds \(maxBody) bytes")
                        return 0
                    }
                    // Capped: a lying Content-Length must not pin memory before any byte arrives.
                    body.reserveCapacity(Int(min(length, Self.maxReservation)))
                }
            }
            return line.count
        }
        if text[0] == 0x20 || text[0] == 0x09 {
            // obs-fold continuation line: part of the previous value.
            headers.continueLastValue(text)
            return line.count
        }
        headers.append(line: text)
        return line.count
    }
}

extension CurlTransfer {
    /// At the end of the final header block: the decoder for its Content-Encoding fields.
    private func setUpDecoding() {
        let value = headers.values(named: "content-encoding").joined(separator: ",")
        switch ContentCoding.codings(in: value) {
        case .success(let codings) where codings.isEmpty:
            return  // identity
        case .success(let codings):
            decoder = ContentDecoder(codings: codings)
            if decoder == nil { decodingProblem = ContentDecodingError(message: "cannot create a decoder for \(value)") }
        case .failure(let problem):
            decodingProblem = problem
        }
    }
}

@available(*, unavailable)
extension CurlTransfer: Sendable {}

// MARK: - C callbacks: capture nothing, context from the userdata pointer

/// CURLOPT_WRITEFUNCTION. `userdata` is the unretained `CurlTransfer` (alive: see its doc).
func curlWriteCallback(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let (transfer, bytes) = callbackArguments(data, size, count, userdata) else { return 0 }
    return transfer.receiveBody(bytes)
}

/// CURLOPT_HEADERFUNCTION. `userdata` is the unretained `CurlTransfer`.
func curlHeaderCallback(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let (transfer, bytes) = callbackArguments(data, size, count, userdata) else { return 0 }
    return transfer.receiveHeader(bytes)
}

/// The transfer and the bytes of a write or header callback; nil when curl passed nothing usable
/// (the callers then return 0, which aborts the transfer as curl documents).
private func callbackArguments(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> (CurlTransfer, UnsafeRawBufferPointer)? {
    let (total, overflow) = size.multipliedReportingOverflow(by: count)
    guard let userdata, let data, !overflow, total > 0 else { return nil }
    // Unretained: the `CurlTransfer` is owned by the loop's table while curl may call back.
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    return (transfer, UnsafeRawBufferPointer(start: data, count: total))
}

/// CURLOPT_OPENSOCKETFUNCTION. `clientp` is the unretained `CurlTransfer` (OPENSOCKETDATA, set per
/// transfer; curl opens sockets only while the transfer is attached, so it is alive).
func curlOpenSocketCallback(_ clientp: UnsafeMutableRawPointer?, _ purpose: curlsocktype, _ address: UnsafeMutablePointer<curl_sockaddr>?) -> curl_socket_t {
    guard let clientp, let address else { return ccurl_socket_bad() }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(clientp).takeUnretainedValue()
    return transfer.openSocket(address)
}

/// CURLOPT_PREREQFUNCTION. `clientp` is the unretained `CurlTransfer` (PREREQDATA, set per transfer;
/// curl calls it only while the transfer is attached, so it is alive).
func curlPrereqCallback(
    _ clientp: UnsafeMutableRawPointer?, _ primaryIP: UnsafeMutablePointer<CChar>?, _ localIP: UnsafeMutablePointer<CChar>?,
    _ primaryPort: Int32, _ localPort: Int32
) -> Int32 {
    if let clientp {
        Unmanaged<CurlTransfer>.fromOpaque(clientp).takeUnretainedValue().willSend()
    }
    return CURL_PREREQFUNC_OK
}

/// CURLOPT_XFERINFOFUNCTION. `clientp` is the unretained `CurlTransfer`.
func curlXferInfoCallback(_ clientp: UnsafeMutableRawPointer?, _ downloadTotal: curl_off_t, _ downloadNow: curl_off_t, _ uploadTotal: curl_off_t, _ uploadNow: curl_off_t) -> Int32 {
    guard let clientp else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(clientp).takeUnretainedValue()
    return transfer.progress(downloaded: Int64(downloadNow))
}
