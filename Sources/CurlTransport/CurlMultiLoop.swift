import CCurl
import CSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns the multi handle, every easy handle and every in-flight transfer; runs on one dedicated OS
/// thread and blocks in its poller (epoll).
///
/// curl is driven through its event interface (`curl_multi_socket_action`): curl says which sockets
/// to watch and when its timers are due (`SocketEvents`), and each wait hands it only the sockets
/// that are ready. `curl_multi_perform` would run every transfer each turn, and curl 7.88 then polls
/// each transfer's socket itself: measured, 93,000 `poll` calls for 4,000 turns of a 20,000-page crawl.
///
/// Other threads reach it only through `inbox` (a mutex plus a poller wake-up). Nothing here is
/// locked because nothing here is shared: the loop object is handed to its thread at start and the
/// creating thread keeps only the inbox.
final class CurlMultiLoop {
    let inbox: CurlMultiInbox
    /// Runs task jobs on this loop's thread (see `CurlLoopExecutor`).
    let executor: CurlLoopExecutor
    /// `CURLM *`, owned; cleaned up when `run` returns.
    private let multi: UnsafeMutableRawPointer
    /// The sockets curl watches and its timer; outlives the multi handle (see `deinit`).
    private let events: SocketEvents
    private let configuration: CurlClientConfiguration
    private let maxTransfers: Int
    /// CURLOPT_RESOLVE entries shared by every easy handle; freed after the handles.
    private var resolveList: UnsafeMutablePointer<curl_slist>?
    /// The cookie jar every easy handle shares (`keepsCookies`); nil without one.
    private let cookies: CurlCookieShare?

    /// Transfers attached to the multi handle, keyed by their `PendingTransfer`. This table is what
    /// keeps each `CurlTransfer` alive while curl holds an unretained pointer to it.
    private var active: [ObjectIdentifier: CurlTransfer] = [:]
    /// FIFO of transfers waiting for a slot (array plus head index: O(1) pop without a dependency).
    private var waiting: [PendingTransfer] = []
    private var waitingHead = 0
    /// Idle easy handles for reuse.
    private var freeHandles: [CurlEasyHandle] = []

    /// Bodies up to this size are kept on a failed transfer, for diagnostics.
    private static let diagnosticBodyLimit = 4096

