import CCurl

extension CurlTransfer {
    /// Collects status, headers, body, sizes and timings once curl reports the transfer done (or we
    /// abort it). `error` overrides curl's result (cancellation).
    func makeResponse(result: CURLcode, error: TransferError?, diagnosticBodyLimit: Int) -> TransferResponse {
        let connect = easy.infoOffset(CURLINFO_CONNECT_TIME_T)
        var failure = error
        // Cutting the body at the cap on purpose ends curl's transfer with a write error; it is a
        // complete response for the caller.
        if failure == nil, truncated, result == CURLE_WRITE_ERROR {
            var response = makeResponse(result: CURLE_OK, error: nil, diagnosticBodyLimit: diagnosticBodyLimit)
            response.bodyTruncated = true
            return response
        }
        if failure == nil, result != CURLE_OK {
            if var abort = abort {
                abort.curlCode = Int32(bitPattern: result.rawValue)
                failure = abort
            } else if result == CURLE_OUT_OF_MEMORY, !headersComplete, parsedStatus != 0 {
                // libcurl 7.88 rejects a response header line over CURL_MAX_HTTP_HEADER (100 KiB) with
                // OUT_OF_MEMORY: that is the server breaking HTTP, not this process running out.
                failure = TransferError(
                    code: .protocolError, curlCode: Int32(bitPattern: result.rawValue),
                    message: "a response header line exceeds libcurl's 100 KiB limit")
            } else if result == CURLE_COULDNT_CONNECT, let outOfFiles = TransferError.outOfDescriptors(curlCode: result, socketErrno: socketErrno) {
                failure = outOfFiles
            } else if result == CURLE_COULDNT_CONNECT, let refusedAddress {
                failure = TransferError(
                    code: .blockedAddress, curlCode: Int32(bitPattern: result.rawValue),
                    message: "address \(refusedAddress) is not public; refused by the address policy")
            } else {
                failure = TransferError.mapping(result, message: easy.errorMessage(for: result), connectTimeMicroseconds: connect, osErrno: easy.infoLong(CURLINFO_OS_ERRNO))
            }
        }
        // A content coding that stopped before its end: the HTTP framing was intact (or the connection
        // closed a body without a length), but the body is not all there. That is a partial body, as a
        // connection cut before its Content-Length is (and, like it, worth trying again), not a corrupt
        // stream.
        if failure == nil, result == CURLE_OK, !truncated, let problem = decoder?.unfinished() {
            failure = TransferError(code: .partialBody, message: problem.message)
        }
        let dns = easy.infoOffset(CURLINFO_NAMELOOKUP_TIME_T)
        let appConnect = easy.infoOffset(CURLINFO_APPCONNECT_TIME_T)
        let timings = TransferTimings(
            dnsMs: Double(dns) / 1000,
            connectMs: Double(max(0, connect - dns)) / 1000,
            tlsMs: appConnect > 0 ? Double(max(0, appConnect - connect)) / 1000 : 0,
            ttfbMs: Double(easy.infoOffset(CURLINFO_STARTTRANSFER_TIME_T)) / 1000,
            totalMs: Double(easy.infoOffset(CURLINFO_TOTAL_TIME_T)) / 1000
        )
        var body = takeBody()
        if failure != nil, body.count > diagnosticBodyLimit { body = [] }
        // The caller keeps the buffer as allocated: its capacity is what it costs in memory.
        let heldBytes = settleWeight(succeeded: failure == nil, keptBytes: body.isEmpty ? 0 : body.capacity)
        let status = easy.infoLong(CURLINFO_RESPONSE_CODE)
        let primaryIP = easy.infoString(CURLINFO_PRIMARY_IP)
        return TransferResponse(
            status: status != 0 ? status : parsedStatus,
            fields: headers,
            body: body,
            rawBytes: easy.infoOffset(CURLINFO_SIZE_DOWNLOAD_T),
            decodedBytes: decodedBytes,
            effectiveURL: easy.infoString(CURLINFO_EFFECTIVE_URL) ?? pending.request.url,
            primaryIP: primaryIP?.isEmpty == false ? primaryIP : nil,
            httpVersion: Self.httpVersion(easy.infoLong(CURLINFO_HTTP_VERSION)),
            timings: timings,
            error: failure,
            heldBytes: heldBytes
        )
    }

    private static func httpVersion(_ curlVersion: Int) -> Int {
        switch curlVersion {
        case Int(CURL_HTTP_VERSION_1_0): return 10
        case Int(CURL_HTTP_VERSION_1_1): return 11
        case Int(CURL_HTTP_VERSION_2_0): return 20
        case Int(CURL_HTTP_VERSION_3): return 30
        default: return 0
        }
    }
}