    init(configuration: CurlClientConfiguration) throws(TransferError) {
        guard CurlClientConfiguration.isSendable(userAgent: configuration.userAgent) else {
            throw TransferError(code: .invalidRequest, message: "the User-Agent contains a control character (CR, LF, NUL, ...)")
        }
        for entry in configuration.resolve {
            if let problem = ResolveEntry.problem(with: entry) {
                throw TransferError(code: .invalidRequest, message: "the resolve entry '\(entry)' cannot be used: \(problem)")
            }
        }
        if configuration.keepsCookies {
            guard let share = CurlCookieShare() else { throw TransferError(code: .other, message: "curl_share_init failed") }
            cookies = share
        } else {
            cookies = nil
        }
        let events = try SocketEvents()
        guard let multi = curl_multi_init() else {
            throw TransferError(code: .other, message: "curl_multi_init failed")
        }
        self.multi = multi
        self.events = events
        events.attach(to: multi)
        self.configuration = configuration
        self.maxTransfers = min(max(1, configuration.maxTransfers), 100_000)  // clamp: no overflow below
        // HTTP/2 multiplexing (the default since 7.62, set explicitly so it is not lost).
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX)
        // Idle connections kept for reuse. curl's default (4 x handles currently added) shrinks
        // whenever few transfers are in flight, closing connections the next batch would reuse.
        // Within the open-file limit, though: an idle connection holds a descriptor too.
        let maxConnections = OpenFileBudget.maxConnections(transfers: maxTransfers, limit: OpenFileBudget.currentLimit())
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxConnections)
        if configuration.maxHostConnections > 0 {
            _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxHostConnections)
        }
        for entry in configuration.resolve {
            if let list = curl_slist_append(resolveList, entry) { resolveList = list }
        }
        inbox = CurlMultiInbox(poller: events.poller)
        executor = CurlLoopExecutor(inbox: inbox)
    }

    deinit {
        // Order matters: easy handles go first (none is attached any more), then the multi handle,
        // then the RESOLVE list the handles pointed to. The socket callbacks are removed first, so
        // cleanup (which closes the cached connections) does not call into `events`; the poller is
        // destroyed with `events`, after the inbox forgot it (`close`, at the end of `run`).
        active.removeAll()
        freeHandles.removeAll()
        events.detach(from: multi)
        curl_multi_cleanup(multi)
        curl_slist_free_all(resolveList)
    }

    /// The thread body: returns after shutdown, with every caller resumed.
    func run() {
        inbox.loopThreadStarted()
        let jobExecutor = executor.asUnownedTaskExecutor()
        var starts: [PendingTransfer] = []
        var cancels: [PendingTransfer] = []
        var resumes: [PendingTransfer] = []
        var jobs: [UnownedJob] = []
        var ready = [crawl_poller_event](repeating: crawl_poller_event(), count: Self.eventBatch)
        var running: Int32 = 0
        while true {
            var shutdown = false
            // Jobs submit transfers and may resume other tasks here: drain again (a few times at most,
            // so sockets are not starved) until a round brings no job.
            for _ in 0..<Self.drainRounds {
                starts.removeAll(keepingCapacity: true)
                cancels.removeAll(keepingCapacity: true)
                resumes.removeAll(keepingCapacity: true)
                jobs.removeAll(keepingCapacity: true)
                shutdown = inbox.drain(starts: &starts, cancels: &cancels, resumes: &resumes, jobs: &jobs)
                waiting.append(contentsOf: starts)
                for pending in cancels {
                    cancel(pending, reason: "task cancelled")
                }
                for pending in resumes {
                    // Finished meanwhile (cancelled, failed): nothing to unpause; `finish` settled its weight.
                    // Unpausing sets curl's timer to "now", so the timeout action below carries it on.
                    active[ObjectIdentifier(pending)]?.weightGranted()
                }
                for job in jobs {
                    job.runSynchronously(on: jobExecutor)
                }
                if jobs.isEmpty || shutdown { break }
            }
            if shutdown { break }
            // A new handle sets curl's timer to "now": the timeout action starts it.
            startWaiting()
            if events.takeExpiredTimer() {
                _ = curl_multi_socket_action(multi, ccurl_socket_timeout(), 0, &running)
            }
            if readCompletions() { startWaiting() }
            // Blocks until a watched socket is ready, curl's timer is due, or the inbox wakes it; not at
            // all when work arrived from this thread (jobs resumed by completions, their submissions).
            let timeout = inbox.hasWork ? 0 : events.waitTimeout(limit: 1000)
            let count = ready.withUnsafeMutableBufferPointer { buffer in
                crawl_poller_wait(events.poller, buffer.baseAddress, Int32(buffer.count), timeout)
            }
            if count < 0 {
                // The poller failed (it should not): pause instead of spinning; curl's timers still
                // run each turn, so transfers end by their timeouts rather than hang.
                usleep(1000)
            }
            for event in ready.prefix(Int(max(0, count))) {
                var mask: Int32 = 0
                if event.events & Int32(CRAWL_POLLER_IN) != 0 { mask |= CURL_CSELECT_IN }
                if event.events & Int32(CRAWL_POLLER_OUT) != 0 { mask |= CURL_CSELECT_OUT }
                _ = curl_multi_socket_action(multi, event.fd, mask, &running)
            }
            if readCompletions() { startWaiting() }
        }
        cancelEverything()
    }

    /// Most inbox drains per turn before curl's sockets are served again.
    private static let drainRounds = 4

    /// Most ready sockets taken from one wait (more stay ready for the next: epoll is level-triggered).
    private static let eventBatch = 64

    // MARK: - Starting

    private func startWaiting() {
        while active.count < maxTransfers, waitingHead < waiting.count {
            let pending = waiting[waitingHead]
            waitingHead += 1
            if !pending.isFinished { start(pending) }
        }
        if waitingHead == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            waitingHead = 0
        } else if waitingHead > 1024, waitingHead * 2 > waiting.count {
            waiting.removeFirst(waitingHead)
            waitingHead = 0
        }
    }

    private func start(_ pending: PendingTransfer) {
        guard let easy = freeHandles.popLast() ?? CurlEasyHandle(configuration: configuration, resolve: resolveList, cookies: cookies) else {
            pending.finish(TransferResponse(effectiveURL: pending.request.url, error: TransferError(code: .other, message: "could not create a curl easy handle")))
            return
        }
        let transfer = CurlTransfer(pending: pending, easy: easy, maxHeaderBytes: configuration.maxHeaderBytes, inbox: inbox)
        guard transfer.configure() else {
            transfer.detach()
            freeHandles.append(easy)
            pending.finish(TransferResponse(effectiveURL: pending.request.url, error: TransferError(code: .invalidRequest, message: "libcurl rejected a request option")))
            return
        }
        // Into the table first: from add_handle on, curl may call back with the unretained pointer.
        active[ObjectIdentifier(pending)] = transfer
        let added = curl_multi_add_handle(multi, easy.raw)
        guard added == CURLM_OK else {
            active[ObjectIdentifier(pending)] = nil
            transfer.detach()
            freeHandles.append(easy)
            let message = String(cString: curl_multi_strerror(added))
            pending.finish(TransferResponse(effectiveURL: pending.request.url, error: TransferError(code: .other, message: message)))
            return
        }
        publishInFlight()
    }

    // MARK: - Finishing

    /// Drains curl's completion messages. Returns true when any transfer finished.
    private func readCompletions() -> Bool {
        var finishedAny = false
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easyRaw = message.pointee.easy_handle else { continue }
            // Read before remove_handle: the message does not survive it.
            let result = message.pointee.data.result
            var context: UnsafeMutableRawPointer?
            guard ccurl_easy_getinfo_pointer(easyRaw, CURLINFO_PRIVATE, &context) == CURLE_OK, let context else {
                _ = curl_multi_remove_handle(multi, easyRaw)  // not ours: cannot happen, but never leave it attached
                continue
            }
            // Unretained: the `active` table still holds the transfer; it is removed in `finish`.
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            finish(transfer, result: result, error: nil)
            finishedAny = true
        }
        return finishedAny
    }

    private func cancel(_ pending: PendingTransfer, reason: String) {
        if let transfer = active[ObjectIdentifier(pending)] {
            finish(transfer, result: CURLE_OK, error: TransferError(code: .cancelled, message: reason))
        } else {
            // Waiting (its queue entry is skipped later) or already done (finish is then a no-op).
            pending.finish(PendingTransfer.cancelledResponse(pending.request, reason: reason))
        }
    }

    /// Detaches `transfer` from curl, recycles its handle and resumes the caller.
    private func finish(_ transfer: CurlTransfer, result: CURLcode, error: TransferError?) {
        let response = transfer.makeResponse(result: result, error: error, diagnosticBodyLimit: Self.diagnosticBodyLimit)
        _ = curl_multi_remove_handle(multi, transfer.easy.raw)
        // Only now may the transfer die: curl holds no pointer to it any more.
        active[ObjectIdentifier(transfer.pending)] = nil
        transfer.detach()
        if freeHandles.count < maxTransfers { freeHandles.append(transfer.easy) }
        publishInFlight()
        transfer.pending.finish(response)
    }

    private func publishInFlight() {
        let count = active.count
        inbox.inFlight.store(count, ordering: .relaxed)
        if count > inbox.maxInFlight.load(ordering: .relaxed) {
            inbox.maxInFlight.store(count, ordering: .relaxed)  // only this thread writes it
        }
    }

    /// Shutdown: every caller is resumed with `.cancelled`, and nothing can be submitted any more.
    private func cancelEverything() {
        let reason = "client shut down"
        for transfer in Array(active.values) {
            finish(transfer, result: CURLE_OK, error: TransferError(code: .cancelled, message: reason))
        }
        for pending in waiting[waitingHead...] {
            pending.finish(PendingTransfer.cancelledResponse(pending.request, reason: reason))
        }
        waiting.removeAll()
        waitingHead = 0
        let left = inbox.close()
        for pending in left.starts {
            pending.finish(PendingTransfer.cancelledResponse(pending.request, reason: reason))
        }
        // Tasks resumed by the cancellations above, or queued since the last turn: the loop runs no
        // more jobs, so they go to the global pool.
        for job in left.jobs {
            globalConcurrentExecutor.enqueue(ExecutorJob(job))
        }
    }
}

@available(*, unavailable)
extension CurlMultiLoop: Sendable {}
